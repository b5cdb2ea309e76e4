% rebase("layout.tpl")
<div class="page-head">
  <h1>Users</h1>
  <div class="page-actions"><a class="button" href="/users/new">Add a user</a></div>
</div>
<section class="card">
  <table class="list stack">
    <caption class="visually-hidden">Users</caption>
    <thead><tr><th scope="col">Name</th><th scope="col">E-mail</th><th scope="col">Role</th><th scope="col" class="optional">Last sign-in</th></tr></thead>
    <tbody>
    % for user in users:
      <tr>
        <td class="cell-main"><a href="/users/{{user.id}}">{{user.name}}</a>
          % if not user.is_active:
          <span class="status status-archived">deactivated</span>
          % end
        </td>
        <td data-label="E-mail" class="wrap-anywhere">{{user.email}}</td>
        <td data-label="Role"><span class="role-badge">{{user.role}}</span></td>
        <td class="optional" data-label="Last sign-in">{{when(user.last_login_at) or "never"}}</td>
      </tr>
    % end
    </tbody>
  </table>
  % include("_pager.tpl", listing=listing, noun="users")
</section>
