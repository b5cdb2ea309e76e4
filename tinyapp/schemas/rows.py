"""Dump plain rows as a schema would dump objects: the fast path of the busiest reads.

A list of 20 products costs more in Python than in the database: building a model
object per row, then marshmallow walking every field of every object, is most of
the time of an uncached request. The busiest endpoints therefore read plain rows
(``query.dicts()``: peewee still turns each column into its Python value) and dump
them with a ``RowDumper`` made once from the response schema itself::

    rows = Product.listing_rows().limit(20)           # dicts, no model objects
    ROWS = RowDumper(ProductSchema())                  # once, at import
    items = ROWS.dump_many(rows)                       # what ProductSchema dumps

The dumper keeps the schema's field names, order and formatting (each field's own
``_serialize``: money as "12.50", times with +00:00), so the JSON is the one the
OpenAPI document describes; tests/api/test_rows.py checks it against
``ProductSchema().dump`` of the same rows as objects. A nested schema (a product's
``category``) reads the row's ``category__id``, ``category__name`` columns, and is
None when the row has no such reference (a LEFT JOIN that found nothing).
"""

from collections.abc import Callable, Iterable

from marshmallow import Schema, fields

# Fields whose stored value is already the JSON value: no conversion needed.
AS_IS = (fields.String, fields.Integer, fields.Boolean)


class RowDumper:
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
