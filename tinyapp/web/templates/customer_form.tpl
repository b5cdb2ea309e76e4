% rebase("layout.tpl")
<p class="breadcrumb"><a href="/customers">Customers</a> /
% if customer:
<a href="/customers/{{customer.id}}">{{customer.name}}</a> /
% end
</p>
<h1>{{title}}</h1>
<section class="card form-card">
  % include("_problem.tpl", shown=("name", "email", "phone", "address", "notes", "version"))
  % if theirs:
  <div class="conflict">
    <p>The form below now shows the customer as saved. What you had typed:</p>
    <dl class="facts">
      % for name, value in theirs.items():
      % if name != "version" and str(value) != form.value(name):
      <dt>{{name.capitalize()}}</dt><dd>{{value or "(empty)"}}</dd>
      % end
      % end
    </dl>
  </div>
  % end
  <form id="customer-form" method="post" action="{{'/customers/%d' % customer.id if customer else '/customers'}}" novalidate>
    % include("_csrf.tpl")
    % if customer:
    <input type="hidden" name="version" value="{{form.value('version')}}">
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
