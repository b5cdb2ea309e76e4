"""The database: a connection pool built from DATABASE_URL, owned by the app that made it.

Read this module to see how a URL becomes a connection pool (make_database), how SQLite
is tuned, how a request or command borrows a connection and gives it back
(Database.connection), and how a write transaction begins (Database.transaction).
Writing goes through the unit of work (tinyapp/unit_of_work.py), which uses both.

``create_app`` and the command line each make a ``Database`` of their own; nothing is
shared between two of them. Peewee models need *a* database to run on, so they are all
bound to ``database`` below, which stands for "the Database bound to this request or
command" (``Database.bound()``, a context variable, so each thread and each app sees
its own): code never re-points it.
"""

import contextlib
import contextvars
import datetime as dt
import zoneinfo
from collections.abc import Callable, Iterator
from typing import Any

import peewee
from playhouse.pool import MaxConnectionsExceeded

from tinyapp import cache
from tinyapp.context import given
from tinyapp.engines import (  # noqa: F401 - the database's vocabulary, in one place
    ANSWER_MARGIN,
    SQLITE_PRAGMAS,
    WAL_SIZE_LIMIT,
    answer_limit,
    engine_of,
    exact_collation,
    has_wal_reset_bug,
    identity_of,
    is_connection_lost,
    is_retryable,
    make_database,
    recording_writes,
    sqlite3,
    sqlite_library_warning,
    sqlite_path,
)
from tinyapp.sqlite_writer import SQLiteWriter

_bound: contextvars.ContextVar["Database | None"] = contextvars.ContextVar(
    "tinyapp_database", default=None)


class BoundDatabase(peewee.DatabaseProxy):
    """What every model is bound to: the Database bound to the running request or command.

    A peewee proxy whose target is not set once for the process (``initialize``), but
    looked up in a context variable: each thread, and each of two apps in one process,
    sees the Database it bound with ``Database.bound()``.
    """

    __slots__ = ()

    def __init__(self):  # no state of its own: Proxy's would be process-wide
        pass

    @property
    def obj(self) -> peewee.Database | None:
        bound = _bound.get()
        return None if bound is None else bound.peewee

    def initialize(self, obj) -> None:
        raise TypeError("bind a tinyapp.db.Database with `with database.bound():` instead")

    def attach_callback(self, callback):
        return callback  # models' field hooks: nothing to attach to


database = BoundDatabase()

# Ids are INTEGER columns: 32 bits on PostgreSQL and MySQL. A larger number in a URL can
# name no row, and drivers refuse to send it (SQLite: OverflowError; PostgreSQL: out of
# range), so the route guard answers 404 before any query sees it.
MAX_ID = 2**31 - 1


class DatabaseUnavailable(Exception):
    """The database cannot be reached or has no free connection; try again later."""


