"""Forms and flash messages: read a form through the API's schema, keep what was typed.

A form handler does three things: ``load_form(Schema, fields)`` turns the posted text
into clean values (or raises ``ValidationError``), a service does the work, and on
failure ``Form(values, errors)`` re-renders the page with each message beside its field
and every typed value still in place.

Flash messages ("Product saved.") live in a short-lived cookie: JSON, signed with an
HMAC of SECRET_KEY. It survives the redirect after a POST, cannot be forged by another
site, and needs no table. It is read, and deleted, by the next page shown. (Not bottle's
``set_cookie(secret=...)``: those cookies are pickles, and unpickling runs code, so
anyone who learnt SECRET_KEY could have run code on the server with a cookie.)
"""

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass, field

import bottle
from marshmallow import Schema, ValidationError

from tinyapp.errors import AppError

FLASH_COOKIE = "tinyapp_flash"
FRIENDLIER = {
    "Missing data for required field.": "Please fill this in.",
    "Field may not be null.": "Please fill this in.",
    "Not a valid integer.": "Enter a whole number.",
}


@dataclass
class Form:
    """What was typed into a form and what is wrong with it, for re-rendering."""

    values: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    problem: str = ""  # a message about the whole form (a conflict, wrong password)

    def value(self, name: str, default="") -> str:
        """Return what the field holds, as text for the input ("" for nothing)."""
        value = self.values.get(name, default)
        return "" if value is None else str(value)

    def error(self, name: str) -> str:
        """Return the messages for one field as a sentence ("" when it is fine)."""
        return " ".join(_flatten(self.errors.get(name, [])))

    def summary(self, labels: dict[str, str]) -> list[tuple[str, str]]:
        """List every error as (link to its field, sentence) for the summary atop the form.

        ``labels`` names the form's fields as the page shows them; an error about a
        field the page has no input for is listed without a link, so none is lost.
        """
        items = []
        for name, messages in self.errors.items():
            label = labels.get(name) or name.replace("_id", "").replace("_", " ").capitalize()
            href = f"#field-{name}" if name in labels else ""
            items += [(href, f"{label}: {message}") for message in _flatten(messages)]
        return items


def posted(names: tuple[str, ...] | list[str]) -> dict[str, str]:
    """Read the named fields of the posted form as text (absent fields are left out)."""
    forms = bottle.request.forms
    return {name: forms.getunicode(name) or "" for name in names if name in forms}


def load_form(schema_class: type[Schema], names: tuple[str, ...], **extra) -> dict:
    """Load the named form fields (plus extra values) through schema_class, or raise.

    Text inputs send "" for "nothing": a blank optional field takes the schema's default
    (or None where the field allows it), a blank required one is reported as missing.
    A field given twice is refused, as the API refuses a key given twice: parsers
    differ on which copy counts, so a proxy could check one while tinyapp saved the other.
    """
    given_twice = [name for name in names if len(bottle.request.forms.getall(name)) > 1]
    if given_twice:
        raise ValidationError({name: ["This field was given twice; send it once."]
                               for name in given_twice})
    schema = schema_class(only=(*names, *extra))
    data = {}
    for name, text in posted(names).items():
        declared = schema.fields.get(name)
        if text.strip() == "" and declared is not None:
            if declared.allow_none:
                data[name] = None
            continue
        data[name] = text
    try:
        return schema.load({**data, **extra})
    except ValidationError as exc:
        raise ValidationError(friendly(exc.messages)) from None


def friendly(messages):
    """Reword marshmallow's terse default messages for people filling in a form."""
    if isinstance(messages, dict):
        return {key: friendly(value) for key, value in messages.items()}
    if isinstance(messages, list):
        return [FRIENDLIER.get(m, m) if isinstance(m, str) else friendly(m) for m in messages]
    return messages


def form_from_error(exc: Exception, values: dict) -> Form:
    """Turn a ValidationError or an AppError into a Form that shows it."""
    if isinstance(exc, ValidationError):
        errors = exc.messages if isinstance(exc.messages, dict) else {"": exc.messages}
        return Form(values, friendly(errors))
    if isinstance(exc, AppError):
        name = exc.details.get("field")
        if name:
            return Form(values, {name: [exc.message]})
        return Form(values, problem=exc.message)
    raise exc


# -- someone else saved first --

def was(values: dict) -> dict:
    """The values a form started from, as hidden ``was-<name>`` fields travel with it.

    They let a stale edit tell what the other person changed (saved now differs from
    "was") from what this person changed (typed differs from "was").
    """
    return {f"was-{name}": value for name, value in values.items() if name != "version"}


def merge_after_conflict(names: tuple[str, ...], saved: dict, typed: dict,
                         message: str) -> tuple[Form, list[str]]:
    """After a stale edit, keep what the person typed except where the other one saved.

    Returns the form to show again (their saved value in each field they changed, what
    this person typed in the others, and the current version) and the names of the
    fields the other person changed, which the page lists with what was typed in each.
    """
    theirs = [name for name in names
              if str(typed.get(f"was-{name}", "")) != str(saved.get(name, ""))]
    values = {name: saved[name] if name in theirs else typed.get(name, "") for name in names}
    values.update(was(saved), version=saved["version"])
    return Form(values, problem=message), theirs


def _flatten(messages) -> list[str]:
    if isinstance(messages, str):
        return [messages]
    if isinstance(messages, dict):
        return [m for value in messages.values() for m in _flatten(value)]
    return [m for value in messages for m in _flatten(value)]


# -- flash messages --

def _signature(text: str) -> str:
    key = bottle.request.app.config["tinyapp.settings"].SECRET_KEY.encode()
    return hmac.new(key, b"flash:" + text.encode(), hashlib.sha256).hexdigest()


def _signed(text: str) -> str:
    """text as a cookie value: its signature, a dot, the text in URL-safe base64."""
    return f"{_signature(text)}.{base64.urlsafe_b64encode(text.encode()).decode()}"


def _verified(cookie: str) -> str | None:
    """The text a signed cookie value holds, or None if it is not one of ours."""
    signature, _, packed = cookie.partition(".")
    try:
        text = base64.urlsafe_b64decode(packed.encode()).decode()
    except (ValueError, UnicodeError):
        return None
    matches = hmac.compare_digest(signature.encode(), _signature(text).encode())
    return text if matches else None


def flash(message: str, kind: str = "success") -> None:
    """Show message on the next page this browser sees (kind: success, info, error)."""
    waiting = _waiting()
    waiting.append([kind, message])
    bottle.response.set_cookie(FLASH_COOKIE, _signed(json.dumps(waiting[-3:])),
                               path="/", httponly=True, samesite="lax", max_age=300)


def take_flashes() -> list[tuple[str, str]]:
    """Return the waiting flash messages as (kind, text) and forget them."""
    waiting = _waiting()
    shown = [(kind, text) for kind, text in waiting]
    if shown:
        waiting.clear()
        bottle.response.delete_cookie(FLASH_COOKIE, path="/", httponly=True, samesite="lax")
    return shown


def _waiting() -> list[list[str]]:
    """The messages not shown yet: from the cookie, plus those flashed in this request."""
    environ = bottle.request.environ
    if "tinyapp.flashes" not in environ:
        raw = _verified(bottle.request.get_cookie(FLASH_COOKIE) or "")
        try:
            found = json.loads(raw) if raw is not None else []
        except ValueError:
            found = []
        environ["tinyapp.flashes"] = [item for item in found
                                      if isinstance(item, list) and len(item) == 2]
    return environ["tinyapp.flashes"]
