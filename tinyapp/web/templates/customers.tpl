% rebase("layout.tpl")
<div class="page-head">
  <h1>Customers</h1>
  % if can("customers:write"):
  <div class="page-actions"><a class="button" href="/customers/new">New customer</a></div>
  % end
</div>
<form id="filter-form" method="get" action="/customers" class="filters card" role="search" aria-label="Find customers">
  % include("_field.tpl", form=filters, name="q", label="Search", type="search", placeholder="Name or e-mail")
  % include("_field.tpl", form=filters, name="active", label="Show", type="select", options=[("true", "Active"), ("false", "Archived"), ("all", "All")])
  % include("_field.tpl", form=filters, name="sort", label="Sort by", type="select", options=sorts)
  <div class="filter-actions">
    <button type="submit" class="button">Apply</button>
    <a href="/customers" class="button button-quiet">Reset</a>
  </div>
</form>
<section class="card">
  % if customers:
  <div class="table-wrap" tabindex="0">
  <table class="list">
    <caption class="visually-hidden">Customers</caption>
    <thead><tr><th scope="col">Name</th><th scope="col">E-mail</th><th scope="col" class="optional">Phone</th></tr></thead>
    <tbody>
    % for customer in customers:
      <tr>
        <td><a href="/customers/{{customer.id}}">{{customer.name}}</a>
          % if not customer.is_active:
          <span class="status status-archived">archived</span>
          % end
        </td>
        <td>{{customer.email or ""}}</td>
        <td class="optional">{{customer.phone}}</td>
      </tr>
    % end
    </tbody>
  </table>
  </div>
  % else:
  <p class="empty">No customers match. <a href="/customers">Show all customers</a>.</p>
  % end
  % include("_pager.tpl")
</section>
