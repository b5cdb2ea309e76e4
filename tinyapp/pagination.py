"""Keyset pagination: stable pages over large tables, whatever is inserted meanwhile.

Instead of OFFSET (which reads and throws away every earlier row), a page starts after
the last row of the previous one: ``WHERE (name, id) > (last_name, last_id)``. The
cursor handed to the client is the id of that last row; the next request reads the
row's sort value back by its primary key, and an index on (name, id) makes any page as
cheap as the first. Going back works the same way from the other end: ``before`` the
first row of the page, read in the opposite order.

Why an id and not the packed sort value: an id is one whole number, which the OpenAPI
document can state exactly and the schema can check like any input, so no crafted
cursor (NaN, year 9999, a NUL, 10**23) ever reaches the database. The price of it: if
the last row itself moves in the order (a renamed product) between two requests, the
next page continues from where that row is now.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import peewee

from tinyapp.errors import Conflict
from tinyapp.prepared import Prepared
from tinyapp.schemas.common import MAX_ID, InvalidQuery


@dataclass
class Page:
    items: list
    next_cursor: str | None = None
    extra: dict = field(default_factory=dict)
    prev_cursor: str | None = None  # pass as ``before`` for the page in front of this one


def paginate(query: "peewee.ModelSelect | Shaped", sort: str, limit: int,
             cursor: int | str | None = None, before: int | str | None = None) -> Page:
    """Return one page of query ordered by sort ("name" or "-name"), then by id.

    The page starts after the row ``cursor`` names or, going back, ends before the row
    ``before`` names. ``sort`` names a column of the query's model; the list schemas
    allow only indexed ones. A cursor that cannot be one is an InvalidQuery (400); one
    whose row has been deleted since, a Conflict (409). A ``Shaped`` query (the busiest
    lists) is built and compiled once per shape and read as plain rows.
    """
    model = query.model
    column = getattr(model, sort.lstrip("-"))
    given = cursor not in (None, "")
    backwards = before not in (None, "") and not given
    last_id = cursor_id(cursor if given else before) if given or backwards else None
    # Rows before X in this order are the rows after X in the opposite order.
    reading_down = sort.startswith("-") != backwards
    # A unique column (id, sku, number) orders rows by itself; others need id for ties.
    keys = [column] if column.unique or column is model.id else [column, model.id]
    order = [key.desc() if reading_down else key.asc() for key in keys]
    if isinstance(query, Shaped):
        rows = _shaped_page(query, column, keys, order, reading_down, last_id, limit + 1)
    else:
        if last_id is not None:
            value = _sort_value(model, column, last_id)
            query = query.where(_after(column, value, model.id, last_id, reading_down))
        rows = list(query.order_by(*order).limit(limit + 1))
    more = len(rows) > limit
    rows = rows[:limit]
    if backwards:
        rows.reverse()
        return Page(rows, _id_of(rows[-1]) if rows else None,
                    prev_cursor=_id_of(rows[0]) if more else None)
    return Page(rows, _id_of(rows[-1]) if more else None,
                prev_cursor=_id_of(rows[0]) if given and rows else None)


# -- lists built once per shape (tinyapp/prepared.py) --

@dataclass(frozen=True)
class Shaped:
    """A list query for paginate to build and compile once per shape, then only run.

    ``shape`` names what makes its SQL differ (which filters are in use), ``build``
    makes the query (plain rows: ``.dicts()``) with a slot for each of ``values``::

        Shaped(("products", "category_id"), model=Product,
               build=lambda category_id: Product.listing_rows(category_id=category_id),
               values={"category_id": 3})
    """

    shape: tuple
    model: type[peewee.Model]
    build: Callable[..., peewee.ModelSelect]
    values: dict = field(default_factory=dict)


_pages: dict[tuple, Prepared] = {}  # one per shape, sort, direction and cursor use
_sort_values: dict[tuple, Prepared] = {}


def _shaped_page(query: Shaped, column, keys, order, reading_down: bool,
                 last_id: int | None, count: int) -> list[dict]:
    model = query.model
    values = {**query.values, "limit": count}
    if last_id is not None:
        values["after_value"] = _sort_value(model, column, last_id)
        if len(keys) > 1:
            values["after_id"] = last_id
    key = (query.shape, column.name, reading_down, tuple(sorted(values)))
    if key not in _pages:
        def build(limit, after_value=None, after_id=None, **filters):
            page = query.build(**filters)
            if after_value is not None:
                page = page.where(_after(column, after_value, model.id, after_id, reading_down))
            return page.order_by(*order).limit(limit)
        _pages[key] = Prepared(build)
    return _pages[key].rows(**values)


def _id_of(row) -> str:
    """A row's id as a cursor: rows are model objects or plain dicts (``.dicts()``)."""
    return str(row["id"] if isinstance(row, dict) else row.id)


def count_at_most(query: peewee.ModelSelect, cap: int) -> int:
    """Count the rows of query, but read no more than cap + 1 of them (a list's total).

    A count reads every row it counts; stopping after cap + 1 keeps it cheap on a large
    table, and "more than 1,000" is as useful to a person as the exact number.
    """
    return query.select(query.model.id).order_by().limit(cap + 1).count()


def cursor_id(cursor: int | str) -> int:
    """Read a cursor as the row id it is, or raise InvalidQuery naming ``cursor``."""
    if isinstance(cursor, str) and re.fullmatch(r"[1-9][0-9]{0,9}", cursor, re.ASCII):
        cursor = int(cursor)
    if isinstance(cursor, bool) or not isinstance(cursor, int) or not 0 < cursor <= MAX_ID:
        raise InvalidQuery({"cursor": ["Not a valid cursor: pass the next_cursor of the "
                                       "page before, or nothing for the first page."]})
    return cursor


def _sort_value(model: type[peewee.Model], column: peewee.Field, last_id: int):
    """The sort value of the cursor's row, read by primary key (one indexed lookup).

    Every list with a cursor asks it: the query is built once per column (prepared.py).
    """
    if column is model.id:
        return last_id
    key = (model, column.name)
    if key not in _sort_values:
        _sort_values[key] = Prepared(
            lambda row_id: model.select(model.id, column).where(model.id == row_id))
    rows = _sort_values[key].rows(row_id=last_id)
    if not rows:
        raise Conflict("No row has the id this cursor names (it was deleted, or never "
                       "was); start again without cursor.", field="cursor")
    return rows[0][column.name]


def _after(column, value, row_id, last_id: int, descending: bool):
    """The condition "comes after (value, last_id) in this order"."""
    if column.unique or column is row_id:
        return column < value if descending else column > value
    # Written as a range on the sort column first ("name >= x AND ..."): every engine
    # then seeks the (name, id) index to x, where "name > x OR (name = x AND ...)"
    # makes SQLite walk the index from its start (a page deep in a long list is slow).
    if descending:
        return (column <= value) & ((column < value) | (row_id < last_id))
    return (column >= value) & ((column > value) | (row_id > last_id))
