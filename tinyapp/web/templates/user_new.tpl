% rebase("layout.tpl")
<p class="breadcrumb"><a href="/users">Users</a> /</p>
<h1>Add a user</h1>
<section class="card form-card">
  % include("_problem.tpl", fields={"email": "E-mail address", "name": "Name", "role": "Role", "password": "First password"})
  <form id="user-form" method="post" action="/users" novalidate>
    % include("_csrf.tpl")
    <div class="grid-2">
      % include("_field.tpl", form=form, name="name", label="Name", required=True, autocomplete="off")
      % include("_field.tpl", form=form, name="email", label="E-mail address", type="email", required=True, autocomplete="off")
    </div>
    % include("_field.tpl", form=form, name="role", label="Role", type="select", options=roles)
    % include("_field.tpl", form=form, name="password", label="First password", type="password", required=True, autocomplete="new-password", hint="At least 10 characters. Tell it to them in person; they can change it on their account page.")
    <div class="actions">
      <button type="submit" class="button">Add user</button>
      <a class="button button-quiet" href="/users">Cancel</a>
    </div>
  </form>
</section>
