"""What every backup module shares: the tables, their row counts, the schema version, progress.

The table functions take the database to work on (not the proxy), so a backup can read
the live database while the app serves, and verify can look at a scratch copy.
"""

import contextlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import peewee

from tinyapp.db import database, engine_of, make_database
from tinyapp.models import MODELS
from tinyapp.progress import Progress

HISTORY = "schema_migration"  # where tinyapp.migrations records the applied migrations


@dataclass
class Dump:
    """What a dump wrote: the payload's name, size and sha256, and what it holds."""

    payload: str
    size: int
    sha256: str
    tables: dict[str, int]
    schema_version: str | None


def table_names() -> list[str]:
    """Name tinyapp's tables in foreign-key order (parents before children)."""
    return [model._meta.table_name for model in MODELS]


def quoted(db: peewee.Database, name: str) -> str:
    """Quote a table or column name the way this engine wants it."""
    return db.get_sql_context().sql(peewee.Entity(name)).query()[0]


def count_rows(db: peewee.Database) -> dict[str, int]:
    """Count the rows of each of tinyapp's tables that exist in db."""
    existing = set(db.get_tables())
    return {name: db.execute_sql(f"SELECT COUNT(*) FROM {quoted(db, name)}").fetchone()[0]
            for name in table_names() if name in existing}


def schema_version_of(db: peewee.Database) -> str | None:
    """Name the latest migration applied to db (None: no tinyapp schema there)."""
    if HISTORY not in db.get_tables():
        return None
    names = [row[0] for row in db.execute_sql(f"SELECT name FROM {quoted(db, HISTORY)}")]
    return max(names, default=None)  # names start with a 4-digit number: they sort


def migration_number(name: str) -> int:
    """Read the number a migration's name starts with ("0002_reorder_flag" -> 2)."""
    return int(name.split("_", 1)[0])


def differences(expected: dict[str, int], found: dict[str, int]) -> list[str]:
    """Describe each table whose row count differs, e.g. 'products: 10 rows, expected 12'."""
    return [f"{name}: {found.get(name, 0):,} rows, expected {count:,}"
            for name, count in expected.items() if found.get(name, 0) != count]


def drop_tables(db: peewee.Database) -> None:
    """Drop tinyapp's tables (children first) and the migration history, where present."""
    existing = set(db.get_tables())
    cascade = " CASCADE" if isinstance(db, peewee.PostgresqlDatabase) else ""
    for name in [HISTORY, *reversed(table_names())]:
        if name in existing:
            db.execute_sql(f"DROP TABLE {quoted(db, name)}{cascade}")


def open_database(url: str) -> peewee.Database:
    """Open a database of its own (one connection) for a backup job, apart from the app's."""
    db = make_database(url, max_connections=1, timeout=30)
    db.connect()
    return db


@contextlib.contextmanager
def pointed_at(url: str) -> Iterator[peewee.Database]:
    """Point tinyapp's database proxy at url for a while, then back where it was.

    Migrations and tinyapp.db.reset_sequences work through the proxy, so restore and
    verify aim it at their target. That changes it for every thread: run them from
    the command line, never inside serve.
    """
    previous = database.obj
    target = make_database(url, max_connections=2, timeout=30)
    database.initialize(target)
    try:
        with database.connection_context():
            yield target
    finally:
        target.close_all()
        database.initialize(previous)


ENGINE_LABELS = {"postgresql": "PostgreSQL", "mysql": "MySQL/MariaDB", "sqlite": "SQLite"}


def engine_label(url: str) -> str:
    """Name the engine of a URL for people: 'PostgreSQL', 'MySQL/MariaDB' or 'SQLite'."""
    return ENGINE_LABELS[engine_of(url)]


ProgressFactory = Callable[[str, int], Progress]


def progress_factory(interactive: bool) -> ProgressFactory:
    """Make progress reporters: a bar for a command at a terminal, log lines for serve.

    Progress draws a bar only on a terminal and logs a line per tenth otherwise; serve's
    background backups give it a stream that is not one, whatever stderr is.
    """
    def make(label: str, total: int) -> Progress:
        return Progress(label, total, stream=None if interactive else io.StringIO())
    return make
