"""The unit of work: the one way tinyapp writes.

A service function that writes is a unit of work::

    @unit_of_work
    def rename_category(work: Work, category_id: int, name: str) -> Category:
        ...                                   # read, check, write with the models
        work.updated(category, before, {"name": name})

    catalog.rename_category(3, "Tools")       # callers do not pass ``work``

Each call, in order:

1. borrows a pooled connection (``Database.connection``), unless its caller holds one;
2. begins a transaction (``Database.transaction``). On SQLite: a turn on the one
   writer connection, after this app's other writers, inside their transaction if
   they are still waiting for its COMMIT (tinyapp/sqlite_writer.py);
3. runs the function, which records what it changed on ``work``;
4. writes those changes to the change journal, and their events to the webhook outbox,
   in the same transaction: a change that commits has them, one that rolls back not;
5. commits (on SQLite, maybe together with the units queued behind it: either way
   the call returns once its changes are on the disk); a deadlock, a serialisation
   failure or a dropped connection rolls everything back and runs the function again
   from the start, waiting a little longer each time, for as long as a request waits
   for a connection (POOL_TIMEOUT; at most MAX_ATTEMPTS runs): a server that drops
   every connection again and again or a burst of deadlocks costs time, not an error.
   When the connection drops while the COMMIT is on its way, a receipt row written in
   the transaction tells whether it committed (see CommitReceipt), so a write is never
   run twice;
6. after the commit: the cached results of every table the unit wrote go stale (the
   tables are seen in the SQL itself, so none can be forgotten), the webhook sender is
   woken, and the connection goes back to the pool.

A unit of work called inside another joins it: one transaction, one journal entry each.
Who made the change and in which request come from the request (``acting``), or from a
``user=`` the caller passes.
"""

import contextvars
import datetime as dt
import functools
import inspect
import itertools
import json
import logging
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

import peewee

from tinyapp import bulk, db
from tinyapp.context import given

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])
MAX_ATTEMPTS = 30  # runs of one unit of work, within the database's wait limit
# Columns that change with every edit and tell nothing of their own: not journalled.
BOOKKEEPING = frozenset({"version", "updated_at", "needs_reorder"})

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("tinyapp_request_id",
                                                                  default="")
_acting: contextvars.ContextVar[Any] = contextvars.ContextVar("tinyapp_acting", default=None)
_work: contextvars.ContextVar["Work | None"] = contextvars.ContextVar("tinyapp_work",
                                                                     default=None)


def request_context(request_id: str) -> given:
    """Say which request the writes of this block belong to (the journal records it)."""
    return given((_request_id, request_id), (_acting, None))


def acting(user) -> None:
    """Say who makes this request's changes (the web layer, once it knows who asks)."""
    _acting.set(user)


def current_request_id() -> str:
    return _request_id.get()


@dataclass
class Record:
    """One journal row in the making (see tinyapp/models/journal.py)."""

    entity: str
    entity_id: str
    action: str
    changes: dict = field(default_factory=dict)
    details: dict = field(default_factory=dict)
    note: str = ""
    undoes: int | None = None


