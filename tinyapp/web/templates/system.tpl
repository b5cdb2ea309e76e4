% rebase("layout.tpl")
<div class="page-head"><h1>System</h1></div>
% if sqlite_warning:
<div class="flash flash-error" role="alert">{{sqlite_warning}}</div>
% end
<div class="columns">
  <section class="card">
    <h2>Database</h2>
    <dl class="facts">
      <dt>Engine</dt><dd>{{engine}} {{server_version}}</dd>
      <dt>Address</dt><dd><code class="wrap">{{database_url}}</code></dd>
      <dt>Connections in use</dt><dd>{{pool["in_use"]}}</dd>
      <dt>Idle in the pool</dt><dd>{{pool["idle"]}}</dd>
      <dt>Pool limit</dt><dd>{{pool["max"] or "none"}}</dd>
    </dl>
  </section>
  <section class="card">
    <h2>tinyapp</h2>
    <dl class="facts">
      <dt>Version</dt><dd>{{app_version}}</dd>
      <dt>Python</dt><dd>{{python_version}}</dd>
      <dt>Cache</dt><dd>{{cache_kind}} <code class="wrap">{{cache_url}}</code></dd>
      <dt>Cache hits</dt><dd>{{hits}} ({{hit_rate}})</dd>
      <dt>Cache misses</dt><dd>{{misses}}</dd>
    </dl>
  </section>
</div>
<section class="card" id="integrations">
  <h2>Webhooks and journal</h2>
  <p>Tell other systems about changes as they happen: <a href="/webhooks">webhooks</a> (and their <a href="/webhooks/deliveries">deliveries</a>). Every change anyone made is in the <a href="/history">journal</a>.</p>
</section>
<section class="card" id="backups">
  <h2>Backups</h2>
  <p>
    % if backup_age:
    The newest backup was made <strong>{{backup_age}}</strong>.
    % else:
    <strong>No backup has been made yet.</strong>
    % end
    Backups go to
    <code class="wrap">{{backup_dir}}</code>; {{backup_schedule}}.</p>
  <form method="post" action="/system/backups" class="actions">
    <input type="hidden" name="csrf_token" value="{{csrf_token}}">
    <label><input type="checkbox" name="portable"> Portable (restores into any engine)</label>
    <button type="submit" class="button">Back up now</button>
  </form>
  % if backups:
  <table class="list stack">
    <caption class="visually-hidden">Backups, newest first</caption>
    <thead><tr><th scope="col">Made</th><th scope="col">Engine</th><th scope="col">Format</th>
      <th scope="col" class="num">Size</th><th scope="col">Verified</th><th scope="col">File</th></tr></thead>
    <tbody>
    % for item in backups:
      % if item.manifest:
      <tr><td class="cell-main">{{when(item.created_at)}}</td><td data-label="Engine">{{item.manifest.engine}}</td>
        <td data-label="Format">{{item.manifest.format}}</td><td class="num" data-label="Size">{{f"{item.size / 1e6:.1f} MB"}}</td>
        <td data-label="Verified">{{item.verified}}</td>
        <td data-label="File"><a href="{{url('/api/v1/backups/download', name=item.name)}}" download>Download .zip</a></td></tr>
      % else:
      <tr><td colspan="6"><code>{{item.name}}</code>: {{item.problem}}</td></tr>
      % end
    % end
    </tbody>
  </table>
  </div>
  % end
</section>
<section class="card" id="migrations">
  <h2>Migrations</h2>
  <table class="list stack">
    <caption class="visually-hidden">Schema migrations</caption>
    <thead><tr><th scope="col">Migration</th><th scope="col">Status</th></tr></thead>
    <tbody>
    % for migration in migrations:
      <tr><td class="cell-main wrap-anywhere"><code>{{migration.name}}</code></td>
        <td data-label="Status"><span class="status {{'status-fulfilled' if migration.applied else 'status-draft'}}">{{"applied" if migration.applied else "pending"}}</span></td></tr>
    % end
    </tbody>
  </table>
</section>
<section class="card" id="slow-queries">
  <h2>Slow queries</h2>
  <p class="muted">Queries slower than {{slow_ms}} ms since tinyapp started, newest first.</p>
  % if slow:
  <table class="list stack">
    <caption class="visually-hidden">Slow queries</caption>
    <thead><tr><th scope="col">When</th><th scope="col" class="num">Time</th><th scope="col">SQL and its plan (EXPLAIN)</th><th scope="col">Request</th></tr></thead>
    <tbody>
    % for query in slow:
      <tr><td class="cell-main">{{when(query["at"])}}</td><td class="num" data-label="Time">{{f"{query['ms']:.0f} ms"}}</td>
        <td class="sql-cell"><code class="wrap">{{query["sql"]}}</code>
          % if query["plan"]:
          <pre class="plan">{{"\n".join(query["plan"])}}</pre>
          % end
        </td><td data-label="Request" class="wrap-anywhere"><code>{{query["request_id"]}}</code></td></tr>
    % end
    </tbody>
  </table>
  % else:
  <p class="empty">No slow queries. Good.</p>
  % end
</section>
