% rebase("layout.tpl")
<div class="page-head">
  <h1>Orders</h1>
  <div class="page-actions">
    % if can("orders:write"):
    <a class="button" href="/orders/new">New order</a>
    % end
    % if orders:
    <a class="button button-quiet" href="{{export_link}}" download>Export CSV<span class="visually-hidden"> of these orders</span></a>
    % end
  </div>
</div>
% if none_yet:
<section class="card empty-state">
  <h2>No orders yet</h2>
  <p>An order is a customer's list of products. It starts as a draft; placing it takes the stock.</p>
  % if can("orders:write"):
  <div class="actions"><a class="button" href="/orders/new">Start the first order</a></div>
  % end
</section>
% else:
<form id="filter-form" method="get" action="/orders" class="filters card" role="search" aria-label="Find orders">
  % include("_field.tpl", form=filters, name="q", label="Search", type="search", placeholder="Order number or customer", field_id="order-search")
  % include("_field.tpl", form=filters, name="status", label="Status", type="select", options=[("", "Any status")] + [(s, s.capitalize()) for s in statuses])
  % include("_field.tpl", form=filters, name="from", label="Created from", autocomplete="off", placeholder=example)
  % include("_field.tpl", form=filters, name="to", label="Created until", autocomplete="off", placeholder=example)
  % include("_field.tpl", form=filters, name="sort", label="Sort by", type="select", options=sorts)
  % if customer:
  <input type="hidden" name="customer" value="{{customer.id}}">
  <p class="filter-chip">Customer: <strong>{{customer.name}}</strong> <a href="{{without_customer}}">Show every customer's orders</a></p>
  % end
  <div class="filter-actions">
    <button type="submit" class="button">Apply</button>
    <a href="/orders" class="button button-quiet">Reset</a>
  </div>
</form>
<section class="card">
  % if orders:
  <table class="list stack">
    <caption class="visually-hidden">Orders</caption>
    <thead><tr>
      % include("_sort.tpl", listing=listing, key="number", label="Order", down=True)
      <th scope="col">Customer</th>
      % include("_sort.tpl", listing=listing, key="created_at", label="Created", down=True, cls="optional")
      <th scope="col">Status</th><th scope="col" class="num">Total</th>
    </tr></thead>
    <tbody>
    % for order in orders:
      <tr>
        <td class="nowrap cell-main"><a href="/orders/{{order.id}}">{{order.number}}</a></td>
        <td data-label="Customer"><a href="/customers/{{order.customer.id}}">{{order.customer.name}}</a></td>
        <td class="optional" data-label="Created">{{when(order.created_at)}}</td>
        <td data-label="Status"><span class="status status-{{order.status}}">{{order.status}}</span></td>
        <td class="num" data-label="Total">{{money(order.total)}}</td>
      </tr>
    % end
    </tbody>
  </table>
  % else:
  <p class="empty">
    % if filters.value("q"):
    No orders match “{{filters.value("q")}}”. Try part of the number or of the customer's name.
    % else:
    No orders match these filters.
    % end
    <a href="/orders">Show all orders</a>.</p>
  % end
  % include("_pager.tpl", listing=listing, noun="orders")
</section>
% end
