% rebase("layout.tpl")
<p class="breadcrumb"><a href="/products">Products</a> /
% if product:
<a href="/products/{{product.id}}">{{product.name}}</a> /
% end
</p>
<h1>{{title}}</h1>
<section class="card form-card">
  % include("_problem.tpl", shown=("sku", "name", "description", "category_id", "price", "stock", "reorder_level", "version"))
  % if theirs:
  <div class="conflict">
    <p>The form below now shows the product as it is saved. What you had typed:</p>
    <dl class="facts">
      % for name, value in theirs.items():
      % if name != "version" and str(value) != form.value(name):
      <dt>{{name.replace("_id", "").replace("_", " ").capitalize()}}</dt><dd>{{value or "(empty)"}}</dd>
      % end
      % end
    </dl>
  </div>
  % end
  <form id="product-form" method="post" action="{{'/products/%d' % product.id if product else '/products'}}" novalidate>
    % include("_csrf.tpl")
    % if product:
    <input type="hidden" name="version" value="{{form.value('version')}}">
    % end
    <div class="grid-2">
      % include("_field.tpl", form=form, name="sku", label="SKU", required=True, autocomplete="off", hint="Letters, digits, '.', '_' or '-'; stored in capitals.")
      % include("_field.tpl", form=form, name="name", label="Name", required=True, autocomplete="off")
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
