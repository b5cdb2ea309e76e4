% rebase("layout.tpl")
% # Choosing the customer: for a new order (links), or for a draft (a button each).
<p class="breadcrumb"><a href="/orders">Orders</a> /
% if order:
<a href="/orders/{{order.id}}">{{order.number}}</a> /
% end
</p>
<h1>{{heading}}</h1>
<section class="card">
  <h2>Who is the order for?</h2>
  <form id="customer-search-form" method="get" action="{{listing.path}}" class="inline-fields" role="search" aria-label="Customer search">
    % include("_field.tpl", form=form, name="q", label="Find a customer", type="search", placeholder="Part of a name or e-mail", autocomplete="off", live="customer-results", autofocus=True)
    <div class="field field-button"><button type="submit" class="button">Search</button></div>
  </form>
  <div id="customer-results" aria-live="polite" data-search-url="{{listing.path}}">
  % if customers:
  % if order:
  <ul class="choice-list">
    % for customer in customers:
    <li><form method="post" action="/orders/{{order.id}}/customer" class="inline-form">
      % include("_csrf.tpl")
      <input type="hidden" name="version" value="{{order.version}}">
      <button type="submit" name="customer_id" value="{{customer.id}}" class="choice"><span><strong>{{customer.name}}</strong> <span class="muted">{{customer.email or ""}}</span></span><span class="choice-action">Choose<span class="visually-hidden"> {{customer.name}}</span></span></button>
    </form></li>
    % end
  </ul>
  % else:
  <ul class="choice-list">
    % for customer in customers:
    <li><a href="/orders/new?customer={{customer.id}}" class="choice"><span><strong>{{customer.name}}</strong> <span class="muted">{{customer.email or ""}}</span></span></a></li>
    % end
  </ul>
  % end
  % include("_pager.tpl", listing=listing, noun="customers")
  % else:
  <p class="empty">
    % if form.value("q"):
    No active customer matches “{{form.value("q")}}”.
    % else:
    There are no customers yet.
    % end
  % if can("customers:write"):
  <a href="/customers/new">Add a customer</a>.
  % end
  </p>
  % end
  </div>
</section>
