% rebase("layout.tpl")
<div class="page-head"><h1>Reports</h1></div>
<form id="report-form" method="get" action="/reports" class="filters card" aria-label="Report period">
  % include("_field.tpl", form=form, name="from", label="From", type="date")
  % include("_field.tpl", form=form, name="to", label="To", type="date")
  % include("_field.tpl", form=form, name="period", label="Group by", type="select", options=[("day", "Day"), ("month", "Month")])
  <div class="filter-actions"><button type="submit" class="button">Show</button></div>
</form>
<p class="muted">Sales count placed and fulfilled orders, by the day they were placed (UTC), from {{sales["from"]}} to {{sales["to"]}}.</p>
<section class="stats" aria-label="Totals">
  <div class="stat card"><h2 class="stat-label">Sales</h2><p class="stat-value">{{money(sales["total_amount"])}}</p></div>
  <div class="stat card"><h2 class="stat-label">Orders</h2><p class="stat-value">{{sales["total_orders"]}}</p></div>
</section>
<section class="card" id="sales">
  <h2>Sales per {{sales["period"]}}</h2>
  {{!sales_chart}}
  % include("_sales_table.tpl", report=sales, caption="Sales per " + sales["period"])
</section>
<div class="columns">
  <section class="card" id="top-products">
    <h2>Top products</h2>
    % if top["items"]:
    {{!top_chart}}
    <details class="chart-data">
      <summary>Show the numbers</summary>
      <div class="table-wrap" tabindex="0">
      <table>
        <caption class="visually-hidden">Top products by sales</caption>
        <thead><tr><th scope="col">Product</th><th scope="col" class="num">Units</th><th scope="col" class="num">Sales</th></tr></thead>
        <tbody>
        % for item in top["items"]:
          <tr><td><a href="/products/{{item['product_id']}}">{{item["name"]}}</a></td><td class="num">{{item["quantity"]}}</td><td class="num">{{money(item["amount"])}}</td></tr>
        % end
        </tbody>
      </table>
      </div>
    </details>
    % else:
    <p class="empty">No sales in this period.</p>
    % end
  </section>
  <section class="card" id="categories">
    <h2>Sales per category</h2>
    % if categories["items"]:
    {{!category_chart}}
    <details class="chart-data">
      <summary>Show the numbers</summary>
      <div class="table-wrap" tabindex="0">
      <table>
        <caption class="visually-hidden">Sales per category</caption>
        <thead><tr><th scope="col">Category</th><th scope="col" class="num">Units</th><th scope="col" class="num">Sales</th></tr></thead>
        <tbody>
        % for item in categories["items"]:
          <tr><td>{{item["name"]}}</td><td class="num">{{item["quantity"]}}</td><td class="num">{{money(item["amount"])}}</td></tr>
        % end
        </tbody>
      </table>
      </div>
    </details>
    % else:
    <p class="empty">No sales in this period.</p>
    % end
  </section>
</div>
