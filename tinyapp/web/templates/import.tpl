% rebase("layout.tpl")
<p class="breadcrumb"><a href="/products">Products</a> /</p>
<h1>Import products</h1>
% include("_problem.tpl", form=form, fields={})
% if planned is not None:
% rows = sorted([(row.line, row) for row in planned] + [(int(line), None) for line in errors], key=lambda pair: pair[0])
<section class="card" id="preview">
  <h2>What the file would do</h2>
  % if errors:
  <div class="error-summary" id="import-errors" role="alert" tabindex="-1" autofocus aria-labelledby="import-errors-title">
    <h2 id="import-errors-title">Nothing was imported: {{len(errors)}} line{{"s have" if len(errors) != 1 else " has"}} a problem</h2>
    <ul>
      % for line, messages in sorted(errors.items(), key=lambda pair: int(pair[0])):
      <li><a href="#line-{{line}}">Line {{line}}</a>: {{"; ".join(f"{field}: {' '.join(m) if isinstance(m, list) else m}" for field, m in messages.items())}}</li>
      % end
    </ul>
    <p>Fix them in the file and upload it again: an import writes every line or none.</p>
  </div>
  % else:
  <p>Every line is fine. Nothing is written until you press <strong>Import</strong>.</p>
  % end
  <table class="list stack">
    <caption class="visually-hidden">The lines of the file and what importing each would do</caption>
    <thead><tr><th scope="col">Line</th><th scope="col">SKU</th><th scope="col">Name</th><th scope="col">What happens</th></tr></thead>
    <tbody>
    % for line, row in rows:
      % if row is None:
      <tr id="line-{{line}}" class="line-error">
        <td class="cell-main">Line {{line}}</td>
        <td data-label="SKU">—</td><td data-label="Name">—</td>
        <td data-label="What happens"><span class="field-error">{{"; ".join(f"{field}: {' '.join(m) if isinstance(m, list) else m}" for field, m in errors[str(line)].items())}}</span></td>
      </tr>
      % else:
      <tr id="line-{{line}}">
        <td class="cell-main">Line {{line}}</td>
        <td data-label="SKU"><span class="sku">{{row.data["sku"]}}</span></td>
        <td data-label="Name">{{row.data.get("name", "")}}</td>
        <td data-label="What happens">
          % if row.action == "create":
          <span class="status status-placed">new</span>
          % elif row.action == "update":
          <span class="status status-low">update</span> {{", ".join(name.replace("_id", "").replace("_", " ") for name in row.changes)}}{{(", " if row.changes else "") + f"stock {row.stock_change:+d}" if row.stock_change else ""}}
          % else:
          <span class="status">unchanged</span>
          % end
        </td>
      </tr>
      % end
    % end
    </tbody>
  </table>
  % if not errors:
  <form id="run-import-form" method="post" action="/imports/products/run" class="actions">
    % include("_csrf.tpl")
    <input type="hidden" name="csv" value="{{text}}">
    <button type="submit" class="button">Import {{len(planned)}} line{{"s" if len(planned) != 1 else ""}}</button>
    <a class="button button-quiet" href="/imports/products">Choose another file</a>
  </form>
  % end
</section>
% end
<section class="card form-card">
  <h2>{{"Upload it again" if errors else "Choose a file"}}</h2>
  <p>A CSV file (UTF-8) with a header line. Columns: <code>{{", ".join(columns)}}</code>; <code>{{", ".join(required_columns)}}</code> are needed. A SKU that exists is updated (only the columns the file has), a new one is created; <code>stock</code> is the number on the shelf, and the difference is recorded as a stock movement. The products list's <a href="/api/v1/exports/products.csv">Export CSV</a> writes this format.</p>
  <form id="import-form" method="post" action="/imports/products" enctype="multipart/form-data" novalidate>
    % include("_csrf.tpl")
    <div class="field">
      <label for="field-file">CSV file</label>
      <input type="file" id="field-file" name="file" accept=".csv,text/csv">
    </div>
    % include("_field.tpl", form=form, name="pasted", label="Or paste the text", type="textarea", rows=4)
    <div class="actions"><button type="submit" class="button">Check the file</button></div>
  </form>
</section>
