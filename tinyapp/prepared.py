"""Queries built once per shape: the busiest reads skip peewee's SQL building.

peewee turns a query object into SQL text anew on every call, node by node: for the
product list that was a third of an uncached request's time, more than running the
query. A list request differs from the last one only in its values (a category id, a
cursor), not in its SQL, as long as the same filters are used. So such a query is
written once with *slots* where the values go::

    listing = Prepared(lambda category: Product.select().where(Product.category == category))
    rows = listing.rows(category=3)      # built and compiled on the first call only

``Prepared`` builds the query the first time with a slot for each argument, lets peewee
compile it, remembers the SQL text and where each slot landed among its parameters,
and from then on only fills in the values (converted as peewee would have converted
them, by the column each is compared with) and runs the SQL. Rows come back as plain
dicts named as peewee's ``.dicts()`` names them, each value converted by its field's
``python_value``, skipped where the driver's value already is the Python value (text,
whole numbers).

A query whose SQL depends on the values themselves (a search's words) is not a shape:
it is built the ordinary way.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass

import peewee

from tinyapp import bulk, db

# Fields whose values the drivers already return as Python has them.
_AS_RETURNED = (peewee.CharField, peewee.TextField, peewee.IntegerField, peewee.AutoField)


@dataclass(frozen=True)
class Slot:
    """Where one value goes in a prepared query, and how it is converted for the driver.

    ``plain``: a value of exactly this type needs no converting (text for a text column,
    a whole number for an integer one): ``convert`` would return it as it is.
    """

    name: str
    convert: Callable | None = None
    plain: type | None = None


class _SlotValue(peewee.Value):
    """A placeholder in a query being built; compiled, it becomes a Slot parameter.

    peewee converts a value by the column it is compared with (``Product.category ==
    3`` passes 3 through the field's ``db_value``); the slot notes that conversion, to
    apply it to each value later, when the value is known.
    """

    def __init__(self, name: str, convert: Callable | None = None):
        super().__init__(name, converter=False)
        self.convert = convert

    def stored_in(self, field: peewee.Field) -> "_SlotValue":
        """The same slot, converted for ``field``: for an INSERT's values, which peewee
        leaves as they are when they are query nodes (a slot is one)."""
        return _SlotValue(self.value, field.db_value)

    def __sql__(self, ctx):
        convert = self.convert or ctx.state.converter
        field = getattr(convert, "__self__", None)  # whose db_value converts, if a field's
        plain = bulk.plain_type(field) if isinstance(field, peewee.Field) else None
        return ctx.value(Slot(self.value, convert, plain), converter=False)


@dataclass
class Compiled:
    sql: str
    params: list  # per parameter: a Slot to fill, or a constant
    names: list[str]  # per selected column: its name in the rows, as peewee's .dicts()
    converters: list  # per selected column: its python_value, or None


class Prepared:
    """A query built by ``build(**slots)`` once per database engine, run with other values.

    A list value (for ``IN (...)``) is a list of slots, one per item: the query is then
    built once per engine and list length (an ``IN`` of 3 ids is other SQL than of 4).
    """

    def __init__(self, build: Callable[..., peewee.Query]):
        self.build = build
        self._compiled: dict[tuple, Compiled] = {}
        self._lock = threading.Lock()

    def rows(self, **values) -> list[dict]:
        """Run the query with these values (every slot's name); return its rows as dicts."""
        compiled, cursor = self._run(values)
        names, converters = compiled.names, compiled.converters
        return [{name: value if convert is None or value is None else convert(value)
                 for name, convert, value in zip(names, converters, row, strict=True)}
                for row in cursor.fetchall()]

    def execute(self, **values) -> int:
        """Run an UPDATE or DELETE with these values; return how many rows it changed."""
        return self._run(values)[1].rowcount

    def _run(self, values: dict):
        database = db.current()
        lists = [(name, len(value)) for name, value in values.items()
                 if isinstance(value, list)]
        flat = values
        if lists:  # one slot per item: "ids#0", "ids#1"...
            lists.sort()
            flat = dict(values)
            for name, _ in lists:
                flat.update({f"{name}#{i}": item for i, item in enumerate(flat.pop(name))})
        lengths = tuple(lists)
        key = (database.engine, lengths)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compile(values, dict(lengths))
            with self._lock:
                self._compiled[key] = compiled
        params = [_fill(p, flat) if isinstance(p, Slot) else p for p in compiled.params]
        return compiled, database.peewee.execute_and_read(compiled.sql, params)

    def _compile(self, values: dict, lengths: dict[str, int]) -> Compiled:
        slots = {name: [_SlotValue(f"{name}#{i}") for i in range(lengths[name])]
                 if name in lengths else _SlotValue(name) for name in values}
        query = self.build(**slots)
        sql, params = query.sql()
        expected = {f"{name}#{i}" for name, n in lengths.items() for i in range(n)} | {
            name for name in values if name not in lengths}
        if {p.name for p in params if isinstance(p, Slot)} != expected:
            raise ValueError(f"{self.build} does not use each of {list(values)} as a value")
        selected = getattr(query, "_returning", None) or []  # an UPDATE selects nothing
        return Compiled(sql, params, [_name(node) for node in selected],
                        [_converter(node) for node in selected])


def _fill(place: Slot, values: dict):
    value = values[place.name]
    if value is None or place.convert is None or type(value) is place.plain:
        return value
    return place.convert(value)


def _name(node) -> str:
    if isinstance(node, peewee.Alias):
        return node._alias
    return node.name if isinstance(node, peewee.Field) else str(node)


def _converter(node) -> Callable | None:
    field = node.node if isinstance(node, peewee.Alias) else node
    if not isinstance(field, peewee.Field):
        return None
    if isinstance(field, peewee.ForeignKeyField):
        field = field.rel_field
    if type(field) in _AS_RETURNED:
        return None
    return field.python_value


_by_id: dict[type, Prepared] = {}


def get_by_id(model: type[peewee.Model], row_id: int) -> "peewee.Model | None":
    """The row of model with this id, or None: the commonest query, built once per model."""
    if model not in _by_id:
        _by_id[model] = Prepared(lambda row_id: model.select().where(model.id == row_id)
                                 .limit(1).dicts())
    rows = _by_id[model].rows(row_id=row_id)
    return as_model(model, rows[0]) if rows else None


def as_model(model: type[peewee.Model], row: dict) -> peewee.Model:
    """A model object of a row read with .rows(), as peewee's query results hold one.

    ``row`` has plain values, named by field, a foreign key as its id. peewee keeps a
    row's values in ``__data__``, a set of unsaved field names and the related objects
    loaded so far; they are filled in directly. ``Model(**row)`` would run every
    field's setter, fill every default (reading the clock for each timestamp) and then
    throw the "unsaved" marks away: for the sixteen objects of an order placed, that
    was a tenth of the Python the order cost.
    """
    instance = model.__new__(model)
    instance.__data__, instance._dirty, instance.__rel__ = dict(row), set(), {}
    return instance
