% rebase("layout.tpl", title=title)
<h1>tinyapp API <small>{{spec["info"]["version"]}}</small></h1>
<p>{{spec["info"]["description"]}}</p>
<p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI {{spec["openapi"]}}).</p>
% tags = sorted({op["tags"][0] for ops in spec["paths"].values() for op in ops.values()})
<nav class="toc"><ul>
% for tag in tags:
  <li><a href="#{{tag}}">{{tag}}</a></li>
% end
</ul></nav>
% for tag in tags:
<section id="{{tag}}">
  <h2>{{tag}}</h2>
  % for path, operations in spec["paths"].items():
  %   for method, op in operations.items():
  %     if op["tags"][0] != tag:
  %       continue
  %     end
  <article class="endpoint">
    <h3><code>{{method.upper()}} {{path}}</code></h3>
    <p>{{op.get("summary", "")}}</p>
    % params = [p for p in op.get("parameters", []) if "name" in p]
    % if params:
    <table>
      <caption>Parameters</caption>
      <thead><tr><th scope="col">name</th><th scope="col">in</th><th scope="col">type</th><th scope="col">notes</th></tr></thead>
      <tbody>
      % for p in params:
        % schema = p.get("schema", {})
        <tr><td><code>{{p["name"]}}</code></td><td>{{p["in"]}}</td><td>{{schema.get("type", "")}}</td>
            <td>{{", ".join(f"{k} {v}" for k, v in schema.items() if k in ("enum", "minimum", "maximum", "maxLength", "default", "pattern"))}}</td></tr>
      % end
      </tbody>
    </table>
    % end
    % body = op.get("requestBody")
    % if body:
    %   ref = list(body["content"].values())[0]["schema"]
    <p>Body: <code>{{ref.get("$ref", "").rsplit("/", 1)[-1] or ref.get("type", "")}}</code></p>
    % end
    <p class="muted">Answers: {{", ".join(sorted(op["responses"]))}}{{"" if "security" in op else " · no sign-in needed"}}</p>
  </article>
  %   end
  % end
</section>
% end
<section id="schemas">
  <h2>Schemas</h2>
  % for name, schema in sorted(spec["components"]["schemas"].items()):
  <article class="endpoint" id="schema-{{name}}">
    <h3><code>{{name}}</code></h3>
    <table>
      <thead><tr><th scope="col">field</th><th scope="col">type</th><th scope="col">required</th><th scope="col">notes</th></tr></thead>
      <tbody>
      % for field, prop in schema.get("properties", {}).items():
        <tr><td><code>{{field}}</code></td>
            <td>{{prop.get("type", "") or prop.get("$ref", "").rsplit("/", 1)[-1]}}{{" (read-only)" if prop.get("readOnly") else ""}}</td>
            <td>{{"yes" if field in schema.get("required", []) else ""}}</td>
            <td>{{", ".join(f"{k} {v}" for k, v in prop.items() if k in ("enum", "minimum", "maximum", "maxLength", "pattern", "format", "description"))}}</td></tr>
      % end
      </tbody>
    </table>
  </article>
  % end
</section>
