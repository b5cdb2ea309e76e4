"""Field types every schema shares: tidy text, whole numbers, money, UTC times.

The same schemas read JSON (typed values), HTML forms and CSV files (all strings),
so each field accepts both and rejects anything ambiguous.
"""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from marshmallow import ValidationError, fields, validate

# Control characters other than tab/newline never belong in stored text (NUL breaks
# PostgreSQL, others confuse terminals and CSV readers).
CENT = Decimal("0.01")
_TOO_BIG = Decimal(10) ** 15
def _with(extra, *validators) -> list:
    """Combine a field's own validators with those its user passes (one or a list)."""
    if extra is None:
        return list(validators)
    return [*validators, *(extra if isinstance(extra, (list, tuple)) else [extra])]


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Text(fields.String):
    """A string, trimmed, free of control characters, at most ``max_length`` long."""

    def __init__(self, max_length: int, min_length: int = 0, multiline: bool = False,
                 **kwargs):
        self.multiline = multiline
        super().__init__(validate=_with(kwargs.pop("validate", None),
                                        validate.Length(min=min_length, max=max_length)),
                         **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if _CONTROL.search(text) or (not self.multiline and ("\n" in text or "\r" in text)):
            raise ValidationError("Must not contain control characters"
                                  + ("." if self.multiline else " or line breaks."))
        return text


class WholeNumber(fields.Integer):
    """An integer from JSON (1) or a form or CSV ("1"); never 1.5, true or "1e3"."""

    def __init__(self, minimum: int, maximum: int, **kwargs):
        super().__init__(validate=_with(kwargs.pop("validate", None),
                                        validate.Range(min=minimum, max=maximum)), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> int:
        if isinstance(value, bool):
            raise self.make_error("invalid")
        if isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d{1,18}\s*", value):
            return int(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise self.make_error("invalid")


_AMOUNT = re.compile(r"\s*-?[0-9]+(\.[0-9]+)?\s*")


class Money(fields.Field):
    """An amount with at most two decimals, from "12.50", 12.5 or 12; sent as "12.50"."""

    default_error_messages = {"invalid": "Not a valid amount: use a number like 12.50."}

    def __init__(self, maximum: Decimal = Decimal("99999999.99"), **kwargs):
        super().__init__(validate=validate.Range(min=Decimal(0), max=maximum), **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else f"{Decimal(value):.2f}"

    def _deserialize(self, value, attr, data, **kwargs) -> Decimal:
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


class Flag(fields.Boolean):
    """A yes/no value: true/false from JSON, "on"/"1"/"true" from forms and CSV."""

    truthy = {True, "true", "True", "1", "on", "yes"}
    falsy = {False, "false", "False", "0", "off", "no", ""}

    def _deserialize(self, value, attr, data, **kwargs) -> bool:
        # Numbers are refused: 1 == True and 0.0 == False would pass the sets above.
        if not isinstance(value, (bool, str)):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class EmailAddress(fields.Email):
    """An e-mail address, trimmed and stored in lower case (addresses match ignoring case)."""

    def __init__(self, **kwargs):
        super().__init__(validate=_with(kwargs.pop("validate", None),
                                        validate.Length(max=254)), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        if isinstance(value, str):
            value = value.strip()
        return super()._deserialize(value, attr, data, **kwargs).lower()


class EmailOrBlank(EmailAddress):
    """An optional e-mail address: an empty string (a blank form field) means none."""

    def deserialize(self, value, attr=None, data=None, **kwargs) -> str | None:
        if isinstance(value, str) and not value.strip():
            return None  # before the validators, which expect an address
        return super().deserialize(value, attr, data, **kwargs)
