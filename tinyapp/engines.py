"""The engines: how a DATABASE_URL becomes a pooled peewee database, and how it misbehaves.

make_database turns a URL into a connection pool for SQLite, PostgreSQL or
MySQL/MariaDB, each tuned for a web app: SQLite in WAL mode; the servers with every
wait bounded (statement, lock and idle-transaction timeouts on the server, TCP
keepalives, a limit on how long tinyapp waits for any answer) and each pooled
connection checked before it is handed out. The functions at the end tell which
errors mean "run the transaction again" and which "the connection is gone".
tinyapp/db.py builds on this module; most code reads that one.
"""

import contextlib
import contextvars
import functools
import heapq
import os
import re
import select
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import peewee
from playhouse import db_url
from playhouse.pool import (
    MaxConnectionsExceeded,
    PoolConnection,
    PooledMySQLDatabase,
    PooledPostgresqlDatabase,
    PooledSqliteDatabase,
)

from tinyapp import files, querylog
from tinyapp.sqlite_writer import RolledBackWithAnother

ENGINES = {"sqlite": "sqlite", "postgres": "postgresql", "postgresql": "postgresql",
           "mysql": "mysql", "mariadb": "mysql"}

# SQLite settings chosen for a web app: readers never block the writer (WAL), foreign
# keys enforced, a commit survives power loss (synchronous=FULL), and a writer waits
# for the lock instead of failing at once (busy_timeout, set from POOL_TIMEOUT).
# SQLite reuses its WAL file from the start after each checkpoint and never makes it
# smaller; behind a long read (nothing can be checkpointed past it) the file grows with
# every write meanwhile, and would keep that size on the disk. journal_size_limit cuts
# it back once it starts over: to WAL_SIZE_LIMIT, four times what a WAL holds between
# two automatic checkpoints (1,000 pages), so everyday writes never pay for it.
WAL_SIZE_LIMIT = 16 * 2**20
SQLITE_PRAGMAS = {"journal_mode": "wal", "foreign_keys": 1, "synchronous": "full",
                  "cache_size": -16000, "temp_store": "memory",
                  "journal_size_limit": WAL_SIZE_LIMIT}


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


DEFAULT_PORTS = {"postgresql": 5432, "mysql": 3306}


def identity_of(url: str) -> str:
    """Name the data a URL reaches, without its credentials or options.

    Every process using one database gets the same name from its URL, and any other
    database gets another: an SQLite file's real path, or a server's host, port and
    database. The shared cache keys each database's entries by it (tinyapp/cache.py):
    two names for one database would be two caches, and one process's writes would
    leave the other's entries standing. So this machine is one host however a URL
    spells it (localhost, 127.0.0.1, ::1, or no host: the local socket); another
    server must be named alike in every process (README, "To scale out").
    """
    engine = engine_of(url)
    path = sqlite_path(url)
    if path is not None:
        return f"sqlite:{path.resolve()}"
    parts = urlsplit(url)
    port = parts.port or DEFAULT_PORTS[engine]
    host = (parts.hostname or "").lower()
    if host in THIS_MACHINE:
        host = "localhost"
    return f"{engine}://{host}:{port}{parts.path}"


THIS_MACHINE = frozenset({"", "localhost", "127.0.0.1", "::1"})  # names of the loopback



