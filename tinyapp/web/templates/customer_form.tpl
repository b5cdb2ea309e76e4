% rebase("layout.tpl")
<p class="breadcrumb"><a href="/customers">Customers</a> /
% if customer:
<a href="/customers/{{customer.id}}">{{customer.name}}</a> /
% end
</p>
<h1>{{heading}}</h1>
<section class="card form-card">
  % include("_problem.tpl", fields={"name": "Name", "email": "E-mail", "phone": "Phone", "address": "Address", "notes": "Notes"})
  % if theirs:
  % labels = {"name": "Name", "email": "E-mail", "phone": "Phone", "address": "Address", "notes": "Notes"}
  <div class="conflict" id="conflict">
    <h2>Changed by someone else meanwhile</h2>
    <dl class="facts">
      % for name in theirs:
      <dt>{{labels[name]}}</dt>
      <dd>saved as <strong>{{form.value(name) or "(empty)"}}</strong> · you typed <strong>{{typed.get(name, "") or "(empty)"}}</strong></dd>
      % end
    </dl>
    <p>Your other changes are still in the form.</p>
  </div>
  % end
  <form id="customer-form" method="post" action="{{'/customers/%d' % customer.id if customer else '/customers'}}" novalidate>
    % include("_csrf.tpl")
    % if customer:
    <input type="hidden" name="version" value="{{form.value('version')}}">
    % for name in fields:
    <input type="hidden" name="was-{{name}}" value="{{form.value('was-' + name)}}">
    % end
    % end
    <div class="grid-2">
      % include("_field.tpl", form=form, name="name", label="Name", required=True, autocomplete="off")
      % include("_field.tpl", form=form, name="email", label="E-mail", type="email", autocomplete="off")
      % include("_field.tpl", form=form, name="phone", label="Phone", type="tel", autocomplete="off", hint="e.g. +44 20 7946 0958")
    </div>
    % include("_field.tpl", form=form, name="address", label="Address", type="textarea", rows=3)
    % include("_field.tpl", form=form, name="notes", label="Notes", type="textarea", rows=3)
    <div class="actions">
      <button type="submit" class="button">{{"Save changes" if customer else "Add customer"}}</button>
      <a class="button button-quiet" href="{{'/customers/%d' % customer.id if customer else '/customers'}}">Cancel</a>
    </div>
  </form>
</section>