@dataclass
class Work:
    """What one unit of work changed: journal records, outbox events, tables written."""

    database: db.Database
    user: Any = None
    request_id: str = ""
    records: list[Record] = field(default_factory=list)
    events: list[tuple[str, str, str, dict]] = field(default_factory=list)
    tables: set[str] = field(default_factory=set)
    journal: list = field(default_factory=list)  # the Change rows written, after flush
    afterwards: list[Callable[[], None]] = field(default_factory=list)  # once committed

    # -- what services record --

    def created(self, row: peewee.Model, note: str = "", **details) -> Record:
        """Record a new row: every field it has, as changed from nothing."""
        after = values_of(row)
        return self.record(entity_of(row), row.id, "create",
                           {name: [None, value] for name, value in after.items()
                            if value is not None}, note=note, details=details)

    def updated(self, row: peewee.Model, before: dict, after: dict, action: str = "update",
                note: str = "", **details) -> Record | None:
        """Record the fields of a row that changed, from before to after (None: nothing did)."""
        skipped = {*getattr(row, "secret_fields", ()), *BOOKKEEPING}
        changes = {name: [plain(before.get(name)), plain(value)]
                   for name, value in after.items()
                   if name not in skipped and plain(before.get(name)) != plain(value)}
        if not changes and not details and action == "update":
            return None
        return self.record(entity_of(row), row.id, action, changes, note=note, details=details)

    def changed(self, before: peewee.Model, after: peewee.Model, action: str = "update",
                note: str = "") -> Record | None:
        """Record how a row changed between two reads of it (its version aside)."""
        return self.updated(after, values_of(before), values_of(after), action, note=note)

    def deleted(self, row: peewee.Model, note: str = "", **details) -> Record:
        """Record a row that is gone: every field it had, as changed to nothing."""
        return self.record(entity_of(row), row.id, "delete",
                           {name: [value, None] for name, value in values_of(row).items()
                            if value is not None}, note=note, details=details)

    def record(self, entity: str, entity_id, action: str, changes: dict | None = None,
               note: str = "", details: dict | None = None, undoes: int | None = None
               ) -> Record:
        """Record any change or event (a sign-in, a backup): the journal keeps it."""
        entry = Record(entity, str(entity_id), action, changes or {},
                       {key: plain(value) for key, value in (details or {}).items()},
                       note[:300], undoes)
        self.records.append(entry)
        return entry

    def after_commit(self, step: Callable[[], None]) -> None:
        """Run step once this unit has committed (never if it rolls back), outside it."""
        if step not in self.afterwards:
            self.afterwards.append(step)

    def emit(self, event: str, entity: str, entity_id, payload: dict) -> None:
        """Tell the webhooks that want it about an event that is not a change (stock.low)."""
        self.events.append((event, entity, str(entity_id), payload))


def unit_of_work(fn: F) -> F:
    """Make fn (whose first parameter is ``work``) one unit of work; see the module docstring.

    Callers pass fn's other arguments. Who acts: fn's ``actor`` argument if it has one;
    else a ``user=`` argument that fn does not take; else the request's user.
    """
    parameters = inspect.signature(fn).parameters

    @functools.wraps(fn)
    def run(*args, **kwargs):
        if "actor" in parameters:  # accounts: an admin acting on someone's account
            user = kwargs.get("actor") or _acting.get()
        elif "user" in parameters:  # the user is what fn works on; the request's user acts
            user = _acting.get()
        else:
            user = kwargs.pop("user", None) or _acting.get()
        outer = _work.get()
        if outer is not None:  # called by another unit of work: join it
            return fn(outer, *args, **kwargs)
        database = db.current()
        deadline = time.monotonic() + database.timeout
        for attempt in range(1, MAX_ATTEMPTS + 1):
            started = time.monotonic()
            work = Work(database, user, _request_id.get())
            token = _work.set(work)
            receipt, committing = None, False
            try:
                with database.connection(), db.recording_writes() as written:
                    with database.transaction():
                        receipt = _leave_receipt(database)
                        result = fn(work, *args, **kwargs)
                        _flush(work)
                        committing = True  # the COMMIT is sent as the block ends
                    work.tables = set(written)
                _after_commit(database, work)
                return result
            except (peewee.DatabaseError, peewee.InterfaceError) as exc:
                lost = db.is_connection_lost(exc)
                if lost and committing:
                    outcome = _committed(database, receipt)
                    if outcome:  # it did commit: only the answer was lost
                        work.tables = set(written)
                        _after_commit(database, work)
                        return result
                    if outcome is None:  # nobody can tell: say so, do not run it twice
                        raise
                # Run again only if a run as long as this one still ends in time (a
                # lock wait takes seconds, a run on a dropped connection next to none).
                now = time.monotonic()
                out_of_time = attempt == MAX_ATTEMPTS or now + (now - started) > deadline
                if out_of_time or not (lost or db.is_retryable(exc)):
                    raise
                if lost:  # a fresh connection; the server likely dropped the idle ones too
                    database.reconnect()
                # Let the other transaction finish: a random wait, longer each time.
                time.sleep(random.uniform(0, min(0.005 * 2 ** attempt, 0.25)))
            finally:
                _work.reset(token)
        raise AssertionError("unreachable")
    run.__wrapped_unit__ = fn  # type: ignore[attr-defined]
    return run  # type: ignore[return-value]


