"""What every schema shares: strictness, list parameters, and loading the API's input."""

import functools

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from tinyapp.schemas.fields import WholeNumber, strict_input

MAX_ID = 2**31 - 1


class InvalidQuery(ValidationError):
    """A query parameter is wrong: a 400 naming it (the address itself is malformed)."""


class UnknownReference(ValidationError):
    """The input names a row that is not there (or may not be used): a 409 naming the field.

    Not a 422: the input is as the schema says, only the database does not hold what it
    refers to, and no schema (nor the OpenAPI document) can know which rows exist.
    """


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
    cursor = WholeNumber(1, MAX_ID, load_default=None, metadata={"description": (
        "The next_cursor of the page before (the id of its last row); leave it out for "
        "the first page. 409 when that row is gone: start again.")})


def sort_choices(*names: str) -> validate.OneOf:
    """Allow sorting by each name, ascending ("name") or descending ("-name")."""
    return validate.OneOf([n for name in names for n in (name, "-" + name)])


class RefSchema(Schema):
    """A reference to another row in output: its id and a human name."""

    id = fields.Integer()
    name = fields.String()


@functools.cache
def _loader(schema_class: type[Schema]) -> Schema:
    """One instance per schema: loading keeps no state on it (the strict mode is a
    context variable), and building one per request costs more than the load."""
    return schema_class()


def load_query(schema_class: type[Schema], args: dict) -> dict:
    """Load an API query string exactly as the OpenAPI document describes it, or 400."""
    try:
        with strict_input("query"):
            return _loader(schema_class).load(args)
    except ValidationError as exc:
        raise InvalidQuery(exc.messages) from None


def load_body(schema_class: type[Schema], data: dict) -> dict:
    """Load a JSON body strictly: numbers as numbers, flags as true or false."""
    with strict_input("json"):
        return _loader(schema_class).load(data)


def load_patch(schema_class: type[Schema], data: dict) -> tuple[dict, int]:
    """Load a PATCH body: every field optional except ``version`` (optimistic locking)."""
    optional = [name for name in schema_class._declared_fields if name != "version"]
    with strict_input("json"):
        changes = schema_class(partial=optional).load(data)
    version = changes.pop("version")
    return changes, version
