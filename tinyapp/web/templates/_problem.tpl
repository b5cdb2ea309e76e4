% # Atop a form that was sent back: every problem, each a link to its field. It takes the
% # focus (autofocus; app.js as well) and is announced, so nobody misses why nothing happened.
% # include("_problem.tpl", form=form, fields={"sku": "SKU", "name": "Name"})
% items = form.summary(get("fields", {}))
% if form.problem or items:
% count = len(items) or 1  # a message about the whole form explains the items, if any
<div class="error-summary" id="error-summary" role="alert" tabindex="-1" autofocus aria-labelledby="error-summary-title">
  <h2 id="error-summary-title">{{"There is a problem" if count == 1 else f"There are {count} problems"}}</h2>
  % if form.problem:
  <p>{{form.problem}}</p>
  % end
  % if items:
  <ul>
    % for href, text in items:
    % if href:
    <li><a href="{{href}}">{{text}}</a></li>
    % else:
    <li>{{text}}</li>
    % end
    % end
  </ul>
  % end
</div>
% end
