% rebase("layout.tpl")
<section class="auth-card card">
  <h1>Sign in</h1>
  <p class="muted">Welcome back. Sign in to manage products, customers and orders.</p>
  % include("_problem.tpl", fields={"email": "E-mail address", "password": "Password"})
  <form id="login-form" method="post" action="/login" novalidate>
    <input type="hidden" name="next" value="{{next}}">
    % include("_field.tpl", form=form, name="email", label="E-mail address", type="email", autocomplete="username", required=True)
    % include("_field.tpl", form=form, name="password", label="Password", type="password", autocomplete="current-password", required=True)
    <button type="submit" class="button button-wide">Sign in</button>
  </form>
</section>
