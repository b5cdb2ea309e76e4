% rebase("layout.tpl")
<div class="page-head"><h1>Categories</h1></div>
% if can("catalog:write"):
<section class="card">
  <h2>Add a category</h2>
  % include("_problem.tpl", form=form, fields={"name": "Name"})
  <form id="category-form" method="post" action="/categories" class="inline-fields" novalidate>
    % include("_csrf.tpl")
    % include("_field.tpl", form=form, name="name", label="Name", required=True, autocomplete="off")
    <div class="field field-button"><button type="submit" class="button">Add category</button></div>
  </form>
</section>
% end
<section class="card">
  % if categories:
  <table class="list stack">
    <caption class="visually-hidden">Categories</caption>
    <thead><tr><th scope="col">Name</th><th scope="col">Added</th>
      % if can("catalog:write"):
      <th scope="col"><span class="visually-hidden">Actions</span></th>
      % end
    </tr></thead>
    <tbody>
    % for category in categories:
      <tr>
        <td class="cell-main"><a href="/products?category={{category.id}}">{{category.name}}</a></td>
        <td data-label="Added">{{day(category.created_at)}}</td>
        % if can("catalog:write"):
        <td class="row-actions">
          <a href="/categories/{{category.id}}/edit">Rename<span class="visually-hidden"> {{category.name}}</span></a>
          <a href="/categories/{{category.id}}/delete" class="danger-link">Delete<span class="visually-hidden"> {{category.name}}</span></a>
        </td>
        % end
      </tr>
    % end
    </tbody>
  </table>
  % include("_pager.tpl", listing=listing, noun="categories", one="category")
  % else:
  <p class="empty">No categories yet. Categories group products in the list and in the reports.</p>
  % end
</section>
