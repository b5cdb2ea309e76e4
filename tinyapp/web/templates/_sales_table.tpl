% # The numbers behind a sales chart, for screen readers, printing and copying.
<details class="chart-data">
  <summary>Show the numbers</summary>
  <table class="list stack">
    <caption class="visually-hidden">{{caption}}</caption>
    <thead><tr><th scope="col">{{"Day" if report["period"] == "day" else "Month"}}</th><th scope="col" class="num">Orders</th><th scope="col" class="num">Sales</th></tr></thead>
    <tbody>
    % for point in report["items"]:
      <tr><td class="nowrap cell-main">{{period(point["period"])}}</td><td class="num" data-label="Orders">{{point["orders"]}}</td><td class="num" data-label="Sales">{{money(point["amount"])}}</td></tr>
    % end
    </tbody>
    <tfoot><tr><th scope="row">Total</th><td class="num">{{report["total_orders"]}} orders</td><td class="num">{{money(report["total_amount"])}}</td></tr></tfoot>
  </table>
</details>
