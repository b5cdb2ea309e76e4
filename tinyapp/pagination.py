"""Keyset pagination: stable pages over large tables, whatever is inserted meanwhile.

Instead of OFFSET (which reads and throws away every earlier row), a page starts after
the last row of the previous one: ``WHERE (name, id) > (last_name, last_id)``. The
cursor handed to the client is that sort key, packed; an index on (name, id) makes
any page as cheap as the first.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import peewee
from marshmallow import ValidationError

from tinyapp.models.base import MoneyField
from tinyapp.schemas.common import decode_cursor, encode_cursor


@dataclass
class Page:
    items: list
    next_cursor: str | None = None
    extra: dict = field(default_factory=dict)


def paginate(query: peewee.ModelSelect, sort: str, limit: int,
             cursor: str | None = None) -> Page:
    """Return one page of query ordered by sort ("name" or "-name"), then by id.

    ``sort`` names a column of the query's model; the list schemas allow only indexed ones.
    """
    name = sort.lstrip("-")
    descending = sort.startswith("-")
    column = getattr(query.model, name)
    row_id = query.model.id
    if cursor:
        value, last_id = decode_cursor(cursor)
        value = _from_cursor(column, value)
        if not isinstance(last_id, int):
            raise ValidationError({"cursor": ["Not a valid cursor; start again without it."]})
        query = query.where(_after(column, value, row_id, last_id, descending))
    # A unique column (id, sku, number) orders rows by itself; others need id for ties.
    keys = [column] if column.unique or column is row_id else [column, row_id]
    order = [key.desc() if descending else key.asc() for key in keys]
    rows = list(query.order_by(*order).limit(limit + 1))
    if len(rows) <= limit:
        return Page(rows)
    rows = rows[:limit]
    last = rows[-1]
    return Page(rows, encode_cursor([_to_cursor(getattr(last, column.name)), last.id]))


def _after(column, value, row_id, last_id: int, descending: bool):
    """The condition "comes after (value, last_id) in this order"."""
    if column.unique or column is row_id:
        return column < value if descending else column > value
    if descending:
        return (column < value) | ((column == value) & (row_id < last_id))
    return (column > value) | ((column == value) & (row_id > last_id))


def _to_cursor(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value


def _from_cursor(column: peewee.Field, value):
    invalid = ValidationError({"cursor": ["Not a valid cursor; start again without it."]})
    try:
        if isinstance(column, peewee.DateTimeField):
            return dt.datetime.fromisoformat(value)
        if isinstance(column, MoneyField):
            return Decimal(str(value))  # money travels as a decimal string
        if isinstance(column, peewee.IntegerField) and not isinstance(value, int):
            raise invalid
        if isinstance(column, peewee.CharField) and not isinstance(value, str):
            raise invalid
    except (TypeError, ValueError, InvalidOperation):
        raise invalid from None
    return value
