% rebase("layout.tpl")
% change = item["change"]
<section class="card confirm">
  <h1>{{heading}}</h1>
  % if get("problem"):
  <div class="error-summary" id="error-summary" role="alert" tabindex="-1" autofocus>
    <h2>This change cannot be undone</h2>
    <p>{{problem}}</p>
  </div>
  % end
  <p class="lead">{{change.action.capitalize()}} of {{change.entity}} {{change.entity_id}}, {{when(change.at)}}{{" by " + item["user"].name if item["user"] else ""}}.</p>
  % if item["lines"]:
  <p>Undoing it sets back:</p>
  <table class="list stack">
    <thead><tr><th scope="col">Field</th><th scope="col">Now (after the change)</th><th scope="col">Back to</th></tr></thead>
    <tbody>
    % for name, before, after in item["lines"]:
      <tr><td class="cell-main">{{name}}</td><td data-label="Now"><del>{{after}}</del></td><td data-label="Back to"><ins>{{before}}</ins></td></tr>
    % end
    </tbody>
  </table>
  % end
  <p class="muted">The history keeps both: the change, and its undo as a new change.</p>
  % if not get("problem"):
  <form id="confirm-form" method="post" action="/history/{{change.id}}/undo" class="actions">
    % include("_csrf.tpl")
    <button type="submit" class="button button-danger">Undo change {{change.id}}</button>
    <a class="button button-quiet" href="{{back}}">Keep it</a>
  </form>
  % else:
  <p><a class="button button-quiet" href="{{back}}">Back</a></p>
  % end
</section>
