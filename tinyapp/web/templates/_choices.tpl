% # A set of radio buttons in a fieldset, each with a line of explanation.
% # include("_choices.tpl", form=form, name="action", legend="...", options=[(value, label, hint)])
% message = form.error(name)
<fieldset class="choices{{' has-error' if message else ''}}" id="field-{{name}}" {{!'aria-describedby="field-%s-error"' % name if message else ''}}>
  <legend>{{legend}}</legend>
  % for value, label, hint in options:
  <div class="choice">
    <input type="radio" id="field-{{name}}-{{value}}" name="{{name}}" value="{{value}}" aria-describedby="field-{{name}}-{{value}}-hint" {{'checked' if form.value(name) == value else ''}}>
    <label for="field-{{name}}-{{value}}">{{label}}</label>
    <p class="hint" id="field-{{name}}-{{value}}-hint">{{hint}}</p>
  </div>
  % end
  % if message:
  <p class="field-error" id="field-{{name}}-error"><span class="visually-hidden">Error: </span>{{message}}</p>
  % end
</fieldset>
