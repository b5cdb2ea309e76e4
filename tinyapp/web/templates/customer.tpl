% rebase("layout.tpl")
<p class="breadcrumb"><a href="/customers">Customers</a> /</p>
<div class="page-head">
  <div>
    <h1>{{customer.name}}</h1>
    % if not customer.is_active:
    <p><span class="status status-archived">archived</span> No new orders for this customer.</p>
    % end
  </div>
  <div class="page-actions">
    % if can("orders:write") and customer.is_active:
    <a class="button" href="/orders/new?customer={{customer.id}}">New order</a>
    % end
    % if can("customers:write"):
    <a class="button button-quiet" href="/customers/{{customer.id}}/edit">Edit</a>
    % if customer.is_active:
    <a class="button button-quiet" href="/customers/{{customer.id}}/archive">Archive</a>
    % end
    % end
  </div>
</div>
<div class="columns">
  <section class="card">
    <h2>Contact</h2>
    <dl class="facts">
      <dt>E-mail</dt><dd>{{customer.email or "—"}}</dd>
      <dt>Phone</dt><dd>{{customer.phone or "—"}}</dd>
      <dt>Address</dt><dd class="pre">{{customer.address or "—"}}</dd>
      <dt>Customer since</dt><dd>{{day(customer.created_at)}}</dd>
    </dl>
  </section>
  <section class="card">
    <h2>Notes</h2>
    % if customer.notes:
    <p class="pre">{{customer.notes}}</p>
    % else:
    <p class="empty">No notes.</p>
    % end
  </section>
</div>
<section class="card">
  <div class="card-head">
    <h2>Orders</h2>
    % if orders:
    <a href="{{url('/orders', customer=customer.id)}}">Search and filter them in the order list</a>
    % end
  </div>
  % if orders:
  <table class="list stack">
    <caption class="visually-hidden">Orders of {{customer.name}}, newest first</caption>
    <thead><tr><th scope="col">Order</th><th scope="col" class="optional">Created</th><th scope="col">Status</th><th scope="col" class="num">Total</th></tr></thead>
    <tbody>
    % for order in orders:
      <tr>
        <td class="nowrap cell-main"><a href="/orders/{{order.id}}">{{order.number}}</a></td>
        <td class="optional" data-label="Created">{{when(order.created_at)}}</td>
        <td data-label="Status"><span class="status status-{{order.status}}">{{order.status}}</span></td>
        <td class="num" data-label="Total">{{money(order.total)}}</td>
      </tr>
    % end
    </tbody>
  </table>
  % include("_pager.tpl", listing=listing, noun="orders")
  % else:
  <p class="empty">No orders yet.
  % if can("orders:write") and customer.is_active:
  <a href="/orders/new?customer={{customer.id}}">Start their first order</a>.
  % end
  </p>
  % end
</section>
<section class="card" id="history">
  <h2>Recent changes</h2>
  % include("_history.tpl", changes=changes, more_link="/customers/" + str(customer.id) + "/history")
</section>
