"""The database: one deferred proxy, built from DATABASE_URL, with a connection pool.

Read this module to see how a URL becomes a connection pool, how SQLite is tuned,
how a request borrows and returns a connection, and how a write transaction begins.
"""

import contextlib
import functools
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import peewee
from playhouse import db_url
from playhouse.pool import (
    MaxConnectionsExceeded,
    PooledMySQLDatabase,
    PooledPostgresqlDatabase,
    PooledSqliteDatabase,
)

from tinyapp import querylog

# Every model binds to this proxy; init_database() points it at a real database.
database = peewee.DatabaseProxy()

ENGINES = {"sqlite": "sqlite", "postgres": "postgresql", "postgresql": "postgresql",
           "mysql": "mysql", "mariadb": "mysql"}

# SQLite settings chosen for a web app: readers never block the writer (WAL), foreign
# keys enforced, a commit survives power loss (synchronous=FULL), and a writer waits
# for the lock instead of failing at once (busy_timeout, set from POOL_TIMEOUT).
SQLITE_PRAGMAS = {"journal_mode": "wal", "foreign_keys": 1, "synchronous": "full",
                  "cache_size": -16000, "temp_store": "memory"}


# Ids are INTEGER columns: 32 bits on PostgreSQL and MySQL. A larger number in a URL can
# name no row, and drivers refuse to send it (SQLite: OverflowError; PostgreSQL: out of
# range), so the route guard answers 404 before any query sees it.
MAX_ID = 2**31 - 1


class DatabaseUnavailable(Exception):
    """The database cannot be reached or has no free connection; try again later."""


class _Timed:
    """Mixin that times every statement and reports it to the query log."""

    def execute_sql(self, sql, params=None, *args, **kwargs):
        started = time.perf_counter()
        try:
            return super().execute_sql(sql, params, *args, **kwargs)
        finally:
            querylog.record(sql, params, time.perf_counter() - started)


class SqliteDatabase(_Timed, PooledSqliteDatabase):
    def rollback(self):
        # After a full disk or an I/O error SQLite has already rolled back by itself;
        # a ROLLBACK then fails ("no transaction is active") and hides the real error.
        if not self.is_closed() and not self.connection().in_transaction:
            return None
        return super().rollback()


class PostgresqlDatabase(_Timed, PooledPostgresqlDatabase):
    pass


class MySQLDatabase(_Timed, PooledMySQLDatabase):
    # MySQL's plain DATETIME drops microseconds; keep them, as the other engines do.
    field_types = {**PooledMySQLDatabase.field_types, "DATETIME": "DATETIME(6)"}
    query_timeout = 60

    def _connect(self):
        # PyMySQL waits read_timeout, not connect_timeout, for the server's greeting, so
        # the connection is opened with the short timeout (set in make_database) and
        # only then given the longer one that queries need.
        conn = super()._connect()
        conn._read_timeout = self.query_timeout
        return conn


def engine_of(url: str) -> str:
    """Name the engine a URL points at: 'sqlite', 'postgresql' or 'mysql'."""
    scheme = urlsplit(url).scheme.split("+")[0]
    try:
        return ENGINES[scheme]
    except KeyError:
        raise ValueError(f"unsupported database URL scheme {scheme!r}") from None


def sqlite_path(url: str) -> Path | None:
    """Return the file a sqlite:// URL points at, or None for other engines."""
    if engine_of(url) != "sqlite":
        return None
    return Path(db_url.parse(url)["database"])


def make_database(url: str, max_connections: int = 20, stale_timeout: int = 300,
                  timeout: int = 10) -> peewee.Database:
    """Build a pooled database from a URL; nothing connects until the first query.

    ``postgresql://`` and ``postgresql+pool://`` (likewise ``mysql``, ``sqlite``) both
    give a pool: a web app should never open a connection per request.
    """
    engine = engine_of(url)
    params = db_url.parse(url, unquote_password=True, unquote_user=True)
    name = params.pop("database")
    pool = {"max_connections": max_connections, "stale_timeout": stale_timeout,
            "timeout": timeout}
    if engine == "sqlite":
        pragmas = {**SQLITE_PRAGMAS, "busy_timeout": timeout * 1000}
        # A pooled connection is used by one thread at a time, but not always the thread
        # that opened it: allow that (sqlite3 refuses it by default).
        return SqliteDatabase(name, pragmas=pragmas, check_same_thread=False, **pool,
                              **params)
    params.setdefault("connect_timeout", timeout)
    if engine == "postgresql":
        return PostgresqlDatabase(name, **pool, **params)
    params["password"] = params.pop("passwd", params.get("password", ""))
    params.setdefault("read_timeout", timeout)
    params.setdefault("write_timeout", MySQLDatabase.query_timeout)
    return MySQLDatabase(name, **pool, **params)


