% rebase("layout.tpl")
<p class="breadcrumb"><a href="/orders">Orders</a> /</p>
<h1>New order</h1>
<section class="card">
  <h2>Who is the order for?</h2>
  <form id="customer-search-form" method="get" action="/orders/new" class="inline-fields" role="search" aria-label="Find a customer">
    % include("_field.tpl", form=form, name="q", label="Find a customer", type="search", placeholder="Name or e-mail")
    <div class="field field-button"><button type="submit" class="button">Search</button></div>
  </form>
  % if customers:
  <ul class="choice-list">
    % for customer in customers:
    <li><a href="/orders/new?customer={{customer.id}}"><strong>{{customer.name}}</strong> <span class="muted">{{customer.email or ""}}</span></a></li>
    % end
  </ul>
  % else:
  <p class="empty">No active customer matches.
  % if can("customers:write"):
  <a href="/customers/new">Add a customer</a> first.
  % end
  </p>
  % end
</section>
