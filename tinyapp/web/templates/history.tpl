% rebase("layout.tpl")
% if record_link:
<p class="breadcrumb"><a href="{{record_link}}">Back</a> /</p>
% end
<div class="page-head"><h1>{{heading}}</h1></div>
% if get("problem"):
<div class="error-summary" role="alert" tabindex="-1" autofocus><p>{{problem}}</p></div>
% end
% if filters is not None:
<form method="get" action="/history" class="filters card" id="journal-filters">
  <div class="inline-fields">
    <div class="field"><label for="entity">Kind of record</label>
      <select id="entity" name="entity"><option value="">Any</option>
        % for name in entities:
        <option value="{{name}}" {{'selected' if filters.get('entity') == name else ''}}>{{name}}</option>
        % end
      </select></div>
    <div class="field"><label for="entity_id">Record id</label>
      <input id="entity_id" name="entity_id" value="{{filters.get('entity_id', '')}}" inputmode="numeric" autocomplete="off"></div>
    <div class="field"><label for="user_id">Who</label>
      <select id="user_id" name="user_id"><option value="">Anyone</option>
        % for user in users:
        <option value="{{user.id}}" {{'selected' if filters.get('user_id') == str(user.id) else ''}}>{{user.name}}</option>
        % end
      </select></div>
    <div class="field"><label for="since">From (UTC)</label>
      <input id="since" name="since" type="datetime-local" value="{{filters.get('since', '')}}"></div>
    <div class="field"><label for="until">Until (UTC)</label>
      <input id="until" name="until" type="datetime-local" value="{{filters.get('until', '')}}"></div>
    <div class="field field-button"><button type="submit" class="button">Show</button></div>
  </div>
</form>
% end
<section class="card">
  % include("_history.tpl", changes=changes, show_record=filters is not None)
  % include("_pager.tpl", listing=listing, noun="changes")
</section>
