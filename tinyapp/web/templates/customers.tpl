% rebase("layout.tpl")
<div class="page-head">
  <h1>Customers</h1>
  <div class="page-actions">
    % if can("customers:write"):
    <a class="button" href="/customers/new">New customer</a>
    % end
    % if customers:
    <a class="button button-quiet" href="{{export_link}}" download>Export CSV<span class="visually-hidden"> of these customers</span></a>
    % end
  </div>
</div>
% if none_yet:
<section class="card empty-state">
  <h2>No customers yet</h2>
  <p>Orders are made for a customer: add the people and companies you sell to.</p>
  % if can("customers:write"):
  <div class="actions"><a class="button" href="/customers/new">Add the first customer</a></div>
  % end
</section>
% else:
<form id="filter-form" method="get" action="/customers" class="filters card" role="search" aria-label="Find customers">
  % include("_field.tpl", form=filters, name="q", label="Search", type="search", placeholder="Part of a name or e-mail", field_id="customer-search")
  % include("_field.tpl", form=filters, name="active", label="Show", type="select", options=[("true", "Active"), ("false", "Archived"), ("all", "All")])
  % include("_field.tpl", form=filters, name="sort", label="Sort by", type="select", options=sorts)
  <div class="filter-actions">
    <button type="submit" class="button">Apply</button>
    <a href="/customers" class="button button-quiet">Reset</a>
  </div>
</form>
<section class="card">
  % if customers:
  <table class="list stack">
    <caption class="visually-hidden">Customers</caption>
    <thead><tr>
      % include("_sort.tpl", listing=listing, key="name", label="Name")
      <th scope="col">E-mail</th><th scope="col" class="optional">Phone</th>
    </tr></thead>
    <tbody>
    % for customer in customers:
      <tr>
        <td class="cell-main"><a href="/customers/{{customer.id}}">{{customer.name}}</a>
          % if not customer.is_active:
          <span class="status status-archived">archived</span>
          % end
        </td>
        <td data-label="E-mail" class="wrap-anywhere">{{customer.email or "—"}}</td>
        <td class="optional" data-label="Phone">{{customer.phone or "—"}}</td>
      </tr>
    % end
    </tbody>
  </table>
  % else:
  <p class="empty">
    % if filters.value("q"):
    No customers match “{{filters.value("q")}}”. Try part of a name or e-mail address.
    % else:
    No customers match these filters.
    % end
    <a href="/customers">Show all customers</a>.</p>
  % end
  % include("_pager.tpl", listing=listing, noun="customers")
</section>
% end
