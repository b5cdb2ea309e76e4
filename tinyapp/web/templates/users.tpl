% rebase("layout.tpl")
<div class="page-head">
  <h1>Users</h1>
  <div class="page-actions"><a class="button" href="/users/new">Add a user</a></div>
</div>
<section class="card">
  <div class="table-wrap" tabindex="0">
  <table class="list">
    <caption class="visually-hidden">Users</caption>
    <thead><tr><th scope="col">Name</th><th scope="col">E-mail</th><th scope="col">Role</th><th scope="col" class="optional">Last sign-in</th></tr></thead>
    <tbody>
    % for user in users:
      <tr>
        <td><a href="/users/{{user.id}}">{{user.name}}</a>
          % if not user.is_active:
          <span class="status status-archived">deactivated</span>
          % end
        </td>
        <td>{{user.email}}</td>
        <td><span class="role-badge">{{user.role}}</span></td>
        <td class="optional">{{when(user.last_login_at) or "never"}}</td>
      </tr>
    % end
    </tbody>
  </table>
  </div>
  % include("_pager.tpl")
</section>