def make_database(url: str, max_connections: int = 20, stale_timeout: int = 300,
                  timeout: int = 10, statement_timeout: int = 0,
                  wait_limit: float | None = None) -> peewee.Database:
    """Build a pooled database from a URL; nothing connects until the first query.

    ``postgresql://`` and ``postgresql+pool://`` (likewise ``mysql``, ``sqlite``) both
    give a pool: a web app should never open a connection per request. ``timeout``
    bounds the wait for a connection, ``statement_timeout`` (0: none) every statement
    on a server (see _ServerDatabase). ``wait_limit``: without a statement timeout,
    how long tinyapp still waits for any one answer (a backup job's long statements
    may run, but a network gone silent must not hold it forever); None: no limit.
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
        params.update(_postgresql_options(statement_timeout, timeout, wait_limit))
        database = PostgresqlDatabase(name, **pool, **params)
    else:
        params["password"] = params.pop("passwd", params.get("password", ""))
        params.setdefault("read_timeout", timeout)
        database = MySQLDatabase(name, **pool, **params)
    database.statement_timeout, database.wait_limit = statement_timeout, wait_limit
    return database


_writes: contextvars.ContextVar[set | None] = contextvars.ContextVar("tinyapp_writes",
                                                                   default=None)
_WRITE = re.compile(r'\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)'
                    r'\s+[`"]?(\w+)', re.IGNORECASE)


@contextlib.contextmanager
def recording_writes() -> Iterator[set[str]]:
    """Collect the names of the tables the statements of the block write to.

    The unit of work uses it to know, from the SQL itself, whose cached results to drop.
    """
    tables: set[str] = set()
    token = _writes.set(tables)
    try:
        yield tables
    finally:
        _writes.reset(token)


def _note_written(sql: str) -> None:
    """Note the table a statement writes, inside a ``recording_writes`` block."""
    tables = _writes.get()
    if tables is not None and (table := _table_written_by(sql)) is not None:
        tables.add(table)


@functools.lru_cache(maxsize=5000)
def _table_written_by(sql: str) -> str | None:
    """The table a statement text writes (None: it reads). Kept per text: prepared
    statements and bulk inserts (an order runs about twenty) run the same texts again
    and again, and look theirs up instead of matching the pattern anew."""
    written = _WRITE.match(sql)
    return written.group(1) if written else None


class _Timed:
    """Mixin that times every statement for the query log, and notes the tables written."""

    def execute_sql(self, sql, params=None, *args, **kwargs):
        _note_written(sql)
        started = time.perf_counter()
        try:
            return super().execute_sql(sql, params, *args, **kwargs)
        finally:
            querylog.record(sql, params, time.perf_counter() - started)

    # Transaction control is a statement too: a COMMIT waits for the disk (and, on a
    # server, the network), a BEGIN on SQLite for another program's write lock.
    def begin(self, *args, **kwargs):
        with querylog.timed("BEGIN"):
            return super().begin(*args, **kwargs)

    def commit(self):
        with querylog.timed("COMMIT"):
            return super().commit()

    def rollback(self):
        with querylog.timed("ROLLBACK"):
            return super().rollback()

    def execute_and_read(self, sql: str, params):
        """Run a statement whose results the caller reads before running another one
        (tinyapp/prepared.py, tinyapp/bulk.py). SQLite runs it on a cursor kept per
        connection (below); the servers' ``execute_sql`` does more (reconnecting a
        dropped connection, MariaDB's CHECK errors), so it is theirs."""
        return self.execute_sql(sql, params)


class SqliteDatabase(_Timed, PooledSqliteDatabase):
    def execute_and_read(self, sql: str, params):
        """``execute_sql`` (timed, its table noted, driver errors turned into peewee's)
        on one cursor kept per connection, for a statement whose results the caller
        reads before running another one, without a new cursor and peewee's layers for
        each: an order runs about twenty. That path cost 2.5 µs a statement over the
        driver's own 0.4 µs, half of it the new cursor.
        """
        _note_written(sql)
        state = self._state
        if state.closed:
            self.connect()
        kept = getattr(state, "kept_cursor", None)
        if kept is None or kept[0] is not state.conn:
            kept = state.kept_cursor = (state.conn, state.conn.cursor())
        started = time.perf_counter()
        try:
            with peewee.__exception_wrapper__:
                kept[1].execute(sql, params)
        finally:
            querylog.record(sql, params, time.perf_counter() - started)
        return kept[1]

    def open_unpooled(self):
        """A connection set up like the pool's (pragmas, functions), kept outside it: the
        writer's (tinyapp/sqlite_writer.py)."""
        self._create_private_file()
        with self._saying_why_it_cannot_open():
            return peewee.SqliteDatabase._connect(self)

    @contextlib.contextmanager
    def _saying_why_it_cannot_open(self) -> Iterator[None]:
        """Name a full disk where SQLite, failing to open, says "disk I/O error".

        The first connection after a restart makes the WAL's shared-memory file (-shm),
        without which no one can read; on a full disk it cannot, and the operator would
        go looking for a failing disk (tests/reliability/test_disk.py).
        """
        try:
            yield
        except sqlite3.OperationalError as exc:
            if "disk I/O error" not in str(exc) or not _nearly_full(self.database):
                raise
            raise sqlite3.OperationalError(
                f"{exc}: the disk holding the database is full; it opens again once "
                "there is room") from exc

    def _create_private_file(self) -> None:
        if self.database != ":memory:" and not self.database.startswith("file:"):
            with contextlib.suppress(OSError):  # e.g. no folder: SQLite says so itself
                files.private_file(Path(self.database))

    def _connect(self):
        # SQLite would create a missing file with the umask's mode (often 0644, readable
        # by every local user); create it owner-only first. -wal and -shm follow its mode.
        # Only when the pool opens a new connection (it has no idle one to hand out).
        if not self._connections:
            self._create_private_file()
        with self._saying_why_it_cannot_open():
            return super()._connect()

    def rollback(self):
        # After a full disk or an I/O error SQLite has already rolled back by itself;
        # a ROLLBACK then fails ("no transaction is active") and hides the real error.
        if not self.is_closed() and not self.connection().in_transaction:
            return None
        return super().rollback()


