"""Field types every schema shares: tidy text, names, e-mails, whole numbers, money, times.

The same schemas read JSON (typed values), HTML forms and CSV files (all strings), so each
field accepts both and rejects anything ambiguous. JSON bodies and the API's query strings
are read strictly, exactly as the OpenAPI document describes them (``strict_input``);
forms and CSV files may spell a number " 12 " or a flag "on". Each field also says, in
``openapi()``, the rule it enforces, so the document states every rule the server applies.
"""

import contextlib
import contextvars
import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from marshmallow import ValidationError, fields, validate

from tinyapp.models.accounts import normalize_email
from tinyapp.models.base import MAX_MONEY

CENT = Decimal("0.01")
_TOO_BIG = Decimal(10) ** 15


# -- how strictly input is read --

_MODE = contextvars.ContextVar("tinyapp_input_mode", default="text")


@contextlib.contextmanager
def strict_input(mode: str) -> Iterator[None]:
    """Read input as "json" (typed values only) or "query" (strings as documented).

    Outside this block input is "text": forms and CSV files, where people type.
    """
    token = _MODE.set(mode)
    try:
        yield
    finally:
        _MODE.reset(token)


def _with(extra, *validators) -> list:
    """Combine a field's own validators with those its user passes (one or a list)."""
    if extra is None:
        return list(validators)
    return [*validators, *(extra if isinstance(extra, (list, tuple)) else [extra])]


# -- what text may hold --

# Control characters never belong in stored text (NUL breaks PostgreSQL, the others
# confuse terminals, logs and CSV readers): C0 but tab and line breaks, DEL, and C1.
CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
LINE_BREAKS = "\n\r\u2028\u2029"
# What str.strip() removes and text may hold: it does not count towards a minimum length.
SPACES = " \t\xa0\u1680\u2000-\u200a\u202f\u205f\u3000"
# Bidi controls reorder what is shown around them; invisible characters make two
# different texts look the same ("Kate" and "Ka\u200bte"). Names refuse both. The
# joiners (U+200C, U+200D) and variation selectors stay: Persian, Indic scripts and
# emoji need them.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# Only characters of the Basic Multilingual Plane: pattern tools (schemathesis among
# them) cannot read a class holding astral ones, so the tag characters U+E0000-E007F
# are not refused.
INVISIBLE = ("\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b\u2060-\u2064"
             "\u206a-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb")


def text_pattern(refused: str, min_length: int) -> str:
    """The regular expression of the texts a field accepts, as typed (before trimming).

    Only characters outside ``refused``; and, for a minimum length, that many characters
    between the first and last non-space one (what remains once trimmed).
    """
    allowed, visible = f"[^{refused}]", f"[^{refused}{SPACES}]"
    if min_length <= 0:
        return f"^{allowed}*$"
    if min_length == 1:
        return f"^{allowed}*{visible}{allowed}*$"
    return f"^{allowed}*{visible}{allowed}{{{min_length - 2},}}{visible}{allowed}*$"


class Text(fields.String):
    """A string, trimmed, in Unicode NFC form, free of control characters, at most ``max_length``.

    The length limit counts the text as sent (the trimmed text can only be shorter).
    NFC gives every text one spelling ("é" is one character, not "e" plus an accent), so
    the databases, which compare stored text exactly, find equal names equal.
    """

    refused = CONTROLS
    refused_message = "Must not contain control characters"  # + " or line breaks."

    def __init__(self, max_length: int, min_length: int = 0, multiline: bool = False,
                 **kwargs):
        self.multiline = multiline
        self.max_length, self.min_length = max_length, min_length
        self.refused = self.refused + ("" if multiline else LINE_BREAKS)
        self._refused = re.compile(f"[{self.refused}]")
        super().__init__(validate=_with(kwargs.pop("validate", None),
                                        validate.Length(min=min_length, max=max_length)),
                         **kwargs)
        # A pattern of its own (a SKU, a phone number) is checked on the text as sent
        # when input is strict: the OpenAPI document can only describe that text.
        self.has_pattern = any(isinstance(v, validate.Regexp) for v in self.validators)

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if len(text) > self.max_length:  # as sent: the document's maxLength
            raise ValidationError(f"Length must be between {self.min_length} and "
                                  f"{self.max_length}." if self.min_length else
                                  f"Longer than maximum length {self.max_length}.")
        if self._refused.search(text):
            raise ValidationError(self.refused_message
                                  + ("." if self.multiline else " or line breaks."))
        if self.has_pattern and _MODE.get() != "text":
            return text
        return unicodedata.normalize("NFC", text.strip())

    def openapi(self) -> dict:
        if self.has_pattern:
            return {}  # the field's own pattern, which apispec documents
        return {"pattern": text_pattern(self.refused, self.min_length)}


