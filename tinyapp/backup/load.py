"""Build a database from a backup: tinyapp's own schema, the backup's rows, every check.

The one way a backup becomes a database, for restore and verify alike:

1. tinyapp's migrations create the schema the backup was made with (its version);
2. what the backup declares is compared with that schema (schema.py): anything more
   refuses it, by name;
3. only rows are copied in, as parameters, each table no further than the row count
   its manifest declares;
4. every reference between rows is proven, the counts must equal the manifest's;
5. the newer migrations bring the schema up to date.

It works on a database of its own (staging.py says which), so a backup that fails any
step has changed nothing that tinyapp serves.
"""

import contextlib
import itertools
from collections.abc import Iterable, Iterator
from pathlib import Path

import peewee

from tinyapp import faults, migrations
from tinyapp.backup import dumpfile, portable, schema, sqlite
from tinyapp.backup.common import (
    HISTORY,
    ProgressFactory,
    TableRows,
    count_rows,
    differences,
    quoted,
)
from tinyapp.backup.manifest import BackupError, Manifest
from tinyapp.db import describe_error, reset_sequences
from tinyapp.models import MODELS

WRITE_BATCH = 500  # rows per INSERT


def build(folder: Path, manifest: Manifest, db: peewee.Database, workdir: Path | None,
          progress: ProgressFactory) -> dict[str, int]:
    """Fill db, which holds no tinyapp tables, with the backup in folder; return its row counts.

    Raises BackupError when the backup holds anything but tinyapp's schema and rows,
    when a row breaks a rule of the schema, or when the counts differ from the manifest.
    """
    try:
        others = schema.of_database(db)  # whatever else db holds is not the backup's
        migrations.upgrade(manifest.schema_version, db=db)
        expected = schema.of_database(db).without(others)
        with contextlib.closing(_tables(folder, manifest, db, expected, workdir)) as tables:
            counts = _copy_rows(db, tables, manifest, expected, progress)
        reset_sequences([m for m in MODELS if m._meta.table_name in manifest.tables], db)
        problems = differences(manifest.tables, count_rows(db))
        if problems:
            raise BackupError("the row counts differ from the backup's manifest: "
                              + "; ".join(problems))
        if isinstance(db, peewee.SqliteDatabase):
            damage = [row[0] for row in db.execute_sql("PRAGMA integrity_check") if row[0] != "ok"]
            if damage:
                raise BackupError(f"SQLite's integrity check failed: {damage[0]}")
        migrations.upgrade(db=db)
    except (peewee.DatabaseError, migrations.MigrationError) as exc:
        raise BackupError(f"the backup's rows do not fit tinyapp's schema: "
                          f"{describe_error(exc)}") from None
    return counts


def _tables(folder: Path, manifest: Manifest, db: peewee.Database, expected: schema.Schema,
            workdir: Path | None) -> Iterator[TableRows]:
    """Read the payload of each format as tables of rows (see common.TableRows)."""
    payload = folder / manifest.payload
    if manifest.format == "sqlite":
        plain = sqlite.unpacked(payload, workdir, manifest.unpacked_bytes)
        yield from sqlite.tables_in(plain, expected)
    elif manifest.format == "portable":
        yield from portable.tables_in(payload, _engine(db))
    else:
        yield from dumpfile.tables_in(payload, _engine(db), expected)


def _engine(db: peewee.Database) -> str:
    if isinstance(db, peewee.SqliteDatabase):
        return "sqlite"
    return "postgresql" if isinstance(db, peewee.PostgresqlDatabase) else "mysql"


