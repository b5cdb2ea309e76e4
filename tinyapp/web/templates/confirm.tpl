% rebase("layout.tpl")
% # Confirm a destructive action: works without JavaScript (a page, then a POST).
<section class="card confirm">
  <h1>{{heading}}</h1>
  <p class="lead">{{question}}</p>
  % if get("detail"):
  <p>{{detail}}</p>
  % end
  <form id="confirm-form" method="post" action="{{action}}" class="actions">
    % include("_csrf.tpl")
    <button type="submit" class="button button-danger">{{button}}</button>
    <a class="button button-quiet" href="{{back}}">{{back_label}}</a>
  </form>
</section>
