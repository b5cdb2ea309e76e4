% # A ranking as a table: each row's name in full, a bar for its share, units and money.
% # include("_bar_table.tpl", items=rows, caption="...", name_header="Product", link=True)
<table class="list bar-table">
  <caption class="visually-hidden">{{caption}}</caption>
  <thead><tr><th scope="col">{{name_header}}</th><th scope="col" class="num">Units</th><th scope="col" class="num">Sales</th></tr></thead>
  <tbody>
  % for item in items:
    <tr>
      <td>
        % if get("link") and item.get("product_id"):
        <a href="/products/{{item['product_id']}}">{{item["name"]}}</a>
        % else:
        {{item["name"]}}
        % end
        <svg class="bar-meter" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true" focusable="false"><rect class="bar" width="{{item['bar']}}" height="6"/></svg>
      </td>
      <td class="num">{{item["quantity"]}}</td>
      <td class="num">{{money(item["amount"])}}</td>
    </tr>
  % end
  </tbody>
</table>
