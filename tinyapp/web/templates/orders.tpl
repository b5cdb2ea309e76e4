% rebase("layout.tpl")
<div class="page-head">
  <h1>Orders</h1>
  % if can("orders:write"):
  <div class="page-actions"><a class="button" href="/orders/new">New order</a></div>
  % end
</div>
<form id="filter-form" method="get" action="/orders" class="filters card" role="search" aria-label="Filter orders">
  % include("_field.tpl", form=filters, name="status", label="Status", type="select", options=[("", "Any status")] + [(s, s.capitalize()) for s in statuses])
  % include("_field.tpl", form=filters, name="from", label="Created from", type="date")
  % include("_field.tpl", form=filters, name="to", label="Created until", type="date")
  % include("_field.tpl", form=filters, name="sort", label="Sort by", type="select", options=sorts)
  % if filters.value("customer"):
  <input type="hidden" name="customer" value="{{filters.value('customer')}}">
  % end
  <div class="filter-actions">
    <button type="submit" class="button">Apply</button>
    <a href="/orders" class="button button-quiet">Reset</a>
  </div>
</form>
<section class="card">
  % if orders:
  <div class="table-wrap" tabindex="0">
  <table class="list">
    <caption class="visually-hidden">Orders</caption>
    <thead><tr><th scope="col">Order</th><th scope="col">Customer</th><th scope="col" class="optional">Created</th><th scope="col">Status</th><th scope="col" class="num">Total</th></tr></thead>
    <tbody>
    % for order in orders:
      <tr>
        <td class="nowrap"><a href="/orders/{{order.id}}">{{order.number}}</a></td>
        <td><a href="/customers/{{order.customer.id}}">{{order.customer.name}}</a></td>
        <td class="optional">{{when(order.created_at)}}</td>
        <td><span class="status status-{{order.status}}">{{order.status}}</span></td>
        <td class="num">{{money(order.total)}}</td>
      </tr>
    % end
    </tbody>
  </table>
  </div>
  % else:
  <p class="empty">No orders match. <a href="/orders">Show all orders</a>.</p>
  % end
  % include("_pager.tpl")
</section>