NEARLY_FULL_BYTES = 1 << 20  # free space below which an I/O error is blamed on the disk


def _nearly_full(database_path: str) -> bool:
    """Whether the filesystem holding an SQLite file has (almost) no room left."""
    try:
        room = os.statvfs(Path(database_path).parent)
    except OSError:
        return False
    return room.f_bavail * room.f_frsize < NEARLY_FULL_BYTES


# -- PostgreSQL and MySQL/MariaDB: a server at the other end of a socket --

# TCP keepalives, so that a silently vanished peer (a pulled cable, a crashed host) is
# noticed within about KEEPALIVE_IDLE + KEEPALIVE_INTERVAL * KEEPALIVE_COUNT seconds.
KEEPALIVE_IDLE, KEEPALIVE_INTERVAL, KEEPALIVE_COUNT = 10, 5, 3
# The server stops a statement at STATEMENT_TIMEOUT and says so at once; tinyapp gives
# its answer this much longer to arrive before it drops the connection itself.
ANSWER_MARGIN = 1.0


class _ServerDatabase:
    """What tinyapp asks of a database server's connections (mixin for both engines).

    - bounded: every statement ends within ``statement_timeout`` on the server (lock
      waits within half of it), an open transaction left idle that long is rolled
      back (its locks freed), and tinyapp waits at most ``answer_limit`` seconds for
      any answer, so a stalled network or a hung server cannot hold a thread;
    - checked: a pooled connection is handed out only if its socket has not been
      closed by the server meanwhile (``pg_terminate_backend``, ``KILL``, a restart);
      the check reads no data and costs no round trip;
    - reconnected: a statement outside a transaction that finds its connection
      dropped runs again on a fresh connection, up to ATTEMPTS times (transactions
      are run again as a whole by the unit of work, tinyapp/unit_of_work.py).
    """

    statement_timeout = 0  # seconds; 0: no limit (make_database sets it)
    wait_limit: float | None = None  # without a statement timeout (make_database sets it)
    # Whether a statement outside a transaction runs again on a fresh connection. A
    # backup job says no: its snapshot is a transaction peewee does not know of.
    reconnects = True
    _opening = 0  # connections being opened right now (they count towards the pool's max)

    @property
    def answer_limit(self) -> float | None:
        return answer_limit(self.statement_timeout) or self.wait_limit

    @property
    def lock_wait_limit(self) -> int:
        return lock_wait_limit(self.statement_timeout)

    def connect(self, reuse_if_open=False):
        # peewee and playhouse open a new connection while holding locks every thread
        # shares: one connect to a stalled server would make all of them wait in turn.
        # The same steps, with the pool's lock held only to take or count a connection.
        if not self._state.closed:
            if reuse_if_open:
                return False
            raise peewee.OperationalError("Connection already opened.")
        deadline = time.monotonic() + (self._wait_timeout or 0)
        token = _connect_by.set(deadline)  # a new connection is opened within it too
        try:
            while (conn := self._checkout()) is None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise MaxConnectionsExceeded("Exceeded maximum connections.")
                with self._pool_available:
                    self._pool_available.wait(timeout=min(remaining, 1.0))
        finally:
            _connect_by.reset(token)
        self._state.reset()
        self._state.set_connection(conn)
        with peewee.__exception_wrapper__:
            if self.server_version is None:
                self._set_server_version(conn)
        return True

    def _checkout(self):
        """Hand out an idle pooled connection, or a new one; None when all are in use."""
        with self._pool_lock:
            while self._connections:
                _, _, conn = heapq.heappop(self._connections)
                if self._is_closed(conn):
                    continue
                self._in_use[self.conn_key(conn)] = PoolConnection(time.time(), conn,
                                                                   time.time())
                return conn
            if self._max_connections and len(self._in_use) + self._opening >= \
                    self._max_connections:
                return None
            self._opening += 1
        try:
            with peewee.__exception_wrapper__:
                conn = self._open_connection()
                self._initialize_connection(conn)
        finally:
            with self._pool_lock:
                self._opening -= 1
        with self._pool_lock:
            self._in_use[self.conn_key(conn)] = PoolConnection(time.time(), conn, time.time())
        return conn

    def execute_sql(self, sql, params=None, *args, **kwargs):
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return super().execute_sql(sql, params, *args, **kwargs)
            except (peewee.OperationalError, peewee.InterfaceError) as exc:
                if attempt == ATTEMPTS or not self.reconnects or self.in_transaction() \
                        or not is_connection_lost(exc):
                    raise
                self.discard_connection()

    def rollback(self):
        # A dropped connection's transaction is rolled back by the server already; a
        # ROLLBACK on it would fail and hide the error that explains what happened.
        try:
            return super().rollback()
        except (peewee.OperationalError, peewee.InterfaceError) as exc:
            if not is_connection_lost(exc):
                raise
            return None

    def discard_connection(self) -> None:
        """Close this thread's connection for good, and the idle ones with it.

        A server that dropped one connection has usually dropped them all (a restart,
        a failover, an operator ending every session): the next statement opens anew.
        """
        if not self.is_closed():
            self.manual_close()
        self.close_idle()

    def wait_for_session_end(self, session_id: int, limit: float) -> bool:
        """Wait until the server has ended a session (at most limit seconds); True if it has."""
        deadline = time.monotonic() + limit
        while self.execute_sql(self.session_alive_sql, (session_id,)).fetchone()[0]:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True


