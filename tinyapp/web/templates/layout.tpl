% # The frame of every page. Error pages and the API docs render it with less: no user,
% # no nav, no script.
% me = get("me")
% can = get("can", lambda action: False)
% section = get("section", "")
<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{{title}} · tinyapp</title>
  <link rel="stylesheet" href="/static/app.css">
  <link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
  % if get("enhance"):
  <script src="/static/app.js" defer></script>
  % end
</head>
<body>
  <a class="skip-link" href="#main">Skip to content</a>
  <header class="site-header">
    <div class="site-header-inner">
      <a class="brand" href="/"><span class="brand-mark" aria-hidden="true">t</span>tinyapp</a>
      % if me:
      <nav class="main-nav" aria-label="Main">
        <ul>
        % links = [("dashboard", "/", "Dashboard", "reports:read"),
        %          ("products", "/products", "Products", "catalog:read"),
        %          ("categories", "/categories", "Categories", "catalog:read"),
        %          ("customers", "/customers", "Customers", "customers:read"),
        %          ("orders", "/orders", "Orders", "orders:read"),
        %          ("reports", "/reports", "Reports", "reports:read"),
        %          ("users", "/users", "Users", "users:manage"),
        %          ("history", "/history", "Journal", "journal:read"),
        %          ("system", "/system", "System", "system:manage")]
        % for key, href, label, action in links:
          % if can(action):
          <li><a href="{{href}}" aria-current="{{'page' if key == section else 'false'}}">{{label}}</a></li>
          % end
        % end
        </ul>
      </nav>
      <div class="user-menu">
        <a href="/account" class="user-link" aria-current="{{'page' if section == 'account' else 'false'}}" aria-label="Your account ({{me.name}})" title="Your account">
          <span class="avatar" aria-hidden="true">{{(me.name or me.email)[:1].upper()}}</span>
          <span class="user-name">{{me.name}}</span>
          <span class="role-badge">{{me.role}}</span>
        </a>
        <form id="logout-form" method="post" action="/logout" class="inline-form">
          <input type="hidden" name="csrf_token" value="{{get('csrf_token', '')}}">
          <button type="submit" class="button button-quiet button-small">Sign out</button>
        </form>
      </div>
      % end
    </div>
  </header>
  <main id="main" class="page">
    % for kind, text in get("flashes", []):
    <div class="flash flash-{{kind}}" role="{{'alert' if kind == 'error' else 'status'}}">{{text}}</div>
    % end
    {{!base}}
  </main>
  <footer class="site-footer">
    <p>tinyapp · times are shown in UTC</p>
  </footer>
</body>
</html>
