"""The portable format: every table as JSON lines, restorable into any engine.

``data.jsonl.gz`` holds tinyapp's tables in foreign-key order. Each table starts with a
header line; then comes one JSON array per row, in the header's column order::

    {"table": "products", "columns": ["id", "sku", "price", ...], "types": ["int", ...]}
    [1, "DR-100", 1250, true, "2026-11-24T10:15:00.123456+00:00", ...]

The types keep values exact on every engine: money is whole cents ("int"), times are
UTC with an offset ("datetime"), booleans are true/false, text is UTF-8. Rows are read
in keyset batches (``WHERE id > last ORDER BY id LIMIT n``) inside one snapshot
transaction, so memory stays flat however big the tables, and the tables agree.
"""

import base64
import contextlib
import datetime as dt
import gzip
import itertools
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import peewee

from tinyapp.backup.common import (
    Dump,
    ProgressFactory,
    TableRows,
    bounded_lines,
    count_rows,
    open_database,
    schema_version_of,
)
from tinyapp.backup.files import HashingWriter
from tinyapp.backup.manifest import BackupError
from tinyapp.db import describe_error as db_error
from tinyapp.models import MODELS

PAYLOAD = "data.jsonl.gz"
READ_BATCH = 2000    # rows per keyset query
ROW_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # one, reused: fast

# Field classes -> portable type; the first match wins (a BooleanField is no IntegerField,
# but a MoneyField is a BigIntegerField: whole cents).
TYPES = ((peewee.BooleanField, "bool"), (peewee.DateTimeField, "datetime"),
         (peewee.DateField, "date"), (peewee.DecimalField, "decimal"),
         (peewee.FloatField, "float"), (peewee.BlobField, "bytes"),
         (peewee.IntegerField, "int"))


# -- backing up --

def export(url: str, folder: Path, progress: ProgressFactory) -> Dump:
    """Write every table of the database at url into folder/data.jsonl.gz."""
    db = None
    try:
        db = open_database(url)
        with _snapshot(db), open(folder / PAYLOAD, "wb") as raw:
            counts = count_rows(db)
            version = schema_version_of(db)
            bar = progress("exporting rows", sum(counts.values()))
            out = HashingWriter(raw)
            with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=6, mtime=0) as packed:
                for model in MODELS:
                    if model._meta.table_name in counts:
                        _export_table(db, model, packed, counts, bar)
            bar.finish()
    except (peewee.DatabaseError, peewee.InterfaceError) as exc:
        raise BackupError(f"reading the database failed: {db_error(exc)}") from None
    finally:
        if db is not None:
            db.close_all()
    return Dump(PAYLOAD, out.size, out.hash.hexdigest(), counts, version)


