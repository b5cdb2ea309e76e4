% rebase("layout.tpl")
<div class="page-head">
  <div>
    <h1>Dashboard</h1>
    <p class="muted">Hello {{me.name}}. Here is how things stand today.</p>
  </div>
  % if can("orders:write"):
  <div class="page-actions"><a class="button" href="/orders/new">New order</a></div>
  % end
</div>
% if backup_warning:
<div class="flash flash-error" role="alert">{{backup_warning}}
  % if can("backups:manage"):
  <a href="/system#backups">Back up now</a>
  % else:
  Ask an admin to back up.
  % end
</div>
% end
% if empty_shop:
<section class="card empty-state">
  <h2>Welcome: your shop is empty</h2>
  <p>Start with the products you sell, then your customers; orders come after.</p>
  <div class="actions">
    % if can("catalog:write"):
    <a class="button" href="/products/new">Add the first product</a>
    <a class="button button-quiet" href="/imports/products">Import products from CSV</a>
    % end
    % if can("customers:write"):
    <a class="button button-quiet" href="/customers/new">Add a customer</a>
    % end
  </div>
  % if can("system:manage"):
  <form id="demo-form" method="post" action="/system/demo" class="actions">
    % include("_csrf.tpl")
    <p class="muted">Or look around first with a small shop's year of demo data (48 products, 30 customers, 700 orders).</p>
    <button type="submit" class="button button-quiet">Load demo data</button>
  </form>
  % end
</section>
% end
<section class="stats" aria-label="Key figures">
  <div class="stat card">
    <h2 class="stat-label">Sales today</h2>
    <p class="stat-value">{{number(today["total_amount"])}} <span class="currency-code">{{currency}}</span></p>
    <p class="stat-note">{{today["total_orders"]}} order{{"" if today["total_orders"] == 1 else "s"}}</p>
  </div>
  <div class="stat card">
    <h2 class="stat-label">This month</h2>
    <p class="stat-value">{{number(month["total_amount"])}} <span class="currency-code">{{currency}}</span></p>
    <p class="stat-note">{{month["total_orders"]}} order{{"" if month["total_orders"] == 1 else "s"}}</p>
  </div>
  <div class="stat card">
    <h2 class="stat-label">Open orders</h2>
    <p class="stat-value"><a href="/orders?status=placed">{{open_orders["orders"]}}</a></p>
    <p class="stat-note">worth {{money(open_orders["amount"])}}, waiting to be fulfilled</p>
  </div>
  <div class="stat card{{' stat-warning' if low_stock else ''}}">
    <h2 class="stat-label">Low stock</h2>
    <p class="stat-value"><a href="/products?low_stock=on">{{len(low_stock)}}{{"+" if len(low_stock) >= 8 else ""}}</a></p>
    <p class="stat-note">product{{"" if len(low_stock) == 1 else "s"}} at or below reorder level</p>
  </div>
</section>

<section class="card">
  <div class="card-head">
    <h2>Sales over the last 30 days</h2>
    <a href="/reports">All reports</a>
  </div>
  {{!chart}}
  % include("_sales_table.tpl", report=last_30, caption="Sales per day over the last 30 days")
</section>

<div class="columns">
  <section class="card">
    <div class="card-head">
      <h2>Recent orders</h2>
      <a href="/orders">All orders</a>
    </div>
    % if recent:
    <table class="list stack">
      <caption class="visually-hidden">Recent orders</caption>
      <thead><tr><th scope="col">Order</th><th scope="col">Customer</th><th scope="col" class="optional">Status</th><th scope="col" class="num">Total</th></tr></thead>
      <tbody>
      % for order in recent:
        <tr>
          <td class="nowrap cell-main"><a href="/orders/{{order.id}}">{{order.number}}</a></td>
          <td data-label="Customer">{{order.customer.name}}</td>
          <td class="optional" data-label="Status"><span class="status status-{{order.status}}">{{order.status}}</span></td>
          <td class="num" data-label="Total">{{money(order.total)}}</td>
        </tr>
      % end
      </tbody>
    </table>
    % else:
    <p class="empty">No orders yet.
      % if can("orders:write"):
      <a href="/orders/new">Start the first one</a>.
      % end
    </p>
    % end
  </section>
  <section class="card">
    <div class="card-head">
      <h2>Low stock</h2>
      <a href="/products?low_stock=on">See all</a>
    </div>
    % if low_stock:
    <table class="list stack">
      <caption class="visually-hidden">Products at or below their reorder level</caption>
      <thead><tr><th scope="col">Product</th><th scope="col" class="num">In stock</th><th scope="col" class="num optional">Reorder at</th></tr></thead>
      <tbody>
      % for item in low_stock:
        <tr>
          <td class="cell-main"><a href="/products/{{item['id']}}">{{item["name"]}}</a> <span class="sku">{{item["sku"]}}</span></td>
          <td class="num" data-label="In stock">{{item["stock"]}}</td>
          <td class="num optional" data-label="Reorder at">{{item["reorder_level"]}}</td>
        </tr>
      % end
      </tbody>
    </table>
    % else:
    % if empty_shop:
    <p class="empty">No products yet.</p>
    % else:
    <p class="empty">Every product is above its reorder level.</p>
    % end
    % end
  </section>
</div>
