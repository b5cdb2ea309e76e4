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
      <dt>Barcode</dt><dd>{{product.barcode or "None"}}</dd>
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
<section class="card" id="stock">
  <h2>Change the stock</h2>
  <p class="muted">Orders change the stock by themselves. Use this for a stock count, a delivery, or breakage.</p>
  % include("_problem.tpl", form=stock_form, fields={"action": "What happened", "quantity": "Quantity", "reason": "Reason"})
  <form id="stock-form" method="post" action="/products/{{product.id}}/stock" novalidate>
    % include("_csrf.tpl")
    % include("_choices.tpl", form=stock_form, name="action", legend="What happened", options=[("count", "Counted the shelf", "The stock becomes the number you counted; a count that matches is recorded as a check."), ("receive", "Received", "A delivery or a return: adds to the stock."), ("remove", "Removed", "Broken, lost or used: takes from the stock.")])
    <div class="inline-fields">
      % include("_field.tpl", form=stock_form, name="quantity", label="Quantity", inputmode="numeric", autocomplete="off", hint="Counted: how many are there now. Received or removed: how many.", required=True)
      % include("_field.tpl", form=stock_form, name="reason", label="Reason", autocomplete="off", hint="e.g. monthly count, delivery 4711, dropped", required=True)
      <div class="field field-button"><button type="submit" class="button">Save</button></div>
    </div>
  </form>
</section>
% end
<section class="card" id="movements">
  <h2>Stock history</h2>
  % if movements:
  <table class="list stack">
    <caption class="visually-hidden">Stock movements of {{product.name}}, newest first</caption>
    <thead><tr><th scope="col">When</th><th scope="col">Reason</th><th scope="col" class="optional">By</th><th scope="col" class="num">Change</th><th scope="col" class="num">Stock after</th></tr></thead>
    <tbody>
    % for move, balance in movements:
      <tr>
        <td class="nowrap cell-main">{{when(move.created_at)}}</td>
        <td data-label="Reason">
          % if move.order_id:
          <a href="/orders/{{move.order_id}}">{{move.reason}}</a>
          % else:
          {{move.reason}}
          % end
        </td>
        <td class="optional" data-label="By">{{move.user.name if move.user_id else "—"}}</td>
        % if move.delta == 0:
        <td class="num delta" data-label="Change">0 <span class="status">check</span></td>
        % else:
        <td class="num delta {{'delta-in' if move.delta > 0 else 'delta-out'}}" data-label="Change">{{f"{move.delta:+d}"}}</td>
        % end
        <td class="num" data-label="Stock after">{{balance}}</td>
      </tr>
    % end
    </tbody>
  </table>
  % include("_pager.tpl", listing=listing, noun="movements")
  % else:
  <p class="empty">No stock movements yet.</p>
  % end
</section>
<section class="card" id="history">
  <h2>Recent changes</h2>
  % include("_history.tpl", changes=changes, more_link="/products/" + str(product.id) + "/history")
</section>