@contextlib.contextmanager
def _snapshot(db: peewee.Database) -> Iterator[None]:
    """Read everything inside one transaction that sees one moment of the database."""
    if isinstance(db, peewee.PostgresqlDatabase):
        db.execute_sql("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    elif isinstance(db, peewee.MySQLDatabase):
        db.execute_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        db.execute_sql("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")
    else:  # SQLite in WAL mode: the first read fixes the snapshot
        db.execute_sql("BEGIN")
    try:
        yield
    except BaseException:
        with contextlib.suppress(peewee.PeeweeException):  # the connection may be gone:
            db.execute_sql("ROLLBACK")                     # the first error explains
        raise
    db.execute_sql("ROLLBACK")


def _export_table(db, model, packed, counts: dict[str, int], bar) -> None:
    name = model._meta.table_name
    described = db.get_columns(name)
    columns = [column.name for column in described]
    types = [_type_of(model, column) for column in described]
    header = {"table": name, "columns": columns, "types": types}
    packed.write((json.dumps(header) + "\n").encode())
    encoders = [ENCODE[kind] for kind in types]
    written = 0
    for batch in _batches(db, model, columns):
        lines = [ROW_JSON.encode([None if value is None else encode(value)
                                  for encode, value in zip(encoders, row, strict=True)])
                 for row in batch]
        packed.write(("\n".join(lines) + "\n").encode())
        written += len(batch)
        bar.advance(len(batch))
    if written != counts[name]:  # the snapshot would make this impossible
        raise BackupError(f"{name}: read {written} rows, counted {counts[name]}")


def _type_of(model, column) -> str:
    """The portable type of a column: from the model's field, else from the SQL type."""
    field = model._meta.columns.get(column.name)
    if isinstance(field, peewee.ForeignKeyField):
        field = field.rel_field
    if field is None:
        declared = column.data_type.lower()
        return ("bool" if "bool" in declared else "int" if "int" in declared
                else "datetime" if declared.startswith(("timestamp", "datetime")) else "text")
    return next((kind for cls, kind in TYPES if isinstance(field, cls)), "text")


def _batches(db, model, columns: list[str]) -> Iterator[list[tuple]]:
    """Yield the table's rows in primary-key order, READ_BATCH at a time (keyset)."""
    table = peewee.Table(model._meta.table_name)
    keys = [table.c[field.column_name] for field in _key_fields(model)]
    positions = [columns.index(key.name) for key in keys]
    last = None
    while True:
        query = table.select(*[table.c[name] for name in columns]).order_by(*keys)
        if last is not None:
            query = query.where(_after(db, keys, last))
        rows = db.execute(query.limit(READ_BATCH)).fetchall()  # plain tuples, no conversion
        if not rows:
            return
        yield rows
        last = [rows[-1][position] for position in positions]


def _key_fields(model) -> list[peewee.Field]:
    key = model._meta.primary_key
    if isinstance(key, peewee.CompositeKey):
        return [model._meta.fields[name] for name in key.field_names]
    return [key]


def _after(db, keys, values):
    """Select the rows after the last one read: (a, b) > (x, y).

    SQLite and PostgreSQL answer that row-value comparison from the primary-key index;
    MariaDB scans for it, but not for the same condition spelled out as
    a > x OR (a = x AND b > y).
    """
    if len(keys) == 1:
        return keys[0] > values[0]
    if not isinstance(db, peewee.MySQLDatabase):
        return peewee.Tuple(*keys) > peewee.Tuple(*values)
    condition = keys[-1] > values[-1]
    for key, value in zip(reversed(keys[:-1]), reversed(values[:-1]), strict=True):
        condition = (key > value) | ((key == value) & condition)
    return condition


def _utc_text(value) -> str:
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:  # stored as naive UTC (tinyapp.models.base.UTCDateTimeField)
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat()


ENCODE = {
    "int": int, "bool": bool, "float": float, "decimal": str, "text": str,
    "datetime": _utc_text,
    "date": lambda value: value if isinstance(value, str) else value.isoformat(),
    "bytes": lambda value: base64.b64encode(bytes(value)).decode("ascii"),
}


# -- restoring --

def _naive_utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone(dt.UTC).replace(tzinfo=None)


DECODE = {
    "int": int, "bool": bool, "float": float, "decimal": Decimal, "text": str,
    "datetime": _naive_utc, "date": dt.date.fromisoformat, "bytes": base64.b64decode,
}
# SQLite has no time types: write them as text, as Python's sqlite3 module would.
SQLITE_DECODE = {**DECODE, "datetime": lambda text: _naive_utc(text).isoformat(" "),
                 "date": str}


def tables_in(payload: Path, engine: str) -> Iterator[TableRows]:
    """Read a portable payload table by table, its values decoded for the target engine.

    Nothing in the file is SQL: a header names a table and its columns (the loader
    checks them against tinyapp's schema) and each row is a JSON array of plain values.
    """
    decoders = SQLITE_DECODE if engine == "sqlite" else DECODE
    try:
        with gzip.open(payload, "rt", encoding="utf-8", newline="\n") as handle:
            # Each section is a header line and the row lines after it.
            for _, section in itertools.groupby(bounded_lines(handle), key=_section_number()):
                header = json.loads(next(section))
                name, columns, types = header["table"], header["columns"], header["types"]
                if not (isinstance(columns, list) and isinstance(types, list)
                        and len(columns) == len(types)):
                    raise ValueError(f"the header of table {name!r} is malformed")
                convert = [decoders[kind] for kind in types]
                yield TableRows(str(name), [str(column) for column in columns],
                                (_decoded(line, convert) for line in section))  # noqa: B031 - once
    except (OSError, EOFError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BackupError(f"{payload.name} cannot be read: {exc}") from None


def _section_number():
    """A key for groupby: the number of header lines seen so far, headers included."""
    headers = 0

    def key(line: str) -> int:
        nonlocal headers
        headers += line.startswith("{")
        return headers
    return key


def _decoded(line: str, convert: list) -> list:
    values = json.loads(line)
    if not isinstance(values, list) or len(values) != len(convert):
        raise ValueError(f"a row of {len(convert)} columns holds {values!r:.80}")
    return [None if value is None else decode(value)
            for decode, value in zip(convert, values, strict=True)]
