% rebase("layout.tpl")
<p class="print-only brand-print">tinyapp</p>
<p class="breadcrumb no-print"><a href="/orders">Orders</a> /</p>
<div class="page-head">
  <div>
    <h1>Order {{order.number}} <span class="status status-{{order.status}}">{{order.status}}</span></h1>
    <p class="muted">For <a href="/customers/{{order.customer.id}}">{{order.customer.name}}</a> · created {{when(order.created_at)}}
      % if order.placed_at:
      · placed {{when(order.placed_at)}}
      % end
      % if order.closed_at:
      · {{order.status}} {{when(order.closed_at)}}
      % end
    </p>
  </div>
  <div class="page-actions no-print">
    <button type="button" class="button button-quiet js-print" hidden>Print</button>
    % if can("orders:write"):
    % if order.status == "placed":
    <form id="fulfill-form" method="post" action="/orders/{{order.id}}/fulfill" class="inline-form">
      % include("_csrf.tpl")
      <button type="submit" class="button">Mark as fulfilled</button>
    </form>
    <a class="button button-quiet button-danger-quiet" href="/orders/{{order.id}}/cancel">Cancel order</a>
    % end
    % end
  </div>
</div>
% if order.status == "draft":
<p class="note no-print">This is a draft: it has taken no stock. Prices are fixed when it is placed.</p>
% end
<section class="card order-sheet">
  <table class="list stack">
    <caption class="visually-hidden">Lines of order {{order.number}}</caption>
    <thead><tr><th scope="col">Product</th><th scope="col" class="num">Qty</th><th scope="col" class="num">Unit price</th><th scope="col" class="num">Line total</th></tr></thead>
    <tbody>
    % for line in order.lines:
      <tr>
        <td class="cell-main"><a href="/products/{{line.product.id}}">{{line.product.name}}</a> <span class="sku">{{line.product.sku}}</span></td>
        <td class="num" data-label="Qty">{{line.quantity}}</td>
        <td class="num" data-label="Unit price">{{money(line.unit_price)}}</td>
        <td class="num" data-label="Line total">{{money(line.line_total)}}</td>
      </tr>
    % end
    </tbody>
    <tfoot><tr><th scope="row" colspan="3" class="num">Total</th><td class="num total">{{money(order.total)}}</td></tr></tfoot>
  </table>
  % if order.notes:
  <h2>Notes</h2>
  <p class="pre">{{order.notes}}</p>
  % end
</section>
<section class="card" id="history">
  <h2>Recent changes</h2>
  % include("_history.tpl", changes=changes, more_link="/orders/" + str(order.id) + "/history")
</section>
