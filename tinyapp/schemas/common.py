"""What every schema shares: strictness, list parameters, and loading a PATCH body."""

import base64
import json

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from tinyapp.schemas.fields import Text, WholeNumber

MAX_ID = 2**31 - 1


class StrictSchema(Schema):
    """Reject fields the schema does not know, rather than silently dropping them."""

    class Meta:
        unknown = RAISE


def Id(**kwargs) -> WholeNumber:  # noqa: N802 - reads like a field type
    """A row id: a whole number from 1."""
    return WholeNumber(1, MAX_ID, **kwargs)


class ListQuery(StrictSchema):
    """``limit`` and ``cursor``, which every list accepts; subclasses add filters and sort."""

    limit = WholeNumber(1, 500, load_default=50)
    cursor = Text(500, load_default=None)


def sort_choices(*names: str) -> validate.OneOf:
    """Allow sorting by each name, ascending ("name") or descending ("-name")."""
    return validate.OneOf([n for name in names for n in (name, "-" + name)])


class RefSchema(Schema):
    """A reference to another row in output: its id and a human name."""

    id = fields.Integer()
    name = fields.String()


def load_patch(schema_class: type[Schema], data: dict) -> tuple[dict, int]:
    """Load a PATCH body: every field optional except ``version`` (optimistic locking)."""
    optional = [name for name in schema_class._declared_fields if name != "version"]
    changes = schema_class(partial=optional).load(data)
    version = changes.pop("version")
    return changes, version


def encode_cursor(values: list) -> str:
    """Pack the sort key of the last row into an opaque, URL-safe cursor."""
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> list:
    """Unpack a cursor made by encode_cursor; a bad one is a validation error."""
    invalid = ValidationError({"cursor": ["Not a valid cursor; start again without it."]})
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeError):
        raise invalid from None
    if not isinstance(values, list) or len(values) != 2:
        raise invalid
    return values
