% rebase("layout.tpl")
% # The order editor (order_form.py explains it): a new order, or a draft. One form; its
% # first button is "Add", so Enter in the scan field adds a line and never places.
% labels = {"code": "Barcode or SKU", "add_quantity": "Quantity to add", "find": "Find a product", "notes": "Notes"}
% labels.update({f"line-{i}-quantity": f"Quantity of {line.product.name}" for i, line in enumerate(lines)})
<p class="breadcrumb"><a href="/orders">Orders</a> /</p>
<div class="page-head">
  <div>
    % if order:
    <h1>Order {{order.number}} <span class="status status-draft">draft</span></h1>
    % else:
    <h1>New order</h1>
    % end
    <p class="muted">For <a href="/customers/{{customer.id}}">{{customer.name}}</a> ·
      % if order:
      <a href="/orders/{{order.id}}/customer">Change customer</a>
      % else:
      <a href="/orders/new">Choose another customer</a>
      % end
    </p>
  </div>
  % if order:
  <div class="page-actions"><a class="button button-quiet button-danger-quiet" href="/orders/{{order.id}}/delete">Delete draft</a></div>
  % end
</div>
<p class="note">A draft takes no stock until you place it. Prices are today's; they are fixed when the order is placed.</p>
% include("_problem.tpl", form=form, fields=labels)
<form id="order-form" method="post" action="{{'/orders/%d' % order.id if order else '/orders'}}" class="order-editor" data-currency="{{currency}}" novalidate>
  % include("_csrf.tpl")
  % if order:
  <input type="hidden" name="version" value="{{order.version}}">
  % else:
  <input type="hidden" name="customer_id" value="{{customer.id}}">
  % end
  <input type="hidden" name="lines" value="{{len(lines)}}">
  <section class="card" aria-labelledby="add-title">
    <h2 id="add-title">Add a product</h2>
    <div class="inline-fields scan-fields">
      % include("_field.tpl", form=form, name="code", label="Scan or type a barcode or SKU", autocomplete="off", hint="A scanner's Enter adds the line.", autofocus=not form.errors)
      % include("_field.tpl", form=form, name="add_quantity", label="Quantity", inputmode="numeric", autocomplete="off", narrow=True)
      <div class="field field-button">
        <button type="submit" name="action" value="add" class="button">Add</button>
        <button type="button" class="button button-quiet js-camera" data-target="field-code" hidden>Use the camera</button>
      </div>
    </div>
    <div class="inline-fields">
      % include("_field.tpl", form=form, name="find", label="Or find a product", type="search", autocomplete="off", placeholder="Part of a name, SKU or barcode", live="product-results")
      <div class="field field-button"><button type="submit" name="action" value="find" class="button button-quiet">Find</button></div>
    </div>
    <div id="product-results" class="found" aria-live="polite" data-search-url="{{'/orders/%d' % order.id if order else '/orders/new?customer=%d' % customer.id}}">
      % if find:
      % if found:
      <ul class="choice-list">
        % for product in found:
        <li><button type="submit" name="add_product" value="{{product.id}}" class="choice">
          <span><strong>{{product.name}}</strong> <span class="sku">{{product.sku}}</span></span>
          <span class="muted">{{money(product.price)}} · {{product.stock}} in stock</span>
          <span class="choice-action">Add<span class="visually-hidden"> {{product.name}}</span></span>
        </button></li>
        % end
      </ul>
      % if more is None:
      <p class="muted">More than 1,000 products match: add a word to narrow the search.</p>
      % elif more:
      <p class="muted">{{more}} more product{{"s match" if more != 1 else " matches"}}: add a word to narrow the search.</p>
      % end
      % else:
      <p class="empty">No active product matches “{{find}}”.</p>
      % end
      % end
    </div>
  </section>
  <section class="card" aria-labelledby="lines-title">
    <h2 id="lines-title">Lines</h2>
    % if lines:
    <table class="list stack order-lines-table">
      <caption class="visually-hidden">Lines of the order, at today's prices</caption>
      <thead><tr><th scope="col">Product</th><th scope="col" class="num">Price</th><th scope="col" class="num">In stock</th><th scope="col" class="num">Quantity</th><th scope="col" class="num">Line total</th><th scope="col"><span class="visually-hidden">Remove</span></th></tr></thead>
      <tbody>
      % for i, line in enumerate(lines):
      % name = f"line-{i}-quantity"
      % message = form.error(name)
        <tr class="{{'line-short' if line.short else ''}}">
          <td class="cell-main">
            <input type="hidden" name="line-{{i}}-product" value="{{line.product.id}}">
            <a href="/products/{{line.product.id}}">{{line.product.name}}</a> <span class="sku">{{line.product.sku}}</span>
          </td>
          <td class="num" data-label="Price">{{money(line.product.price)}}</td>
          <td class="num" data-label="In stock">{{line.product.stock}}
            % if line.short:
            <span class="status status-low" id="field-{{name}}-short">only {{line.product.stock}}</span>
            % end
          </td>
          <td class="num" data-label="Quantity">
            <div class="field field-quantity{{' has-error' if message else ''}}">
              <label class="visually-hidden" for="field-{{name}}">Quantity of {{line.product.name}}</label>
              <input type="text" id="field-{{name}}" name="{{name}}" value="{{line.quantity}}" inputmode="numeric" autocomplete="off" class="quantity" data-price="{{line.product.price}}" aria-invalid="{{'true' if message else 'false'}}" {{!'aria-describedby="field-%s-error"' % name if message else ('aria-describedby="field-%s-short"' % name if line.short else '')}}>
              % if message:
              <p class="field-error" id="field-{{name}}-error"><span class="visually-hidden">Error: </span>{{message}}</p>
              % end
            </div>
          </td>
          <td class="num line-total" data-label="Line total">{{money(line.total) if line.total is not None else "—"}}</td>
          <td class="row-actions"><button type="submit" name="remove" value="{{i}}" class="button button-quiet button-small">Remove<span class="visually-hidden"> {{line.product.name}}</span></button></td>
        </tr>
      % end
      </tbody>
      <tfoot><tr><th scope="row" colspan="4" class="num">Total</th><td class="num total order-total">{{money(total)}}</td><td></td></tr></tfoot>
    </table>
    % else:
    <p class="empty">No lines yet: scan a product or find it above.</p>
    % end
    % include("_field.tpl", form=form, name="notes", label="Notes", type="textarea", rows=2)
    % if order:
    <div class="actions">
      <button type="submit" name="action" value="place" class="button">Place order</button>
      <button type="submit" name="action" value="save" class="button button-quiet">Save changes</button>
    </div>
    % end
  </section>
</form>
