% rebase("layout.tpl")
<p class="breadcrumb"><a href="/products">Products</a> /</p>
<div class="page-head">
  <div>
    <h1>{{product.name}} <span class="sku">{{product.sku}}</span></h1>
    % if not product.is_active:
    <p><span class="status status-archived">archived</span> This product cannot be put on new orders.</p>
    % end
  </div>
  % if can("catalog:write"):
  <div class="page-actions">
    <a class="button" href="/products/{{product.id}}/edit">Edit</a>
    % if product.is_active:
    <a class="button button-quiet" href="/products/{{product.id}}/archive">Archive</a>
    % end
  </div>
  % end
</div>
<div class="columns">
  <section class="card">
    <h2>Details</h2>
    <dl class="facts">
      <dt>Price</dt><dd>{{money(product.price)}}</dd>
      <dt>In stock</dt><dd id="stock-level"><strong>{{product.stock}}</strong>
        % if product.stock <= product.reorder_level:
        <span class="status status-low">low</span>
        % end
      </dd>
      <dt>Reorder at</dt><dd>{{product.reorder_level}}</dd>
      <dt>Category</dt><dd>{{product.category.name if product.category_id else "None"}}</dd>
      <dt>Last changed</dt><dd>{{when(product.updated_at)}}</dd>
    </dl>
    % if product.description:
    <p class="description">{{product.description}}</p>
    % end
  </section>
  <section class="card">
    <h2>Often bought together</h2>
    % if suggestions:
    <ul class="plain-list">
      % for item in suggestions:
      <li><a href="/products/{{item['product_id']}}">{{item["name"]}}</a> <span class="sku">{{item["sku"]}}</span> <span class="muted">· on {{item["orders"]}} order{{"" if item["orders"] == 1 else "s"}} together</span></li>
      % end
    </ul>
    % else:
    <p class="empty">Nothing yet: this shows up once the product has been sold with others.</p>
    % end
  </section>
</div>
% if can("catalog:write") and product.is_active:
<section class="card" id="adjust">
  <h2>Adjust stock</h2>
  <p class="muted">For a stock count, a delivery or breakage. Orders change stock by themselves.</p>
  % include("_problem.tpl", form=adjust, shown=("delta", "reason"))
  <form id="adjust-form" method="post" action="/products/{{product.id}}/stock" class="inline-fields" novalidate>
    % include("_csrf.tpl")
    % include("_field.tpl", form=adjust, name="delta", label="Change", inputmode="numeric", hint="e.g. 12 or -3", required=True)
    % include("_field.tpl", form=adjust, name="reason", label="Reason", hint="e.g. delivery from supplier", required=True)
    <div class="field field-button"><button type="submit" class="button">Save change</button></div>
  </form>
</section>
% end
<section class="card" id="movements">
  <h2>Stock history</h2>
  % if movements:
  <div class="table-wrap" tabindex="0">
  <table>
    <caption class="visually-hidden">Stock movements of {{product.name}}, newest first</caption>
    <thead><tr><th scope="col">When</th><th scope="col">Reason</th><th scope="col" class="num">Change</th></tr></thead>
    <tbody>
    % for move in movements:
      <tr>
        <td class="nowrap">{{when(move.created_at)}}</td>
        <td>
          % if move.order_id:
          <a href="/orders/{{move.order_id}}">{{move.reason}}</a>
          % else:
          {{move.reason}}
          % end
        </td>
        <td class="num delta {{'delta-in' if move.delta > 0 else 'delta-out'}}">{{f"{move.delta:+d}"}}</td>
      </tr>
    % end
    </tbody>
  </table>
  </div>
  % include("_pager.tpl")
  % else:
  <p class="empty">No stock movements yet.</p>
  % end
</section>