class Name(Text):
    """A name people tell apart by looking: no bidi controls, no invisible characters."""

    refused = CONTROLS + BIDI_CONTROLS + INVISIBLE
    refused_message = "Must not contain invisible, bidi or control characters"

    def __init__(self, max_length: int, min_length: int = 1, **kwargs):
        super().__init__(max_length, min_length=min_length, **kwargs)


class OptionalText(Text):
    """Text that may be left out: an empty string (a blank form field or CSV cell) is None."""

    def deserialize(self, value, attr=None, data=None, **kwargs) -> str | None:
        if isinstance(value, str) and not value.strip():
            return None  # before the validators, which would refuse ""
        return super().deserialize(value, attr, data, **kwargs)


class WholeNumber(fields.Integer):
    """An integer from JSON (1) or a form or CSV ("1"); never 1.5, true or "1e3"."""

    def __init__(self, minimum: int, maximum: int, **kwargs):
        super().__init__(validate=_with(kwargs.pop("validate", None),
                                        validate.Range(min=minimum, max=maximum)), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> int:
        mode = _MODE.get()
        if isinstance(value, bool):
            raise self.make_error("invalid")
        if isinstance(value, int):
            return value
        spelling = {"json": None, "query": r"-?[0-9]{1,18}"}.get(mode, r"\s*[-+]?\d{1,18}\s*")
        if isinstance(value, str) and spelling and re.fullmatch(spelling, value, re.ASCII):
            return int(value)
        raise self.make_error("invalid")


_AMOUNT = re.compile(r"\s*-?[0-9]+(\.[0-9]+)?\s*")


class Money(fields.Field):
    """An amount with at most two decimals, from "12.50" or 12 (JSON); sent as "12.50".

    In JSON an amount is a string ("12.50") or a whole number (12): a number with cents
    would arrive as binary floating point in most clients, and 0.1 is not exact there.
    """

    default_error_messages = {"invalid": "Not a valid amount: use a number like 12.50."}

    def __init__(self, maximum: Decimal = MAX_MONEY, **kwargs):
        self.maximum = maximum
        digits = len(str(int(maximum)))
        self.pattern = rf"^[0-9]{{1,{digits}}}(\.[0-9]{{1,2}})?$"
        super().__init__(validate=validate.Range(min=Decimal(0), max=maximum), **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else f"{Decimal(value):.2f}"

    def _deserialize(self, value, attr, data, **kwargs) -> Decimal:
        if _MODE.get() != "text":
            return self._strict(value)
        if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
            raise self.make_error("invalid")
        if isinstance(value, str) and not _AMOUNT.fullmatch(value):
            raise self.make_error("invalid")  # Decimal() would also take "1_000", "1e3"
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            raise self.make_error("invalid") from None
        if not amount.is_finite():
            raise self.make_error("invalid")
        if abs(amount) >= _TOO_BIG:
            return amount  # the Range validator says what is allowed
        if amount != amount.quantize(CENT):
            raise ValidationError("Use at most two decimal places.")
        return amount.quantize(CENT)

    def _strict(self, value) -> Decimal:
        if isinstance(value, int) and not isinstance(value, bool):
            return Decimal(value).quantize(CENT) if abs(value) < _TOO_BIG else Decimal(value)
        if isinstance(value, str) and re.fullmatch(self.pattern, value, re.ASCII):
            return Decimal(value).quantize(CENT)
        if isinstance(value, str) and re.fullmatch(r"[0-9]+\.[0-9]{3,}", value, re.ASCII):
            raise ValidationError("Use at most two decimal places.")
        raise self.make_error("invalid")

    def openapi(self) -> dict:
        text = {"type": "string", "pattern": self.pattern, "example": "12.50"}
        if self.dump_only:
            return text
        return {"type": None, "anyOf": [text, {"type": "integer", "minimum": 0,
                                               "maximum": int(self.maximum)}]}


class UTCDateTime(fields.DateTime):
    """An ISO 8601 time with offset; naive input is taken as UTC; sent with +00:00."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return value.astimezone(dt.UTC).isoformat()

    def _deserialize(self, value, attr, data, **kwargs) -> dt.datetime:
        moment = super()._deserialize(value, attr, data, **kwargs)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        return moment.astimezone(dt.UTC)


class Day(fields.Date):
    """A calendar day (YYYY-MM-DD) from 2000 to 2099: what reports and filters can mean."""

    def _deserialize(self, value, attr, data, **kwargs) -> dt.date:
        if not isinstance(value, str) or not re.fullmatch(r"20[0-9]{2}-[0-9]{2}-[0-9]{2}",
                                                          value, re.ASCII):
            raise ValidationError("Use a date from 2000-01-01 to 2099-12-31 (YYYY-MM-DD).")
        return super()._deserialize(value, attr, data, **kwargs)

    def openapi(self) -> dict:
        return {"pattern": "^20[0-9]{2}-[0-9]{2}-[0-9]{2}$"}


class Flag(fields.Boolean):
    """A yes/no value: true/false from JSON, "on"/"1"/"true" from forms and CSV."""

    truthy = {True, "true", "True", "1", "on", "yes"}
    falsy = {False, "false", "False", "0", "off", "no", ""}

    def _deserialize(self, value, attr, data, **kwargs) -> bool:
        mode = _MODE.get()
        # Numbers are refused: 1 == True and 0.0 == False would pass the sets above.
        if isinstance(value, bool) and mode != "query":
            return value
        if mode == "json" or not isinstance(value, str):
            raise self.make_error("invalid")
        if mode == "query":
            if value not in ("true", "false"):
                raise self.make_error("invalid")
            return value == "true"
        return super()._deserialize(value, attr, data, **kwargs)


# -- e-mail addresses --

# Plain ASCII, as typed: the rule is then the same for the server, the OpenAPI document
# and every client, and no address can look like another (no fullwidth letters, no
# invisible or bidi characters). International domains are written in their xn-- form.
# Spaces around the address are allowed, and trimmed.
_ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ADDRESS = f"{_ATOM}(?:\\.{_ATOM})*@{_LABEL}(?:\\.{_LABEL})+"
EMAIL_PATTERN = f"^[{SPACES}]*{_ADDRESS}[{SPACES}]*$"
BLANK_PATTERN = f"^[{SPACES}]*$"


class EmailAddress(fields.String):
    """An e-mail address, stored normalised (addresses match ignoring case)."""

    default_error_messages = {"invalid": "Not a valid e-mail address."}
    pattern = EMAIL_PATTERN

    def __init__(self, **kwargs):
        super().__init__(validate=_with(kwargs.pop("validate", None),
                                        validate.Length(max=254)), **kwargs)
        self._pattern = re.compile(self.pattern)

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if len(text) > 254 or not self._pattern.fullmatch(text):
            raise self.make_error("invalid")
        return normalize_email(text)

    def openapi(self) -> dict:
        return {"pattern": self.pattern}


class EmailOrBlank(EmailAddress):
    """An optional e-mail address: a blank one (an empty form field) means none."""

    pattern = f"{BLANK_PATTERN}|{EMAIL_PATTERN}"

    def deserialize(self, value, attr=None, data=None, **kwargs) -> str | None:
        if isinstance(value, str) and re.fullmatch(BLANK_PATTERN, value):
            return None  # before the validators, which expect an address
        return super().deserialize(value, attr, data, **kwargs)
