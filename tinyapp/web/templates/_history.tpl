% # A record's changes, newest first: who, when, which fields from what to what.
% # include("_history.tpl", changes=recent, more_link="/products/7/history")
% if changes:
<table class="list stack history">
  <caption class="visually-hidden">Changes, newest first</caption>
  <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Fields</th><th scope="col"><span class="visually-hidden">Undo</span></th></tr></thead>
  <tbody>
  % for item in changes:
  % change = item["change"]
    <tr id="change-{{change.id}}">
      <td class="nowrap cell-main">{{when(change.at)}}</td>
      <td data-label="Who">{{item["user"].name if item["user"] else "—"}}</td>
      <td data-label="What"><span class="status">{{change.action}}</span>
        % if get("show_record"):
        {{change.entity}} {{change.entity_id}}
        % end
        % if change.note:
        <span class="muted">· {{change.note}}</span>
        % end
        % if change.undoes:
        <a href="/history?entity={{change.entity}}&amp;entity_id={{change.entity_id}}#change-{{change.undoes}}" class="muted">(undoes {{change.undoes}})</a>
        % end
      </td>
      <td data-label="Fields">
        % if item["lines"]:
        <ul class="plain-list changes">
          % for name, before, after in item["lines"]:
          <li><span class="field-name">{{name}}</span>: <del>{{before}}</del> → <ins>{{after}}</ins></li>
          % end
        </ul>
        % else:
        <span class="muted">—</span>
        % end
      </td>
      <td class="nowrap">
        % if item["undone_by"]:
        <span class="muted">undone by {{item["undone_by"]}}</span>
        % elif item["undoable"]:
        <a class="button button-quiet button-small" href="/history/{{change.id}}/undo">Undo</a>
        % end
      </td>
    </tr>
  % end
  </tbody>
</table>
% if get("more_link"):
<p><a href="{{more_link}}">All changes</a></p>
% end
% else:
<p class="empty">No changes recorded yet.</p>
% end
