% rebase("layout.tpl")
<div class="page-head"><h1>Reports</h1></div>
<nav class="presets card" aria-label="Report periods">
  <ul>
    % for label, href, current in presets:
    <li><a href="{{href}}" class="button button-quiet button-small" aria-current="{{'true' if current else 'false'}}">{{label}}</a></li>
    % end
  </ul>
</nav>
% include("_problem.tpl", form=form, fields={"from": "From", "to": "To", "period": "Group by"})
<form id="report-form" method="get" action="/reports" class="filters card" aria-label="Report period">
  % include("_field.tpl", form=form, name="from", label="From", autocomplete="off", hint="e.g. " + example)
  % include("_field.tpl", form=form, name="to", label="To", autocomplete="off", hint="e.g. " + example)
  % include("_field.tpl", form=form, name="period", label="Group by", type="select", options=[("day", "Day"), ("month", "Month")])
  <div class="filter-actions"><button type="submit" class="button">Show</button></div>
</form>
<p class="muted">Sales count placed and fulfilled orders, by the day they were placed (UTC), {{span}}.</p>
<section class="stats" aria-label="Totals">
  <div class="stat card"><h2 class="stat-label">Sales</h2><p class="stat-value">{{number(sales["total_amount"])}} <span class="currency-code">{{currency}}</span></p></div>
  <div class="stat card"><h2 class="stat-label">Orders</h2><p class="stat-value">{{sales["total_orders"]}}</p></div>
</section>
<section class="card" id="sales">
  <div class="card-head">
    <h2>Sales per {{sales["period"]}}</h2>
    <a href="{{csv['sales']}}" download>Download CSV<span class="visually-hidden"> of sales per {{sales["period"]}}</span></a>
  </div>
  {{!sales_chart}}
  % include("_sales_table.tpl", report=sales, caption="Sales per " + sales["period"])
</section>
<div class="columns">
  <section class="card" id="top-products">
    <div class="card-head">
      <h2>Top products</h2>
      % if top:
      <a href="{{csv['top-products']}}" download>Download CSV<span class="visually-hidden"> of top products</span></a>
      % end
    </div>
    % if top:
    % include("_bar_table.tpl", items=top, caption="Top products by sales, " + span, name_header="Product", link=True)
    % else:
    <p class="empty">No sales in this period.</p>
    % end
  </section>
  <section class="card" id="categories">
    <div class="card-head">
      <h2>Sales per category</h2>
      % if categories:
      <a href="{{csv['categories']}}" download>Download CSV<span class="visually-hidden"> of sales per category</span></a>
      % end
    </div>
    % if categories:
    % include("_bar_table.tpl", items=categories, caption="Sales per category, " + span, name_header="Category")
    % else:
    <p class="empty">No sales in this period.</p>
    % end
  </section>
</div>
