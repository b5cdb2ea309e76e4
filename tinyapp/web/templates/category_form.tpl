% rebase("layout.tpl")
<p class="breadcrumb"><a href="/categories">Categories</a> /</p>
<h1>{{heading}}</h1>
<section class="card form-card">
  % include("_problem.tpl", form=form, fields={"name": "Name"})
  <form id="category-form" method="post" action="/categories/{{category.id}}" novalidate>
    % include("_csrf.tpl")
    % include("_field.tpl", form=form, name="name", label="Name", required=True, autocomplete="off")
    <div class="actions">
      <button type="submit" class="button">Save</button>
      <a class="button button-quiet" href="/categories">Cancel</a>
    </div>
  </form>
</section>
