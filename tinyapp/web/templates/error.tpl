% rebase("layout.tpl", title=title)
% # Every error page: what happened in plain words, and a way on (the navigation too,
% # when someone is signed in; "Try again" when the fault is ours or the database's).
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
  <p class="actions">
    % if get("again"):
    <a class="button" href="{{again}}">Try again</a>
    <a class="button button-quiet" href="/">Go to the dashboard</a>
    % elif status == 404:
    <a class="button" href="/">Go to the dashboard</a>
    <a class="button button-quiet" href="/products">Find a product</a>
    % else:
    <a class="button" href="/">Go to the dashboard</a>
    % end
  </p>
</section>
