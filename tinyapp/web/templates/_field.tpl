% # One labelled form field, its hint, and its error beside it; the typed value is kept.
% # include("_field.tpl", form=form, name="sku", label="SKU", type="text", hint="...",
% #         options=[(value, text)], required=True, autocomplete="off", inputmode="decimal")
% kind = get("type", "text")
% message = form.error(name)
% hint = get("hint", "")
% field_id = get("field_id", "field-" + name)
% described = " ".join(x for x in (field_id + "-error" if message else "", field_id + "-hint" if hint else "") if x)
% attrs = [("aria-invalid", "true" if message else "false")]
% attrs += [("aria-describedby", described)] if described else []
% attrs += [("aria-required", "true")] if get("required", False) else []
% attrs += [(key, get(key)) for key in ("autocomplete", "inputmode", "list", "placeholder") if get(key)]
% attrs += [("data-live-results", get("live"))] if get("live") else []  # app.js searches as you type
<div class="field{{' has-error' if message else ''}} field-{{kind}}{{' field-narrow' if get('narrow') else ''}}">
  % if kind == "checkbox":
  <input type="checkbox" id="{{field_id}}" name="{{name}}" value="on"
    % for key, value in attrs:
    {{key}}="{{value}}"
    % end
    {{'checked' if form.value(name) in ('on', 'True', 'true', '1') else ''}}>
  <label for="{{field_id}}">{{label}}</label>
  % else:
  <label for="{{field_id}}">{{label}}
    % if get("required", False):
    <span class="required">required</span>
    % end
  </label>
  % if kind == "textarea":
  <textarea id="{{field_id}}" name="{{name}}" rows="{{get('rows', 3)}}"
    % for key, value in attrs:
    {{key}}="{{value}}"
    % end
  >{{form.value(name)}}</textarea>
  % elif kind == "select":
  <select id="{{field_id}}" name="{{name}}"
    % for key, value in attrs:
    {{key}}="{{value}}"
    % end
  >
    % for value, text in options:
    <option value="{{value}}" {{'selected' if str(value) == form.value(name) else ''}}>{{text}}</option>
    % end
  </select>
  % else:
  <input type="{{kind}}" id="{{field_id}}" name="{{name}}" value="{{'' if kind == 'password' else form.value(name)}}"
    % for key, value in attrs:
    {{key}}="{{value}}"
    % end
    {{'autofocus' if get('autofocus') else ''}}>
  % end
  % end
  % if hint:
  <p class="hint" id="{{field_id}}-hint">{{hint}}</p>
  % end
  % if message:
  <p class="field-error" id="{{field_id}}-error"><span class="visually-hidden">Error: </span>{{message}}</p>
  % end
</div>
