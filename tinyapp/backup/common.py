"""What every backup module shares: the tables, their row counts, the schema version, progress.

The table functions take the database to work on (not the proxy), so a backup can read
the live database while the app serves, and verify can look at a scratch copy.
"""

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import peewee

from tinyapp.db import engine_of, make_database
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
    unpacked_bytes: int | None = None  # a compressed SQLite copy's size once unpacked


@dataclass
class TableRows:
    """One table's rows as a backup holds them, read as data: never as SQL to run.

    Every payload format (a SQLite file, a pg_dump or mysqldump file, the portable
    format) is read into these; restore.load copies them into tables that tinyapp's
    own migrations made. ``rows`` yields lists of values in ``columns`` order, ready
    for the engine the format belongs to.
    """

    name: str
    columns: list[str]
    rows: Iterator[list]


MAX_LINE = 64 << 20  # characters in one line of a payload; tinyapp's longest row is a few kB


def bounded_lines(handle) -> Iterator[str]:
    """The lines of a payload, refusing one longer than MAX_LINE, so memory stays bounded."""
    while line := handle.readline(MAX_LINE):
        if len(line) == MAX_LINE and not line.endswith("\n"):
            raise ValueError(f"a line is longer than {MAX_LINE:,} characters")
        yield line


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


JOB_WAIT_SECONDS = 300  # a backup job's longest wait for any one answer of its server


def open_database(url: str) -> peewee.Database:
    """Open a database of its own (one connection) for a backup job, apart from the app's.

    Its statements have no time limit (building an index of a large table takes what
    it takes), but no one answer is waited for longer than JOB_WAIT_SECONDS: a network
    gone silent held a job, and the backup lock with it, for as long as it stayed silent.
    A dropped connection fails the job rather than running the statement again on a new
    one: that one would be outside the job's snapshot (a transaction begun in SQL) and
    read another moment of the database.
    """
    db = make_database(url, max_connections=1, timeout=30, wait_limit=JOB_WAIT_SECONDS)
    if hasattr(db, "reconnects"):  # a server's (SQLite's is a file)
        db.reconnects = False
    db.connect()
    return db


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
