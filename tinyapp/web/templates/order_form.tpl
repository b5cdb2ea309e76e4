% rebase("layout.tpl")
<p class="breadcrumb"><a href="/orders">Orders</a> /</p>
<h1>New order for {{customer.name}}</h1>
<section class="card form-card">
  % include("_problem.tpl", shown=["notes"] + [f"{k}-{i}" for i in range(rows) for k in ("sku", "quantity")])
  <form id="order-form" method="post" action="/orders" novalidate>
    % include("_csrf.tpl")
    <input type="hidden" name="customer_id" value="{{customer.id}}">
    <input type="hidden" name="rows" value="{{rows}}">
    <p class="muted">Type each product's SKU (suggestions appear as you type) and the quantity. Leave the rows you do not need empty. <a href="/orders/new">Choose another customer</a>.</p>
    <datalist id="product-skus">
      % for product in products:
      <option value="{{product.sku}}">{{product.name}} · {{product.stock}} in stock · {{money(product.price)}}</option>
      % end
    </datalist>
    <div class="order-lines">
    % for i in range(rows):
      <fieldset class="order-line">
        <legend>Line {{i + 1}}</legend>
        % include("_field.tpl", form=form, name=f"sku-{i}", label="Product SKU", list="product-skus", autocomplete="off")
        % include("_field.tpl", form=form, name=f"quantity-{i}", label="Quantity", inputmode="numeric", autocomplete="off")
      </fieldset>
    % end
    </div>
    % include("_field.tpl", form=form, name="notes", label="Notes", type="textarea", rows=2)
    <div class="actions">
      <button type="submit" name="action" value="create" class="button">Create draft order</button>
      <button type="submit" name="action" value="more" class="button button-quiet">More lines</button>
      <a class="button button-quiet" href="/orders">Cancel</a>
    </div>
  </form>
</section>
