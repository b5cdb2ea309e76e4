% rebase("layout.tpl")
<div class="page-head">
  <div>
    <h1>Your account</h1>
    <p class="muted">{{me.name}} · {{me.email}} · <span class="role-badge">{{me.role}}</span></p>
  </div>
</div>
% if new_token:
<section class="card secret-card" role="status">
  <h2>Your new API token “{{new_token["name"]}}”</h2>
  <p>Copy it now: it is shown <strong>only this once</strong>. Send it as <code>Authorization: Bearer &lt;token&gt;</code>.</p>
  <label for="new-token-secret">Token</label>
  <input id="new-token-secret" class="secret" type="text" readonly value="{{new_token['secret']}}">
</section>
% end
<div class="columns">
  <section class="card" id="preferences">
    <h2>Preferences</h2>
    % include("_problem.tpl", form=preferences, fields={"page_size": "Rows per page in lists", "date_format": "Dates"})
    <form id="preferences-form" method="post" action="/account/preferences" novalidate>
      % include("_csrf.tpl")
      % include("_field.tpl", form=preferences, name="page_size", label="Rows per page in lists", type="select", options=[(n, n) for n in page_sizes])
      % include("_field.tpl", form=preferences, name="date_format", label="Dates", type="select", options=[(key, style.label) for key, style in date_styles.items()], hint="How every page writes dates. Times are in UTC.")
      <button type="submit" class="button">Save preferences</button>
    </form>
  </section>
  <section class="card" id="password">
    <h2>Change your password</h2>
    % include("_problem.tpl", form=password, fields={"current_password": "Current password", "new_password": "New password"})
    <form id="password-form" method="post" action="/account/password" novalidate>
      % include("_csrf.tpl")
      % include("_field.tpl", form=password, name="current_password", label="Current password", type="password", autocomplete="current-password", required=True)
      % include("_field.tpl", form=password, name="new_password", label="New password", type="password", autocomplete="new-password", required=True, hint="At least 10 characters; not a common password.")
      <button type="submit" class="button">Change password</button>
    </form>
  </section>
</div>
<section class="card" id="sessions">
  <div class="card-head">
    <h2>Where you are signed in</h2>
    % if len(sessions) > 1:
    <form method="post" action="/account/sessions/end-others" class="inline-form">
      % include("_csrf.tpl")
      <button type="submit" class="button button-quiet button-small">Sign out everywhere else</button>
    </form>
    % end
  </div>
  <table class="list stack">
    <caption class="visually-hidden">Your sessions</caption>
    <thead><tr><th scope="col">Browser</th><th scope="col" class="optional">Address</th><th scope="col" class="optional">Signed in</th><th scope="col">Last seen</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
    <tbody>
    % for session in sessions:
      <tr>
        <td class="clip cell-main">{{session.user_agent[:80] or "unknown"}}</td>
        <td class="optional" data-label="Address">{{session.ip or "—"}}</td>
        <td class="optional" data-label="Signed in">{{when(session.created_at)}}</td>
        <td data-label="Last seen">{{when(session.last_seen_at)}}</td>
        <td class="row-actions">
          % if session.id == current_session_id:
          <span class="status status-placed">this browser</span>
          % else:
          <form method="post" action="/account/sessions/{{session.id}}/end" class="inline-form">
            % include("_csrf.tpl")
            <button type="submit" class="button button-quiet button-small">Sign out</button>
          </form>
          % end
        </td>
      </tr>
    % end
    </tbody>
  </table>
</section>
<section class="card" id="tokens">
  <h2>API tokens</h2>
  <p class="muted">For scripts that use the <a href="/api/docs">JSON API</a>. A token acts as you, with your role.</p>
  % if tokens:
  <table class="list stack">
    <caption class="visually-hidden">Your API tokens</caption>
    <thead><tr><th scope="col">Name</th><th scope="col" class="optional">Starts with</th><th scope="col" class="optional">Created</th><th scope="col">Last used</th><th scope="col">Expires</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
    <tbody>
    % for t in tokens:
      <tr>
        <td class="cell-main">{{t.name}}</td>
        <td class="optional" data-label="Starts with"><code>{{t.prefix}}…</code></td>
        <td class="optional" data-label="Created">{{day(t.created_at)}}</td>
        <td data-label="Last used">{{when(t.last_used_at) or "never"}}</td>
        <td data-label="Expires">{{day(t.expires_at) or "never"}}</td>
        <td class="row-actions"><a href="/account/tokens/{{t.id}}/revoke" class="danger-link">Revoke<span class="visually-hidden"> {{t.name}}</span></a></td>
      </tr>
    % end
    </tbody>
  </table>
  % else:
  <p class="empty">You have no API tokens.</p>
  % end
  <h3>Create a token</h3>
  % include("_problem.tpl", form=token, fields={"name": "Name", "expires_in_days": "Expires after (days)"})
  <form id="token-form" method="post" action="/account/tokens" class="inline-fields" novalidate>
    % include("_csrf.tpl")
    % include("_field.tpl", form=token, name="name", label="Name", required=True, autocomplete="off", hint="What it is for, e.g. nightly export")
    % include("_field.tpl", form=token, name="expires_in_days", label="Expires after (days)", inputmode="numeric", autocomplete="off", hint="Leave empty for no expiry")
    <div class="field field-button"><button type="submit" class="button">Create token</button></div>
  </form>
</section>
