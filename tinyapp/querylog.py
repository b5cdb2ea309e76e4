"""What the ORM sent to the database: per-request counts and times, and slow queries.

The database classes in ``db.py`` call ``record()`` after every statement. A request
(or a test) opens ``track()`` to collect its statements; queries slower than
``SLOW_QUERY_MS`` are logged and kept for the system page wherever they run.
"""

import collections
import contextlib
import contextvars
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from tinyapp.context import given

log = logging.getLogger("tinyapp.sql")

_current: contextvars.ContextVar["QueryLog | None"] = contextvars.ContextVar(
    "querylog", default=None)
_slow_lock = threading.Lock()
_slow: collections.deque["SlowQuery"] = collections.deque(maxlen=50)
_threshold = {"ms": 200.0}


@dataclass
class Query:
    sql: str
    ms: float
    params: tuple = field(default=(), repr=False)  # kept for EXPLAIN, never shown or logged


@dataclass
class SlowQuery:
    at: float
    sql: str
    ms: float
    request_id: str
    params: tuple = field(default=(), repr=False)


@dataclass
class QueryLog:
    """The statements of one request: always counted and timed, kept when asked."""

    keep_statements: bool = False
    request_id: str = "-"
    count: int = 0
    seconds: float = 0.0
    statements: list[Query] = field(default_factory=list)


def set_slow_threshold(ms: float) -> None:
    """Log queries slower than ms milliseconds (0 logs every query)."""
    _threshold["ms"] = float(ms)


def track(keep_statements: bool = False, request_id: str = "-") -> given:
    """Collect the statements run in this context (thread) into a QueryLog (``as`` it)."""
    return given((_current, QueryLog(keep_statements=keep_statements, request_id=request_id)))


def record(sql: str, params, seconds: float) -> None:
    """Count one statement; log it if slow. Parameters are never logged."""
    entry = _current.get()
    if entry is not None:
        entry.count += 1
        entry.seconds += seconds
        if entry.keep_statements:
            entry.statements.append(Query(sql, seconds * 1000, tuple(params or ())))
    ms = seconds * 1000
    if ms >= _threshold["ms"]:
        request_id = entry.request_id if entry else "-"
        log.warning("slow query %.1f ms [%s]: %s", ms, request_id, shortened(sql))
        with _slow_lock:
            _slow.append(SlowQuery(time.time(), sql, ms, request_id, tuple(params or ())))


@contextlib.contextmanager
def timed(sql: str) -> Iterator[None]:
    """Record the block as one statement (a driver's COMMIT, which is no execute call)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        record(sql, (), time.perf_counter() - started)


LOGGED_SQL_CHARS = 300  # the system page shows the whole statement


def shortened(sql: str) -> str:
    """The SQL of a log line: one line, cut to a readable length (a bulk INSERT is KBs)."""
    flat = " ".join(sql.split())
    if len(flat) <= LOGGED_SQL_CHARS:
        return flat
    return f"{flat[:LOGGED_SQL_CHARS]}… ({len(flat):,} characters)"


def slow_queries() -> list[SlowQuery]:
    """Return the most recent slow queries, newest first."""
    with _slow_lock:
        return list(reversed(_slow))
