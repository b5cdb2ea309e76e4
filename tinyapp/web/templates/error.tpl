% rebase("layout.tpl", title=title)
<section class="error-page card">
  <p class="error-code">{{status}}</p>
  <h1>{{title}}</h1>
  <p class="lead">{{detail}}</p>
  % if errors:
  <ul class="error-list">
    % for field, messages in errors.items():
    <li><strong>{{field}}</strong>: {{"; ".join(str(m) for m in messages) if isinstance(messages, list) else messages}}</li>
    % end
  </ul>
  % end
  % if status >= 500:
  <p class="muted">If this keeps happening, tell your administrator the request id <code>{{request_id}}</code>.</p>
  % end
  <p class="actions"><a class="button" href="/">Go to the dashboard</a></p>
</section>
