% rebase("layout.tpl")
<div class="page-head">
  <h1>Products</h1>
  % if can("catalog:write"):
  <div class="page-actions"><a class="button" href="/products/new">New product</a></div>
  % end
</div>
<form id="filter-form" method="get" action="/products" class="filters card" role="search" aria-label="Find products">
  % include("_field.tpl", form=filters, name="q", label="Search", type="search", placeholder="SKU or name")
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
  <div class="table-wrap" tabindex="0">
  <table class="list">
    <caption class="visually-hidden">Products</caption>
    <thead>
      <tr><th scope="col">Product</th><th scope="col" class="optional">Category</th><th scope="col" class="num">Price</th><th scope="col" class="num">In stock</th></tr>
    </thead>
    <tbody>
    % for product in products:
      <tr>
        <td>
          <a href="/products/{{product.id}}">{{product.name}}</a>
          <span class="sku">{{product.sku}}</span>
          % if not product.is_active:
          <span class="status status-archived">archived</span>
          % end
        </td>
        <td class="optional">{{product.category.name if product.category_id else "—"}}</td>
        <td class="num">{{money(product.price)}}</td>
        <td class="num">
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
  </div>
  % else:
  <p class="empty">No products match. {{"Try another search, or " if filters.values.get("q") else ""}}<a href="/products">show all products</a>.</p>
  % end
  % include("_pager.tpl")
</section>
