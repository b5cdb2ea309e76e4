% # The numbers behind a sales chart, for screen readers, printing and copying.
<details class="chart-data">
  <summary>Show the numbers</summary>
  <div class="table-wrap" tabindex="0">
  <table>
    <caption class="visually-hidden">{{caption}}</caption>
    <thead><tr><th scope="col">{{"Day" if report["period"] == "day" else "Month"}}</th><th scope="col" class="num">Orders</th><th scope="col" class="num">Sales</th></tr></thead>
    <tbody>
    % for point in report["items"]:
      <tr><td>{{point["period"]}}</td><td class="num">{{point["orders"]}}</td><td class="num">{{money(point["amount"])}}</td></tr>
    % end
    </tbody>
    <tfoot><tr><th scope="row">Total</th><td class="num">{{report["total_orders"]}}</td><td class="num">{{money(report["total_amount"])}}</td></tr></tfoot>
  </table>
  </div>
</details>
