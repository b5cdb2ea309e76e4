% rebase("layout.tpl")
<p class="breadcrumb"><a href="/system">System</a> / <a href="/webhooks">Webhooks</a> /</p>
<div class="page-head"><h1>Webhook deliveries</h1></div>
<form method="get" action="/webhooks/deliveries" class="filters card" id="delivery-filters">
  <div class="inline-fields">
    <div class="field"><label for="webhook_id">Webhook</label>
      <select id="webhook_id" name="webhook_id"><option value="">Any</option>
        % for hook in webhooks:
        <option value="{{hook.id}}" {{'selected' if filters.get('webhook_id') == str(hook.id) else ''}}>{{hook.url}}</option>
        % end
      </select></div>
    <div class="field"><label for="status">Status</label>
      <select id="status" name="status"><option value="">Any</option>
        % for name in statuses:
        <option value="{{name}}" {{'selected' if filters.get('status') == name else ''}}>{{name}}</option>
        % end
      </select></div>
    <div class="field field-button"><button type="submit" class="button">Show</button></div>
  </div>
</form>
<section class="card">
  % if deliveries:
  <table class="list stack">
    <caption class="visually-hidden">Deliveries, newest first</caption>
    <thead><tr><th scope="col">Event</th><th scope="col">Record</th><th scope="col">Status</th><th scope="col" class="num">Attempts</th><th scope="col">Last answer</th><th scope="col">Next try</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
    <tbody>
    % for d in deliveries:
      <tr id="delivery-{{d.id}}">
        <td class="cell-main">{{d.event.event}}</td>
        <td data-label="Record">{{d.record_key}}</td>
        <td data-label="Status"><span class="status status-{{d.status}}">{{d.status}}</span></td>
        <td class="num" data-label="Attempts">{{d.attempts}}</td>
        <td data-label="Last answer" class="wrap-anywhere">{{d.last_status or ""}} {{d.last_error}}</td>
        <td data-label="Next try" class="nowrap">{{when(d.next_attempt_at) if not d.delivered_at else "—"}}</td>
        <td>
          <form method="post" action="/webhooks/deliveries/{{d.id}}/redeliver" class="inline-form">
            % include("_csrf.tpl")
            <button type="submit" class="button button-quiet button-small">Send again</button>
          </form>
        </td>
      </tr>
    % end
    </tbody>
  </table>
  % include("_pager.tpl", listing=listing, noun="deliveries", one="delivery")
  % else:
  <p class="empty">No deliveries{{" in this status" if filters else ""}} yet.</p>
  % end
</section>
