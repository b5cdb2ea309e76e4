% rebase("layout.tpl")
<div class="page-head">
  <h1>Products</h1>
  <div class="page-actions">
    % if can("catalog:write"):
    <a class="button" href="/products/new">New product</a>
    <a class="button button-quiet" href="/imports/products">Import CSV</a>
    % end
    % if products:
    <a class="button button-quiet" href="{{export_link}}" download>Export CSV<span class="visually-hidden"> of these products</span></a>
    % end
  </div>
</div>
% if catalogue_empty:
<section class="card empty-state">
  <h2>No products yet</h2>
  <p>Products are what you sell: each has a SKU, a price and its stock.</p>
  % if can("catalog:write"):
  <div class="actions">
    <a class="button" href="/products/new">Add the first product</a>
    <a class="button button-quiet" href="/imports/products">Import them from a CSV file</a>
  </div>
  % end
  % if can("system:manage"):
  <form id="demo-form" method="post" action="/system/demo" class="actions">
    % include("_csrf.tpl")
    <p class="muted">Trying tinyapp out? Load a small shop's year of demo data: 48 products, 30 customers and 700 orders.</p>
    <button type="submit" class="button button-quiet">Load demo data</button>
  </form>
  % end
</section>
% else:
<form id="filter-form" method="get" action="/products" class="filters card" role="search" aria-label="Find products">
  % include("_field.tpl", form=filters, name="q", label="Search", type="search", placeholder="Part of a name, SKU or barcode", field_id="product-search")
  % include("_field.tpl", form=filters, name="category", label="Category", type="select", options=[("", "All categories")] + [(c.id, c.name) for c in categories])
  % include("_field.tpl", form=filters, name="active", label="Show", type="select", options=[("true", "Active"), ("false", "Archived"), ("all", "All")])
  % include("_field.tpl", form=filters, name="sort", label="Sort by", type="select", options=sorts)
  % include("_field.tpl", form=filters, name="low_stock", label="Low stock only", type="checkbox")
  <div class="filter-actions">
    <button type="submit" class="button">Apply</button>
    <a href="/products" class="button button-quiet">Reset</a>
  </div>
</form>
<section class="card">
  % if products:
  <table class="list stack">
    <caption class="visually-hidden">Products, sorted by {{listing.sort.lstrip("-")}}</caption>
    <thead>
      <tr>
        % include("_sort.tpl", listing=listing, key="name", label="Product")
        <th scope="col" class="optional">Category</th>
        % include("_sort.tpl", listing=listing, key="price", label="Price", cls="num")
        % include("_sort.tpl", listing=listing, key="stock", label="In stock", cls="num")
      </tr>
    </thead>
    <tbody>
    % for product in products:
      <tr>
        <td class="cell-main">
          <a href="/products/{{product.id}}">{{product.name}}</a>
          <span class="sku">{{product.sku}}</span>
          % if not product.is_active:
          <span class="status status-archived">archived</span>
          % end
        </td>
        <td class="optional" data-label="Category">{{product.category.name if product.category_id else "—"}}</td>
        <td class="num" data-label="Price">{{money(product.price)}}</td>
        <td class="num" data-label="In stock">
          % if product.stock <= product.reorder_level:
          <span class="low-stock" title="At or below the reorder level ({{product.reorder_level}})">{{product.stock}} <span class="visually-hidden">(low)</span></span>
          % else:
          {{product.stock}}
          % end
        </td>
      </tr>
    % end
    </tbody>
  </table>
  % else:
  <p class="empty">
    % if filters.value("q"):
    No products match “{{filters.value("q")}}”. Try part of a word, the SKU or the barcode.
    % else:
    No products match these filters.
    % end
    <a href="/products">Show all products</a>.</p>
  % end
  % include("_pager.tpl", listing=listing, noun="products")
</section>
% end