class Database:
    """tinyapp's database: a pool for one URL, the connections it lends, the transactions it begins.

    Made by ``create_app`` (one per app) and by the command line (one per command);
    ``bound()`` makes it the database the models use for a block of code.
    """

    def __init__(self, url: str, max_connections: int = 20, stale_timeout: int = 300,
                 timeout: int = 10, cache_url: str = "memory://", statement_timeout: int = 0,
                 timezone: str = "UTC"):
        self.url = url
        # The shop's business day ("today", sales per day) is a day in this zone.
        self.timezone = dt.UTC if timezone == "UTC" else zoneinfo.ZoneInfo(timezone)
        self.engine = engine_of(url)
        self.timeout = timeout
        self.peewee = make_database(url, max_connections, stale_timeout, timeout,
                                    statement_timeout)
        # SQLite has one writer at a time: this app's units of work take turns on one
        # writer connection, queued instead of polling SQLite's busy handler (unfair
        # under a steady stream of writes), and commit together (tinyapp/sqlite_writer.py).
        self._writer = SQLiteWriter(self.peewee, self.peewee.open_unpooled, timeout,
                                    busy=DatabaseUnavailable) if self.engine == "sqlite" else None
        # What is cached about this database's data (tinyapp/cache.py).
        self.cache = cache.make_cache(cache_url, identity_of(url))
        # Called with each unit of work after it commits (tinyapp/unit_of_work.py).
        self.after_commit: list[Callable[[Any], None]] = []

    @classmethod
    def from_settings(cls, settings) -> "Database":
        return cls(settings.DATABASE_URL, settings.POOL_MAX_CONNECTIONS,
                   settings.POOL_STALE_TIMEOUT, settings.POOL_TIMEOUT, settings.CACHE_URL,
                   settings.STATEMENT_TIMEOUT, settings.TIMEZONE)

    def bound(self) -> given:
        """Make this the database the models use in this thread (and its cache), for the block."""
        return given((_bound, self), (cache.CURRENT, self.cache))

    @contextlib.contextmanager
    def connection(self) -> Iterator[None]:
        """Borrow a pooled connection for the block, and give it back after it.

        Inside a block that holds one already (a request, a command), the block uses
        that one and leaves it to the outer block to give back.
        """
        if not self.peewee.is_closed():
            yield
            return
        try:
            self.peewee.connect()
        except MaxConnectionsExceeded as exc:
            raise DatabaseUnavailable("every database connection is in use") from exc
        with self._given_back_after():
            yield

    @contextlib.contextmanager
    def lending(self) -> Iterator[None]:
        """Lend a pooled connection to the block if it needs one, and take it back after it.

        What a request gets (the route guard): its first query borrows the connection
        (peewee opens one on demand), the block's end gives it back. A request answered
        from the cache (a list page, an API token) then needs no database at all, and is
        served while the database is away.
        """
        if not self.peewee.is_closed():
            yield
            return
        with self._given_back_after():
            yield

    @contextlib.contextmanager
    def _given_back_after(self) -> Iterator[None]:
        """Give this thread's connection (if the block has one) back when the block ends."""
        broken = False
        try:
            yield
        except BaseException as exc:
            broken = is_unavailable_error(exc)
            raise
        finally:
            self.give_back(broken)

    def give_back(self, broken: bool = False) -> None:
        """Return this thread's connection to the pool; close it instead if it broke.

        A connection that failed with a server error is not handed to the next user.
        """
        if self.peewee.is_closed():
            return
        if broken:
            self.peewee.manual_close()
        else:
            self.peewee.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Begin a write transaction (or a savepoint inside one); commit at the end.

        On SQLite the block is a turn on the writer connection (tinyapp/sqlite_writer.py):
        after this app's other writers, in a transaction begun IMMEDIATE (the write lock
        at once: a transaction that first reads and then writes would otherwise fail
        with "database is locked" when another writer got there first, and no busy
        timeout can save it), maybe shared with the writers queued behind it, and
        committed before the block returns. PostgreSQL and MySQL lock rows as they are
        updated and need nothing special.
        """
        if self.engine != "sqlite":
            with self.peewee.atomic():
                yield
            return
        if self.peewee.in_transaction():
            with self.peewee.atomic():
                yield
            return
        with self._writer.turn():
            yield

    def pool_status(self) -> dict[str, int]:
        """Count pooled connections in use and idle (for /metrics and the system page)."""
        pool = self.peewee
        return {"in_use": len(pool._in_use), "idle": len(pool._connections),
                "max": pool._max_connections or 0}

    def ping(self) -> None:
        """Run a trivial query; raise DatabaseUnavailable if the database does not answer."""
        try:
            with self.connection():
                self.peewee.execute_sql("SELECT 1")
        except Exception as exc:
            if is_unavailable_error(exc):
                raise DatabaseUnavailable(describe_error(exc)) from exc
            raise

    def reconnect(self) -> None:
        """Replace this thread's connection, which the server dropped, with a fresh one.

        A unit of work runs again after a lost connection; when it runs inside a block
        that borrowed the connection (a request), that block keeps a live one, so what
        it reads after the write works too. The pool's other idle ones are checked too.
        """
        held = not self.peewee.is_closed()
        if held:
            self.peewee.manual_close()  # dead: never back into the pool
        self.peewee.close_idle()
        if held:
            self.peewee.connect()

    def close(self) -> None:
        """Close every pooled connection, and SQLite's writer (when the app or command ends)."""
        self.peewee.close_all()
        if self._writer is not None:
            self._writer.close()


def bound_database() -> "Database | None":
    """The Database bound to this request or command, or None outside of one."""
    return _bound.get()


def current() -> Database:
    """The Database bound to this request or command; a RuntimeError names the mistake."""
    bound = _bound.get()
    if bound is None:
        raise RuntimeError("no tinyapp database is bound here: wrap the code in "
                           "`with tinyapp_database.bound():` (a Database made by create_app "
                           "or Database.from_settings)")
    return bound


def current_engine() -> str:
    """Name the engine the proxy points at."""
    db = database.obj
    if isinstance(db, peewee.SqliteDatabase):
        return "sqlite"
    if isinstance(db, peewee.PostgresqlDatabase):
        return "postgresql"
    return "mysql"


def reset_sequences(models, db: peewee.Database | None = None) -> None:
    """After inserting rows with explicit ids, make the next new row get a fresh id.

    SQLite and MySQL continue after the largest id by themselves; a PostgreSQL serial
    column has a sequence that must be moved past it. db defaults to the app's.
    """
    db = db or database.obj
    if not isinstance(db, peewee.PostgresqlDatabase):
        return
    for model in models:
        key = model._meta.primary_key
        if isinstance(key, peewee.AutoField):
            table, column = model._meta.table_name, key.column_name
            db.execute_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                f"COALESCE(MAX({column}), 0) + 1, false) FROM {table}")


# -- transactions --

def transaction():
    """Begin a write transaction on the bound database (see Database.transaction)."""
    return current().transaction()


def locking(query: peewee.Select) -> peewee.Select:
    """Make a read inside a transaction lock the rows it reads until the commit.

    PostgreSQL and MySQL get ``SELECT ... FOR UPDATE``: a concurrent transaction reading
    the same rows this way waits, then sees the committed result. SQLite needs (and
    has) nothing: its write transactions hold the whole database from BEGIN IMMEDIATE.
    """
    if isinstance(database.obj, peewee.SqliteDatabase):
        return query
    return query.for_update()


# -- the connection a request borrows --

def is_unavailable_error(exc: BaseException) -> bool:
    """Tell whether an exception means "the database is down or out of connections"."""
    return isinstance(exc, (peewee.OperationalError, peewee.InterfaceError,
                            MaxConnectionsExceeded, DatabaseUnavailable))


def describe_error(exc: BaseException) -> str:
    """Summarise a driver error in one line, without the SQL or parameters."""
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return message[:200]
