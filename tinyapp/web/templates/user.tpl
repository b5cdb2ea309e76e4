% rebase("layout.tpl")
<p class="breadcrumb"><a href="/users">Users</a> /</p>
<div class="page-head">
  <div>
    <h1>{{user.name}}</h1>
    <p class="muted">{{user.email}} · added {{day(user.created_at)}} · last sign-in {{when(user.last_login_at) or "never"}}</p>
  </div>
  <div class="page-actions">
    % if user.is_active:
    <a class="button button-quiet button-danger-quiet" href="/users/{{user.id}}/deactivate">Deactivate</a>
    % else:
    <span class="status status-archived">deactivated</span>
    <form id="activate-form" method="post" action="/users/{{user.id}}/activate" class="inline-form">
      % include("_csrf.tpl")
      <button type="submit" class="button">Activate again</button>
    </form>
    % end
  </div>
</div>
<section class="card form-card">
  % include("_problem.tpl", fields={"name": "Name", "role": "Role"})
  <form id="user-form" method="post" action="/users/{{user.id}}" novalidate>
    % include("_csrf.tpl")
    % include("_field.tpl", form=form, name="name", label="Name", required=True, autocomplete="off")
    % include("_field.tpl", form=form, name="role", label="Role", type="select", options=roles)
    <div class="actions">
      <button type="submit" class="button">Save</button>
      <a class="button button-quiet" href="/users">Back to users</a>
    </div>
  </form>
</section>
<section class="card" id="history">
  <h2>Recent changes</h2>
  % include("_history.tpl", changes=changes, more_link="/users/" + str(user.id) + "/history")
</section>
