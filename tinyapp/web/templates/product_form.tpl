% rebase("layout.tpl")
<p class="breadcrumb"><a href="/products">Products</a> /
% if product:
<a href="/products/{{product.id}}">{{product.name}}</a> /
% end
</p>
<h1>{{heading}}</h1>
<section class="card form-card">
  % include("_problem.tpl", fields={"sku": "SKU", "name": "Name", "barcode": "Barcode", "price": "Price", "category_id": "Category", "stock": "Opening stock", "reorder_level": "Reorder level", "description": "Description"})
  % if theirs:
  % labels = {"sku": "SKU", "name": "Name", "barcode": "Barcode", "description": "Description", "category_id": "Category", "price": "Price", "reorder_level": "Reorder level"}
  % category_names = {str(c.id): c.name for c in categories}
  % shown = lambda name, value: (category_names.get(str(value), "No category") if name == "category_id" else str(value)) or "(empty)"
  <div class="conflict" id="conflict">
    <h2>Changed by someone else meanwhile</h2>
    <dl class="facts">
      % for name in theirs:
      <dt>{{labels[name]}}</dt>
      <dd>saved as <strong>{{shown(name, form.value(name))}}</strong> · you typed <strong>{{shown(name, typed.get(name, ""))}}</strong></dd>
      % end
    </dl>
    <p>Your other changes are still in the form.</p>
  </div>
  % end
  <form id="product-form" method="post" action="{{'/products/%d' % product.id if product else '/products'}}" novalidate>
    % include("_csrf.tpl")
    % if product:
    <input type="hidden" name="version" value="{{form.value('version')}}">
    % for name in fields:
    <input type="hidden" name="was-{{name}}" value="{{form.value('was-' + name)}}">
    % end
    % end
    <div class="grid-2">
      % include("_field.tpl", form=form, name="sku", label="SKU", required=True, autocomplete="off", hint="Letters, digits, '.', '_' or '-'; stored in capitals.")
      % include("_field.tpl", form=form, name="name", label="Name", required=True, autocomplete="off")
      % include("_field.tpl", form=form, name="barcode", label="Barcode", autocomplete="off", inputmode="numeric", hint="Optional: scan it or type the digits under the bars (EAN, UPC).")
      % include("_field.tpl", form=form, name="price", label="Price", required=True, inputmode="decimal", hint="e.g. 12.50")
      % include("_field.tpl", form=form, name="category_id", label="Category", type="select", options=[("", "No category")] + [(c.id, c.name) for c in categories])
      % if not product:
      % include("_field.tpl", form=form, name="stock", label="Opening stock", inputmode="numeric", hint="Later changes go through stock adjustments.")
      % end
      % include("_field.tpl", form=form, name="reorder_level", label="Reorder level", inputmode="numeric", hint="Low stock is flagged at or below this.")
    </div>
    % include("_field.tpl", form=form, name="description", label="Description", type="textarea", rows=4)
    <div class="actions">
      <button type="submit" class="button">{{"Save changes" if product else "Add product"}}</button>
      <a class="button button-quiet" href="{{'/products/%d' % product.id if product else '/products'}}">Cancel</a>
    </div>
  </form>
</section>