def _copy_rows(db: peewee.Database, tables: Iterable[TableRows], manifest: Manifest,
               expected: schema.Schema, progress: ProgressFactory) -> dict[str, int]:
    """Insert every table's rows; refuse unknown tables or columns, or rows past the manifest's."""
    counts = dict.fromkeys(manifest.tables, 0)
    bar = progress("restoring rows", manifest.total_rows)
    with references_checked_at_the_end(db):
        for table in tables:
            _check_columns(table, expected)
            if table.name == HISTORY:
                continue  # the migrations above wrote the history of this schema
            limit = manifest.tables.get(table.name, 0)
            target = peewee.Table(table.name)
            columns = [target.c[name] for name in table.columns]
            for batch in _batches(table.rows, WRITE_BATCH):
                counts[table.name] = counts.get(table.name, 0) + len(batch)
                if counts[table.name] > limit:
                    raise BackupError(f"table {table.name} holds more rows than the {limit:,} "
                                      "its manifest declares: refused")
                target.insert(batch, columns=columns).execute(db)
                bar.advance(len(batch))
                faults.point("restore:loading")
    bar.finish()
    return counts


def _check_columns(table: TableRows, expected: schema.Schema) -> None:
    problem = expected.unexpected("table", table.name)
    problems = [problem] if problem else [
        expected.unexpected("column", column, table.name) for column in table.columns]
    schema.refuse([p for p in problems if p])
    missing = expected.columns[table.name] - set(table.columns)
    if missing or len(set(table.columns)) != len(table.columns):
        raise BackupError(f"the backup's table {table.name} has the columns "
                          f"{', '.join(table.columns)}; tinyapp's has "
                          f"{', '.join(sorted(expected.columns[table.name]))}: refused")


def _batches(rows: Iterable[list], size: int) -> Iterator[list[list]]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


@contextlib.contextmanager
def references_checked_at_the_end(db: peewee.Database) -> Iterator[None]:
    """Take rows in any order (dumps list tables alphabetically), then prove every reference.

    Each engine lets references wait its own way: SQLite and MySQL switch the check off
    for the connection; PostgreSQL has no such switch for a table's owner, so its
    foreign keys are dropped and added again, which checks every row. A row that
    refers to nothing refuses the backup, here, before anything is kept.
    """
    references = [(model._meta.table_name, key) for model in MODELS
                  for key in db.get_foreign_keys(model._meta.table_name)]
    foreign_keys = _postgresql_foreign_keys(db)
    if isinstance(db, peewee.SqliteDatabase):
        db.execute_sql("PRAGMA foreign_keys = OFF")  # only outside a transaction
    elif isinstance(db, peewee.MySQLDatabase):
        db.execute_sql("SET FOREIGN_KEY_CHECKS = 0")
    try:
        with db.atomic():
            for table, name, _ in foreign_keys:
                db.execute_sql(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
            yield
            _refuse_missing_references(db, references)
            for table, name, definition in foreign_keys:
                db.execute_sql(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
    finally:
        if isinstance(db, peewee.SqliteDatabase):
            db.execute_sql("PRAGMA foreign_keys = ON")
        elif isinstance(db, peewee.MySQLDatabase):
            db.execute_sql("SET FOREIGN_KEY_CHECKS = 1")


def _postgresql_foreign_keys(db: peewee.Database) -> list[tuple[str, str, str]]:
    if not isinstance(db, peewee.PostgresqlDatabase):
        return []
    return db.execute_sql(
        "SELECT conrelid::regclass::text, quote_ident(conname), pg_get_constraintdef(oid) "
        "FROM pg_constraint WHERE contype = 'f' AND "
        "connamespace = current_schema()::regnamespace").fetchall()


def _refuse_missing_references(db: peewee.Database, references: list) -> None:
    """Raise BackupError naming each foreign key (table, metadata) that some row breaks."""
    problems = []
    for table, key in references:
        child, parent = quoted(db, key.column), quoted(db, key.dest_column)
        missing = db.execute_sql(
            f"SELECT COUNT(*) FROM {quoted(db, table)} c LEFT JOIN "
            f"{quoted(db, key.dest_table)} p ON c.{child} = p.{parent} "
            f"WHERE c.{child} IS NOT NULL AND p.{parent} IS NULL").fetchone()[0]
        if missing:
            problems.append(f"{missing:,} rows of {table} refer to a missing "
                            f"{key.dest_table} ({key.column})")
    if problems:
        raise BackupError("the backup's rows refer to rows it does not hold: "
                          + "; ".join(problems))
