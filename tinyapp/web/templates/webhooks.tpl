% rebase("layout.tpl")
<p class="breadcrumb"><a href="/system">System</a> /</p>
<div class="page-head">
  <h1>Webhooks</h1>
  <div class="page-actions"><a class="button button-quiet" href="/webhooks/deliveries">Deliveries</a></div>
</div>
% if created:
<div class="flash flash-success" role="status" id="new-webhook">
  <p>The webhook to <strong>{{created.url}}</strong> is added. Its signing secret, shown only now:</p>
  <p><code class="secret">{{created.secret}}</code></p>
  <p>Each post carries <code>X-Tinyapp-Signature: sha256=</code> and the HMAC-SHA256 of its body with this secret; check it before you trust a post.</p>
</div>
% end
<section class="card">
  % if webhooks:
  <table class="list stack">
    <caption class="visually-hidden">Webhooks</caption>
    <thead><tr><th scope="col">Address</th><th scope="col">Events</th><th scope="col">Added</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
    <tbody>
    % for hook in webhooks:
      <tr>
        <td class="cell-main wrap-anywhere">{{hook.url}}
          % if not hook.is_active:
          <span class="status status-archived">off</span>
          % end
        </td>
        <td data-label="Events">{{", ".join(hook.events)}}</td>
        <td data-label="Added" class="nowrap">{{when(hook.created_at)}}</td>
        <td class="nowrap">
          <form method="post" action="/webhooks/{{hook.id}}/test" class="inline-form">
            % include("_csrf.tpl")
            <button type="submit" class="button button-quiet button-small">Send a test</button>
          </form>
          <a class="button button-quiet button-small" href="/webhooks/{{hook.id}}/delete">Remove</a>
        </td>
      </tr>
    % end
    </tbody>
  </table>
  % include("_pager.tpl", listing=listing, noun="webhooks")
  % else:
  <p class="empty">No webhooks yet. Add one below to tell another system about orders, stock and products as they change.</p>
  % end
</section>
<section class="card form-card">
  <h2>Add a webhook</h2>
  % include("_problem.tpl", form=form, fields={"url": "Address", "events": "Events", "secret": "Secret"})
  <form id="webhook-form" method="post" action="/webhooks" novalidate>
    % include("_csrf.tpl")
    % include("_field.tpl", form=form, name="url", label="Address", type="url", required=True, autocomplete="off", hint="http:// or https://: tinyapp posts JSON to it; mailto:someone@example.org: it e-mails (SMTP_URL).")
    <fieldset class="field" id="field-events">
      <legend>Events</legend>
      % if form.error("events"):
      <p class="field-error" id="events-error">{{form.error("events")}}</p>
      % end
      <div class="checkbox-grid">
      % chosen = form.values.get("events") or []
      % for event in events:
        <label><input type="checkbox" name="events" value="{{event}}" {{'checked' if event in chosen else ''}}> {{event}}</label>
      % end
      </div>
    </fieldset>
    % include("_field.tpl", form=form, name="secret", label="Secret (optional)", autocomplete="off", hint="At least 16 characters; leave it empty and tinyapp makes one.")
    <div class="actions"><button type="submit" class="button">Add webhook</button></div>
  </form>
</section>