# When the connection being opened must be ready: the end of the wait for a pooled
# connection (POOL_TIMEOUT). A request that waited for a free slot and then opens a new
# connection to a stalled server gives up at that one deadline, not twice as late.
_connect_by: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "tinyapp_connect_by", default=None)
MIN_CONNECT_WAIT = 0.1  # seconds: a last chance for a server that answers at once


def connect_wait(limit: float) -> float:
    """Seconds a new connection may take: limit, or less when the pool wait ends sooner."""
    deadline = _connect_by.get()
    if deadline is None:
        return limit
    return max(MIN_CONNECT_WAIT, min(limit, deadline - time.monotonic()))


def answer_limit(statement_timeout: int) -> float | None:
    """Seconds tinyapp waits for a server's answer, or None for no limit."""
    return statement_timeout + ANSWER_MARGIN if statement_timeout else None


def lock_wait_limit(statement_timeout: int) -> int:
    """Seconds a statement may wait for a row lock; then its transaction is run again."""
    return max(1, statement_timeout // 2)


def _closed_by_server(fileno: int) -> bool:
    """Tell whether an idle connection's socket was closed by the other end.

    An idle connection has nothing to read: if the socket is readable, the server has
    hung up (or sent its last words before doing so). poll() reads nothing.
    """
    poller = select.poll()
    poller.register(fileno, select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))


