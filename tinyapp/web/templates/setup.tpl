% rebase("layout.tpl")
<section class="auth-card card">
  <h1>Welcome to tinyapp</h1>
  <p class="muted">Create the first administrator account. This link works once: after this, everyone signs in on the sign-in page.</p>
  % include("_problem.tpl", fields={"email": "E-mail address", "name": "Your name", "password": "Password"})
  <form id="setup-form" method="post" action="/setup" novalidate>
    <input type="hidden" name="token" value="{{token}}">
    % include("_field.tpl", form=form, name="name", label="Your name", autocomplete="name", required=True)
    % include("_field.tpl", form=form, name="email", label="E-mail address", type="email", autocomplete="username", required=True)
    % include("_field.tpl", form=form, name="password", label="Password", type="password", autocomplete="new-password", required=True, hint="At least 10 characters; not a common password.")
    <button type="submit" class="button button-wide">Create the admin account</button>
  </form>
</section>
