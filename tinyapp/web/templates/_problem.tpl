% # The message about a whole form (a conflict, wrong password) and errors with no field.
% if form.problem or form.other_errors(shown):
<div class="form-problem" role="alert">
  % if form.problem:
  <p>{{form.problem}}</p>
  % end
  % for message in form.other_errors(shown):
  <p>{{message}}</p>
  % end
</div>
% end