def _set_keepalive(sock: socket.socket, answer_limit: float | None) -> None:
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    for option, value in (("TCP_KEEPIDLE", KEEPALIVE_IDLE), ("TCP_KEEPINTVL", KEEPALIVE_INTERVAL),
                          ("TCP_KEEPCNT", KEEPALIVE_COUNT)):
        if hasattr(socket, option):  # Linux names; other systems keep their defaults
            sock.setsockopt(socket.IPPROTO_TCP, getattr(socket, option), value)
    if answer_limit and hasattr(socket, "TCP_USER_TIMEOUT"):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, int(answer_limit * 1000))


class PostgresqlDatabase(_ServerDatabase, _Timed, PooledPostgresqlDatabase):
    session_alive_sql = "SELECT COUNT(*) FROM pg_stat_activity WHERE pid = %s"

    def _open_connection(self):
        return peewee.PostgresqlDatabase._connect(self)

    def _is_closed(self, conn):
        return bool(conn.closed) or _closed_by_server(conn.fileno())

    def session_id(self) -> int:
        """The server's id for this thread's connection (known locally: no round trip)."""
        return self.connection().info.backend_pid


class MySQLDatabase(_ServerDatabase, _Timed, PooledMySQLDatabase):
    # MySQL's plain DATETIME drops microseconds; keep them, as the other engines do.
    field_types = {**PooledMySQLDatabase.field_types, "DATETIME": "DATETIME(6)"}
    session_alive_sql = "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = %s"

    def session_id(self) -> int:
        """The server's id for this thread's connection (known locally: no round trip)."""
        return self.connection().thread_id()

    def execute_sql(self, sql, params=None, *args, **kwargs):
        # MariaDB reports a failed CHECK constraint as an OperationalError (4025), which
        # would read as "database unavailable"; it is a broken rule, as on the others.
        try:
            return super().execute_sql(sql, params, *args, **kwargs)
        except peewee.OperationalError as exc:
            if _mysql_code(exc) == 4025:
                raise peewee.IntegrityError(*exc.args) from exc
            raise

    def _can_reuse(self, conn):
        # playhouse looks for a flag PyMySQL lacks, so it sent a ROLLBACK at every
        # check-in: a round trip, under the pool's lock (a stalled server stalled every
        # thread). The server reports in every answer whether a transaction is open.
        server_status_in_trans = 1  # pymysql.constants.SERVER_STATUS.SERVER_STATUS_IN_TRANS
        if not conn.server_status & server_status_in_trans:
            return True
        return super()._can_reuse(conn)

    def _is_closed(self, conn):
        # Instead of playhouse's ping (a round trip per request, and a stall per idle
        # connection when the network hangs): has the server closed the socket?
        return not conn.open or conn._sock is None or _closed_by_server(conn._sock.fileno())

    def _open_connection(self):
        # PyMySQL waits read_timeout, not connect_timeout, for the server's greeting, so
        # the connection is opened with the short timeout (POOL_TIMEOUT, or what is
        # left of the request's wait for a connection) and only then given the one
        # that statements need.
        if peewee.mysql is None:  # the CLI turns this into the pip command that installs it
            raise peewee.ImproperlyConfigured("MySQL driver not installed!")
        wait = connect_wait(self.connect_params["connect_timeout"])
        conn = peewee.mysql.connect(database=self.database, autocommit=True, **{
            **self.connect_params, "connect_timeout": wait, "read_timeout": wait})
        conn._read_timeout = conn._write_timeout = self.answer_limit
        _set_keepalive(conn._sock, self.answer_limit)
        return conn

    def _initialize_connection(self, conn):
        if not self.statement_timeout:
            return
        if "mariadb" in conn.get_server_info().lower():
            limits = (f"max_statement_time = {self.statement_timeout}, "
                      f"idle_transaction_timeout = {self.statement_timeout}, ")
        else:  # MySQL: SELECTs only, in milliseconds; no idle-transaction limit
            limits = f"max_execution_time = {self.statement_timeout * 1000}, "
        with conn.cursor() as cursor:
            cursor.execute(f"SET SESSION {limits}"
                           f"innodb_lock_wait_timeout = {self.lock_wait_limit}")


def _mysql_code(exc: BaseException) -> int | None:
    """The MySQL/MariaDB error number behind an exception (1213, 2013 ...), if any."""
    error = _driver_error(exc)
    code = error.args[0] if error.args else None
    return code if isinstance(code, int) else None