def init_database(settings) -> peewee.Database:
    """Point the proxy at the database named by the settings, and return it."""
    db = make_database(settings.DATABASE_URL, settings.POOL_MAX_CONNECTIONS,
                       settings.POOL_STALE_TIMEOUT, settings.POOL_TIMEOUT)
    if database.obj is not None:
        database.obj.close_all()  # the previous pool's connections would leak otherwise
    database.initialize(db)
    return db


def current_engine() -> str:
    """Name the engine the proxy points at."""
    db = database.obj
    if isinstance(db, peewee.SqliteDatabase):
        return "sqlite"
    if isinstance(db, peewee.PostgresqlDatabase):
        return "postgresql"
    return "mysql"


def reset_sequences(models) -> None:
    """After inserting rows with explicit ids, make the next new row get a fresh id.

    SQLite and MySQL continue after the largest id by themselves; a PostgreSQL serial
    column has a sequence that must be moved past it.
    """
    if current_engine() != "postgresql":
        return
    for model in models:
        key = model._meta.primary_key
        if isinstance(key, peewee.AutoField):
            table, column = model._meta.table_name, key.column_name
            database.execute_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                f"COALESCE(MAX({column}), 0) + 1, false) FROM {table}")


# -- transactions --

F = TypeVar("F", bound=Callable[..., Any])

# Errors after which running the same transaction again can succeed.
_RETRYABLE = ("deadlock", "could not serialize")


# SQLite has one writer at a time. Threads of this process queue here, blocked, instead
# of polling SQLite's busy handler: under a steady stream of writes that polling is
# unfair, and an unlucky writer can wait past the busy timeout ("database is locked").
_sqlite_writer = threading.RLock()


@contextlib.contextmanager
def transaction() -> Iterator[None]:
    """Open a write transaction (or a savepoint inside one).

    SQLite takes the write lock at BEGIN (IMMEDIATE): a transaction that first reads
    and then writes would otherwise fail with "database is locked" when another writer
    got there first, and no busy timeout can save it. PostgreSQL and MySQL lock rows
    as they are updated and need nothing special.
    """
    if isinstance(database.obj, peewee.SqliteDatabase):
        with _queue_for_sqlite(), database.atomic("IMMEDIATE"):
            yield
    else:
        with database.atomic():
            yield


@contextlib.contextmanager
def _queue_for_sqlite() -> Iterator[None]:
    """Wait for this process's turn to write, at most POOL_TIMEOUT (then 503)."""
    timeout = getattr(database.obj, "_wait_timeout", None) or 10
    if not _sqlite_writer.acquire(timeout=timeout):
        raise DatabaseUnavailable("the database is busy with other writes")
    try:
        yield
    finally:
        _sqlite_writer.release()


def transactional(fn: F) -> F:
    """Run fn in one transaction: all its writes commit together or none do.

    A deadlock or serialisation failure rolls back and runs fn again (up to three
    times), so callers see either success or a real error. Inside an outer
    transaction, fn simply joins it.
    """
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if database.in_transaction():
            return fn(*args, **kwargs)
        for attempt in range(3):
            try:
                with transaction():
                    return fn(*args, **kwargs)
            except peewee.OperationalError as exc:
                if attempt == 2 or not any(s in str(exc).lower() for s in _RETRYABLE):
                    raise
    return wrapper  # type: ignore[return-value]


# -- the connection a request borrows --

def is_unavailable_error(exc: BaseException) -> bool:
    """Tell whether an exception means "the database is down or out of connections"."""
    return isinstance(exc, (peewee.OperationalError, peewee.InterfaceError,
                            MaxConnectionsExceeded, DatabaseUnavailable))


def release_connection(broken: bool = False) -> None:
    """Return this thread's connection to the pool; discard it if it broke.

    Called after every request, whatever happened in it. A connection that failed with
    a server error is closed rather than handed to the next request.
    """
    db = database.obj
    if db is None or db.is_closed():
        return
    if broken:
        db.manual_close()
    else:
        db.close()


def pool_status() -> dict[str, int]:
    """Count pooled connections in use and idle (for /metrics and the system page)."""
    db = database.obj
    return {"in_use": len(db._in_use), "idle": len(db._connections),
            "max": db._max_connections or 0}


def ping() -> None:
    """Run a trivial query; raise DatabaseUnavailable if the database does not answer."""
    try:
        with database.connection_context():
            database.execute_sql("SELECT 1")
    except Exception as exc:
        if is_unavailable_error(exc):
            raise DatabaseUnavailable(describe_error(exc)) from exc
        raise


def describe_error(exc: BaseException) -> str:
    """Summarise a driver error in one line, without the SQL or parameters."""
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return message[:200]
