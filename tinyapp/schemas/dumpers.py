"""Dump answers as their marshmallow schema would, without its generic walk per value.

Every API answer is its response schema's ``dump``. marshmallow finds each value
anew for every field of every object (which accessor, which default, which hooks),
and for an order with three lines that walk cost more than placing it took in
Python. A dumper is made once per schema from the schema itself, and then only
reads the values and formats them, each by its field's own ``_serialize`` (money as
"12.50", times with +00:00): the schema stays the one contract, the OpenAPI document
is made from it, and the JSON is byte for byte what ``schema.dump`` gives.

``ObjectDumper`` dumps what handlers return (model objects, dicts), exactly as
``schema.dump`` does: what it cannot make faster (a schema with dump hooks, a field
that reads no attribute or a dotted one) it hands to marshmallow itself, field by
field or whole. tests/api/test_dumpers.py checks it against ``schema.dump`` for every
kind of field and for the answers of the API.

``RowDumper`` dumps plain rows, the fast path of the busiest reads. A list of 20
products costs more in Python than in the database: building a model object per
row, then dumping each, is most of the time of an uncached request. The product
list therefore reads plain rows (``query.dicts()``: peewee still turns each column
into its Python value) and dumps them by column name::

    rows = Product.listing_rows().limit(20)           # dicts, no model objects
    ROWS = RowDumper(ProductSchema())                  # once, at import
    items = ROWS.dump_many(rows)                       # what ProductSchema dumps

A nested schema (a product's ``category``) reads the row's ``category__id``,
``category__name`` columns, and is None when the row has no such reference (a LEFT
JOIN that found nothing).
"""

from collections.abc import Callable, Iterable

from marshmallow import Schema, fields, missing
from marshmallow.decorators import POST_DUMP, PRE_DUMP
from marshmallow.utils import _get_value_for_key

# The fields where a value of exactly this type is its own answer (String's str(value),
# Integer's int(value), Boolean's True/False). ObjectDumper checks the type; RowDumper
# trusts a column of such a field to hold it (the driver's text, whole number, flag).
_ALREADY = [(fields.String, str), (fields.Integer, int), (fields.Boolean, bool)]
AS_IS = tuple(base for base, _ in _ALREADY)


class ObjectDumper:
    """``schema.dump(obj)`` for one object (``dump``) or many (``dump_many``), made once."""

    def __init__(self, schema: Schema):
        self.schema = schema
        hooked = schema._hooks[PRE_DUMP] or schema._hooks[POST_DUMP]
        custom_reader = type(schema).get_attribute is not Schema.get_attribute
        self.steps = None if hooked or custom_reader else [
            (field.data_key if field.data_key is not None else name,
             *_object_step(schema, name, field))
            for name, field in schema.dump_fields.items()]

    def dump(self, obj) -> dict:
        if self.steps is None:
            return self.schema.dump(obj, many=False)
        # How marshmallow reads a value: by key from what has one (a dict), else by name.
        read = _get_value_for_key if hasattr(obj, "__getitem__") else getattr
        answer = {}
        for key, attribute, default, answer_for in self.steps:
            if attribute is None:  # a field that reads for itself
                value = answer_for(obj)
            else:
                value = read(obj, attribute, missing)
                if value is missing:
                    value = default() if callable(default) else default
                if value is not missing:
                    value = answer_for(value, obj)
            if value is not missing:  # as marshmallow, a value not found is left out
                answer[key] = value
        return answer

    def dump_many(self, objects: Iterable) -> list[dict]:
        if self.steps is None:  # hooks may work on the whole list (pass_collection)
            return self.schema.dump(objects, many=True)
        return [self.dump(obj) for obj in objects]


def _object_step(schema: Schema, name: str, field: fields.Field) -> tuple:
    """(attribute to read, default when it is missing, how a value read is answered).

    The attribute is None for a field that reads nothing itself (a Method) or reads a
    dotted path: its own ``serialize`` then reads and answers, as in ``schema.dump``.
    """
    attribute = field.attribute or name
    if not field._CHECK_ATTRIBUTE or "." in attribute:
        return None, missing, lambda obj: field.serialize(name, obj,
                                                          accessor=schema.get_attribute)
    return attribute, field.dump_default, _formatter(field, name)


def _formatter(field: fields.Field, name: str) -> Callable:
    """How a field answers a value it read: (value, obj) -> what schema.dump puts there."""
    kind = type(field)
    if isinstance(field, fields.Nested) and kind._serialize is fields.Nested._serialize:
        inner = ObjectDumper(field.schema)
        if field.schema.many or field.many:
            return lambda value, obj: None if value is None else inner.dump_many(value)
        return lambda value, obj: None if value is None else inner.dump(value)
    if isinstance(field, fields.List) and kind._serialize is fields.List._serialize:
        each = _formatter(field.inner, name)
        return lambda value, obj: None if value is None else [each(item, obj) for item in value]
    serialize = field._serialize
    for base, plain in _ALREADY:
        if (isinstance(field, base) and kind._serialize is base._serialize
                and not getattr(field, "as_string", False)):
            return lambda value, obj: value if type(value) is plain else serialize(value, name,
                                                                                   obj)
    return lambda value, obj: serialize(value, name, obj)


class RowDumper:
    """What the schema dumps of an object, made from a plain row (dict) by column name."""

    def __init__(self, schema: Schema, prefix: str = ""):
        self.steps: list[tuple[str, Callable[[dict], object]]] = [
            (field.data_key or name, self._step(field, prefix + (field.attribute or name)))
            for name, field in schema.dump_fields.items()]

    @staticmethod
    def _step(field: fields.Field, column: str) -> Callable[[dict], object]:
        """How one output value is made from a row: read the column, format it."""
        if isinstance(field, fields.Nested):
            inner = RowDumper(field.schema, prefix=column + "__")
            key = column + "__id"
            return lambda row: None if row.get(key) is None else inner.dump(row)
        if isinstance(field, AS_IS):
            return lambda row: row[column]
        serialize = field._serialize
        return lambda row: None if row[column] is None else serialize(row[column], column, row)

    def dump(self, row: dict) -> dict:
        return {key: step(row) for key, step in self.steps}

    def dump_many(self, rows: Iterable[dict]) -> list[dict]:
        return [self.dump(row) for row in rows]