def _postgresql_options(statement_timeout: int, connect_wait: int,
                        wait_limit: float | None = None) -> dict:
    """libpq parameters: server-side limits, TCP keepalives, the bounded waits."""
    answer = answer_limit(statement_timeout) or wait_limit
    params = {"keepalives": 1, "keepalives_idle": KEEPALIVE_IDLE,
              "keepalives_interval": KEEPALIVE_INTERVAL, "keepalives_count": KEEPALIVE_COUNT,
              "connection_factory": _bounded_postgresql_connection(connect_wait, answer)}
    if statement_timeout:
        ms, lock_ms = statement_timeout * 1000, lock_wait_limit(statement_timeout) * 1000
        params["options"] = (f"-c statement_timeout={ms} -c lock_timeout={lock_ms} "
                             f"-c idle_in_transaction_session_timeout={ms}")
        params["tcp_user_timeout"] = int(answer * 1000)
    return params


def _bounded_postgresql_connection(connect_wait: float, answer_limit: float | None):
    """A psycopg2 connection class whose every wait for the server is bounded.

    libpq itself waits for an answer as long as it takes. psycopg2 lets one function
    do all its waiting (a "wait callback"): tinyapp's waits at most connect_wait for a
    new connection and answer_limit for each answer, then gives up, and psycopg2
    closes the connection. The limits travel as attributes of the connection's class.
    """
    try:
        import psycopg2.extensions
    except ImportError:  # the CLI turns this into the pip command that installs it
        raise peewee.ImproperlyConfigured("psycopg2 postgres driver not found.") from None
    psycopg2.extensions.set_wait_callback(_wait_for_postgresql)
    return type("BoundedConnection", (psycopg2.extensions.connection,),
                {"connect_wait": connect_wait, "answer_limit": answer_limit})


def _wait_for_postgresql(conn) -> None:
    """psycopg2's wait callback: poll the connection until done, within its limits."""
    import psycopg2
    import psycopg2.extensions as pg

    connecting = conn.status == pg.STATUS_SETUP
    # The callback is the whole process's: a connection of another class has no limits.
    limit = getattr(conn, "connect_wait" if connecting else "answer_limit", None)
    if connecting and limit is not None:
        limit = connect_wait(limit)
    deadline = None if limit is None else time.monotonic() + limit
    while (state := conn.poll()) != pg.POLL_OK:
        if state not in (pg.POLL_READ, pg.POLL_WRITE):
            raise psycopg2.OperationalError(f"unexpected state {state} from psycopg2")
        poller = select.poll()
        poller.register(conn.fileno(), select.POLLIN if state == pg.POLL_READ
                        else select.POLLOUT)
        remaining = None if deadline is None else deadline - time.monotonic()
        if remaining is not None and (remaining <= 0 or not poller.poll(remaining * 1000)):
            what = "connect" if connecting else "answer"
            raise psycopg2.OperationalError(f"the database server did not {what} within "
                                            f"{limit:g} s") from TimeoutError(what)
        if remaining is None:
            poller.poll()


# The SQLite driver peewee uses: pysqlite3 when installed with a newer SQLite (the
# `sqlite` extra), else Python's own sqlite3. Everything in tinyapp that opens a
# SQLite file uses this one: two SQLite libraries on one file in one process can
# break each other's locks.
sqlite3 = peewee.sqlite3

# sqlite.org/wal.html#walresetbug: from 3.7.0 to 3.51.2, two connections writing and
# checkpointing a WAL database at once can corrupt it; fixed in 3.51.3.
WAL_RESET_BUG = ((3, 7, 0), (3, 51, 3))


def has_wal_reset_bug(version: tuple[int, ...]) -> bool:
    """Tell whether a SQLite version (3, 40, 1) is one with the WAL-reset bug."""
    return WAL_RESET_BUG[0] <= tuple(version) < WAL_RESET_BUG[1]


