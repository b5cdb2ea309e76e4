"""Inserting many rows fast: the SQL written once per batch size, not built per value.

peewee builds an ``insert_many``'s SQL anew every time, value by value, in Python:
about 0.3 ms per row. A 10,000-row import spent seconds on it, all inside SQLite's
single write lock, while every other writer waited. ``insert(model, rows)`` writes a
multi-row INSERT in batches of ``BATCH`` rows, its SQL text made once per batch size
(the columns quoted as the engine wants them), each value converted by its field's
own ``db_value``, as peewee would. It goes through the database's ``execute_sql``, so
timing, the query log and the record of tables written (which the unit of work turns
into cache invalidation) see every statement. (Other statements run many times are
built once by tinyapp/prepared.py.)
"""

import peewee

BATCH = 500  # rows per INSERT: 12 columns x 500 stays under every engine's parameter limit


def insert(model: type[peewee.Model], rows: list[dict]) -> None:
    """Insert rows (dicts of field names to values, all with the same keys) into model's table.

    Fields left out get their defaults, as with peewee's ``insert_many``.
    """
    if not rows:
        return
    meta, database = model._meta, model._meta.database
    fields = [meta.fields[name] for name in rows[0]]
    # Per field: a value of the plain type it stores goes as it is, others via db_value.
    converters = [(f.name, _PLAIN.get(type(f)), f.db_value) for f in fields]
    defaults = [(f, d) for f, d in meta.defaults.items() if f.name not in rows[0]]
    columns = ", ".join(peewee.quote((f.column_name,), database.quote)
                        for f in fields + [f for f, _ in defaults])
    table = peewee.quote((meta.table_name,), database.quote)
    one_row = "(" + ", ".join([database.param] * (len(fields) + len(defaults))) + ")"
    sql_for = {}  # batch size -> SQL: all batches but the last share one
    for start in range(0, len(rows), BATCH):
        batch = rows[start:start + BATCH]
        if len(batch) not in sql_for:
            sql_for[len(batch)] = (f"INSERT INTO {table} ({columns}) VALUES "
                                   + ", ".join([one_row] * len(batch)))
        params = []
        for row in batch:
            for name, plain, db_value in converters:
                value = row[name]
                params.append(value if value is None or type(value) is plain
                              else db_value(value))
            params.extend(f.db_value(d() if callable(d) else d) for f, d in defaults)
        database.execute_sql(sql_for[len(batch)], params)


# Fields whose db_value only checks the type: a value of that type goes as it is.
_PLAIN = {peewee.CharField: str, peewee.TextField: str, peewee.IntegerField: int,
          peewee.BigIntegerField: int, peewee.AutoField: int, peewee.BooleanField: bool}

