"""Inserting many rows fast: the SQL written once per batch size, not built per value.

peewee builds an ``insert_many``'s SQL anew every time, value by value, in Python:
about 0.3 ms per row. A 10,000-row import spent seconds on it, all inside SQLite's
single write lock, while every other writer waited. ``insert(model, rows)`` writes a
multi-row INSERT in batches of ``BATCH`` rows, its SQL text made once per batch size
(the columns quoted as the engine wants them), each value converted by its field's
own ``db_value``, as peewee would; ``insert_one`` returns the new row's id. It goes
through the database's ``execute_and_read`` (tinyapp/engines.py), so timing, the query
log and the record of tables written (which the unit of work turns into cache
invalidation) see every statement. (Other statements run many times are built once by
tinyapp/prepared.py.)
"""

import sqlite3

import peewee

BATCH = 500  # rows per INSERT: 12 columns x 500 stays under every engine's parameter limit


def insert(model: type[peewee.Model], rows: list[dict], returning: tuple[str, ...] = ()
           ) -> list[dict] | None:
    """Insert rows (dicts of field names to values, all with the same keys) into model's table.

    Fields left out get their defaults, as with peewee's ``insert_many``. With
    ``returning`` (field names), the new rows' values of those fields come back, in no
    particular order (as the engines promise), from ``INSERT ... RETURNING``: on
    PostgreSQL and SQLite. MySQL/MariaDB cannot say them for many rows at once: None,
    and the caller reads them.
    """
    database = _database_of(model)
    fields = [model._meta.fields[name] for name in returning] if can_return(database) else []
    clause = " RETURNING " + ", ".join(peewee.quote((f.column_name,), database.quote)
                                       for f in fields) if fields else ""
    found = []
    for start in range(0, len(rows), BATCH):
        sql, params = _statement(model, rows[start:start + BATCH], database)
        cursor = database.execute_and_read(sql + clause, params)
        if fields:
            found += [{f.name: f.python_value(v) for f, v in zip(fields, row, strict=True)}
                      for row in cursor.fetchall()]
    return None if returning and not fields else found  # None: this engine cannot say them


def can_return(database: peewee.Database) -> bool:
    """Whether an INSERT can end in RETURNING: PostgreSQL, and SQLite from 3.35."""
    database = getattr(database, "obj", database)  # the models' proxy: what it points at
    if isinstance(database, peewee.SqliteDatabase):
        return sqlite3.sqlite_version_info >= (3, 35)
    return bool(database.returning_clause)


def insert_one(model: type[peewee.Model], row: dict) -> int:
    """Insert one row; return its new id.

    PostgreSQL says it with ``RETURNING id``; SQLite and MySQL/MariaDB tell the driver
    (``cursor.lastrowid``), with no second statement either way.
    """
    database = _database_of(model)
    sql, params = _statement(model, [row], database)
    if database.returning_clause:
        sql += " RETURNING " + peewee.quote((model._meta.primary_key.column_name,),
                                            database.quote)
        return database.execute_and_read(sql, params).fetchone()[0]
    return database.execute_and_read(sql, params).lastrowid


def _database_of(model: type[peewee.Model]) -> peewee.Database:
    """The database model's rows go to now: what the models' proxy points at, looked up
    once per statement instead of once per attribute read through the proxy."""
    database = model._meta.database
    return getattr(database, "obj", database)


def _statement(model: type[peewee.Model], rows: list[dict], database: peewee.Database
               ) -> tuple[str, list]:
    """The INSERT of these rows and its parameters; the SQL text built once per shape."""
    meta = model._meta
    key = (model, tuple(rows[0]), len(rows), database.param, database.quote)
    shape = _shapes.get(key)
    if shape is None:
        fields = [meta.fields[name] for name in rows[0]]
        # Per field: a value of the plain type it stores goes as it is, others via db_value.
        converters = [(f.name, plain_type(f), f.db_value) for f in fields]
        defaults = [(f, d) for f, d in meta.defaults.items() if f.name not in rows[0]]
        columns = ", ".join(peewee.quote((f.column_name,), database.quote)
                            for f in fields + [f for f, _ in defaults])
        table = peewee.quote((meta.table_name,), database.quote)
        one_row = "(" + ", ".join([database.param] * (len(fields) + len(defaults))) + ")"
        sql = f"INSERT INTO {table} ({columns}) VALUES " + ", ".join([one_row] * len(rows))
        shape = (sql, converters, defaults)
        if len(rows) <= _KEPT_UP_TO or len(rows) == BATCH:  # not every import's last batch
            _shapes[key] = shape
    sql, converters, defaults = shape
    # A value every row shares (the one ``now`` of a unit of work) is converted once,
    # and so is each default: the rows of one statement are written at one moment.
    # (A default that must differ per row, a random key, would have to be given.)
    seen, converted = [_NOTHING] * len(converters), [None] * len(converters)
    fixed = [f.db_value(d() if callable(d) else d) for f, d in defaults]
    params = []
    for row in rows:
        for column, (name, plain, db_value) in enumerate(converters):
            value = row[name]
            if value is None or type(value) is plain:
                params.append(value)
            elif value is seen[column]:
                params.append(converted[column])
            else:
                seen[column], converted[column] = value, db_value(value)
                params.append(converted[column])
        params.extend(fixed)
    return sql, params


_NOTHING = object()  # no value seen yet in this column


_shapes: dict[tuple, tuple] = {}  # (model, columns, rows, engine's style) -> SQL and how
_KEPT_UP_TO = 16  # rows: the shapes of everyday writes (an order's lines, its journal)


# Fields whose db_value only checks the type: a value of that type goes as it is.
_PLAIN = {peewee.CharField: str, peewee.TextField: str, peewee.IntegerField: int,
          peewee.BigIntegerField: int, peewee.AutoField: int, peewee.BooleanField: bool}


def plain_type(field: peewee.Field) -> type | None:
    """The type whose values field stores as they are (its db_value would return them
    unchanged), or None; a foreign key stores what the field it points at stores."""
    if isinstance(field, peewee.ForeignKeyField):
        field = field.rel_field
    return _PLAIN.get(type(field))