def sqlite_library_warning() -> str | None:
    """Say what to do if this process's SQLite library has the WAL-reset bug, else None."""
    if not has_wal_reset_bug(sqlite3.sqlite_version_info):
        return None
    return (f"SQLite {sqlite3.sqlite_version} has the WAL-reset bug (3.7.0 to 3.51.2: two "
            "connections writing and checkpointing at once can corrupt the database; see "
            "sqlite.org/wal.html#walresetbug). Install a fixed build: pip install "
            "'pysqlite3>=0.6.1' (tinyapp's sqlite extra, which bundles SQLite 3.53), then "
            "restart tinyapp.")


def exact_collation(db: peewee.Database) -> str:
    """Name the MySQL/MariaDB collation that compares text exactly (binary, NO PAD).

    tinyapp's text compares character for character on every engine, so that unique
    means the same everywhere (see migrations/0004_exact_text.py).
    """
    for name in ("utf8mb4_nopad_bin", "utf8mb4_0900_bin"):  # MariaDB's name, MySQL 8's
        found = db.execute_sql("SELECT COUNT(*) FROM information_schema.COLLATIONS "
                               "WHERE COLLATION_NAME = %s", (name,)).fetchone()[0]
        if found:
            return name
    return "utf8mb4_bin"  # older servers: binary, but blind to trailing spaces


ATTEMPTS = 3  # how many times a transaction runs before its conflict is the caller's

# Error numbers after which running the whole transaction again can succeed.
# PostgreSQL SQLSTATEs: deadlock, serialization failure, lock_timeout.
_RETRYABLE_SQLSTATES = {"40P01", "40001", "55P03"}
# MySQL/MariaDB: deadlock (1213; InnoDB has rolled the whole transaction back), lock wait
# timeout (1205), "record has changed" (1020, MariaDB 11.6+ snapshot isolation), and
# "SAVEPOINT does not exist" (1305): the after-effect of a deadlock inside a savepoint,
# whose rollback took the savepoint with it.
_RETRYABLE_MYSQL = {1213, 1205, 1020, 1305}
# MySQL/MariaDB: the connection is gone (server gone away, lost during a query, killed).
_LOST_MYSQL = {0, 1927, 2006, 2013, 2055, 4031}


def is_retryable(exc: BaseException) -> bool:
    """Tell whether running the whole transaction again may succeed where exc failed it.

    True for deadlocks, lock wait timeouts and serialization failures on every engine,
    for MariaDB's "SAVEPOINT ... does not exist" after a deadlock, and on SQLite for a
    unit whose shared transaction another unit's error ended (tinyapp/sqlite_writer.py).
    A dropped connection is a different question (is_connection_lost): running again is
    safe only if the COMMIT was never sent.
    """
    if not isinstance(exc, peewee.DatabaseError) or isinstance(exc, peewee.IntegrityError):
        return False
    if isinstance(exc, RolledBackWithAnother):  # SQLite: another unit's error ended it
        return True
    error = _driver_error(exc)
    if getattr(error, "pgcode", None) in _RETRYABLE_SQLSTATES:
        return True
    return _mysql_code(exc) in _RETRYABLE_MYSQL


def is_connection_lost(exc: BaseException) -> bool:
    """Tell whether exc means the connection was closed (killed, restarted, dropped).

    Not when tinyapp itself gave up waiting (a stalled server): trying again would only
    wait again. SQLite has no connection to lose.
    """
    if not isinstance(exc, (peewee.OperationalError, peewee.InterfaceError)) or _timed_out(exc):
        return False
    error = _driver_error(exc)
    if hasattr(error, "pgcode"):  # psycopg2: no SQLSTATE at all means the socket failed
        return error.pgcode is None or error.pgcode.startswith(("08", "57P"))
    return _mysql_code(exc) in _LOST_MYSQL


def _driver_error(exc: BaseException) -> BaseException:
    """The driver's own exception, which peewee keeps as ``orig`` when it wraps one."""
    return getattr(exc, "orig", None) or exc


def _timed_out(exc: BaseException) -> bool:
    """Tell whether tinyapp itself gave up waiting (a TimeoutError behind exc's driver error).

    Only that error and what directly caused it: a later error about the connection the
    timeout closed ("connection already closed") is a lost connection, not a time-out.
    """
    error = _driver_error(exc)
    return any(isinstance(e, TimeoutError) for e in (error, error.__cause__, error.__context__))


