% rebase("layout.tpl", title=title)
<section class="error-page">
  <h1>{{status}} · {{title}}</h1>
  <p>{{detail}}</p>
  % if errors:
  <ul>
    % for field, messages in errors.items():
    <li><strong>{{field}}</strong>: {{"; ".join(messages) if isinstance(messages, list) else messages}}</li>
    % end
  </ul>
  % end
  % if status >= 500:
  <p class="muted">Request id: <code>{{request_id}}</code></p>
  % end
  <p><a href="/">Back to the start page</a></p>
</section>