def current_work() -> "Work | None":
    """The unit of work running now, if any."""
    return _work.get()


# -- a COMMIT whose answer was lost --

RECEIPTS_KEPT = dt.timedelta(hours=1)
_receipts_written = itertools.count(1)


def _leave_receipt(database: db.Database) -> tuple[str, int] | None:
    """Write this transaction's receipt; return (token, server session id), or None.

    See CommitReceipt (tinyapp/models/journal.py) for why a server write needs one.
    """
    from tinyapp.models import CommitReceipt

    if database.engine == "sqlite":
        return None  # a local file: a COMMIT's answer cannot get lost on the way
    token, now = uuid.uuid4().hex, dt.datetime.now(dt.UTC).replace(tzinfo=None)
    bulk.insert(CommitReceipt, [{"token": token, "created_at": now}])
    if next(_receipts_written) % 1000 == 0:
        CommitReceipt.delete().where(CommitReceipt.created_at < now - RECEIPTS_KEPT).execute()
    return token, database.peewee.session_id()


def _committed(database: db.Database, receipt: tuple[str, int]) -> bool | None:
    """After a COMMIT whose answer was lost: did it commit? None when it cannot be told."""
    from tinyapp.models import CommitReceipt

    token, session = receipt
    pool = database.peewee
    try:
        with database.connection():
            limit = db.answer_limit(pool.statement_timeout) or 10
            if not pool.wait_for_session_end(session, limit=limit):
                return None
            committed = CommitReceipt.select().where(CommitReceipt.token == token).exists()
    except (peewee.DatabaseError, peewee.InterfaceError, db.DatabaseUnavailable):
        return None  # the server is away: nobody can tell now
    log.warning("the answer to a COMMIT was lost; its receipt says it %s",
                "committed" if committed else "did not commit: running it again")
    return committed


def _flush(work: Work) -> None:
    """Write the journal rows and the outbox events, in the unit's own transaction."""
    from tinyapp import outbox
    from tinyapp.models import Change

    if work.records:
        now = dt.datetime.now(dt.UTC)
        user_id = getattr(work.user, "id", None)
        rows = [{"at": now, "user": user_id, "request_id": work.request_id[:64],
                 "entity": r.entity, "entity_id": r.entity_id, "action": r.action,
                 "changes": r.changes, "details": r.details, "note": r.note,
                 "undoes": r.undoes} for r in work.records]
        bulk.insert(Change, rows)
        work.journal = rows
    outbox.queue(work)


def _after_commit(database: db.Database, work: Work) -> None:
    """Make what the unit wrote visible: stale cache entries, woken webhook sender.

    Then the unit's own next steps (``Work.after_commit``), outside it: a unit of work
    they call is a new one, with its own transaction.
    """
    database.cache.bump(*sorted(work.tables))
    for hook in database.after_commit:  # e.g. the webhook sender, woken
        hook(work)
    token = _work.set(None)
    try:
        for step in work.afterwards:
            step()
    finally:
        _work.reset(token)


# -- values as the journal keeps them --

def entity_of(row: peewee.Model) -> str:
    """The journal's name for a row's kind: "product", "order", "token"..."""
    return getattr(type(row), "entity", type(row)._meta.name)


def values_of(row: peewee.Model) -> dict:
    """A row's fields as plain JSON values, secrets left out (foreign keys as ids)."""
    secret = set(getattr(row, "secret_fields", ()))
    return {f.name: plain(row.__data__.get(f.name)) for f in row._meta.sorted_fields
            if f.name not in secret and f.name != "id"}


_AS_THEY_ARE = (str, int, bool, float)


def plain(value):
    """A value as JSON keeps it: money and times as text, rows as their id."""
    if value is None or type(value) in _AS_THEY_ARE:  # most values: first, and fast
        return value
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, peewee.Model):
        return value.id
    if isinstance(value, (dict, list)):
        return json.loads(json.dumps(value, default=str))
    return value

