"""SQLite's one writer: units of work take turns on one connection, and commit together.

SQLite lets one transaction write at a time, and each COMMIT appends every page the
transaction changed to the WAL and waits for the disk (synchronous=FULL). In a busy
shop the units of work that wait for the lock change mostly the same pages as the one
that holds it: the newest pages of orders, order lines, stock movements and the
journal, and of their indexes. Committing each one alone writes those pages, and waits
for the disk, once per unit. So on SQLite the units take turns on one writer
connection and share its transaction (group commit, which PostgreSQL and MySQL do
inside the server):

1. a unit waits for its turn (the units before it go first: a queue, not SQLite's
   busy handler polling the lock); when no transaction is open, it BEGINs one
   (IMMEDIATE: the write lock at once);
2. it runs inside a SAVEPOINT of its own: failing, it undoes its own changes, not the
   ones of the units before it in the transaction;
3. done, it hands the open transaction on if units are waiting for their turn, and
   waits itself; else (or once GROUP_LIMIT units share it) it COMMITs for all of them:
   the last unit of a queue always does, so no group is left waiting;
4. each unit returns only once the COMMIT that holds its changes is on the disk, or
   raises what that COMMIT raised: none is told "done" before it is durable. When
   SQLite ends the transaction itself for one unit's error (a full disk mid-statement,
   an ``OR ROLLBACK`` conflict), that unit raises its error and the units before it in
   the transaction, whose changes went with it, raise RolledBackWithAnother: the unit
   of work runs them again, as after a deadlock.

Every statement the writer sends (BEGIN IMMEDIATE, SAVEPOINT, RELEASE, COMMIT) goes to
the query log like any other: a BEGIN waiting for another program's write lock, or a
COMMIT waiting for a slow disk, shows in the request's database time and as a slow query.

A lone writer commits at once, as before; eight writers at once write each page once
per turn of the group instead of once per unit, and wait for the disk once.

How a unit's queries reach the writer connection: peewee keeps each thread's
connection in a thread-local state (``_state``: the connection and its stack of open
transactions); for its turn the unit's thread points that state at the writer, with
the group's transaction on the stack (so ``atomic()`` inside the unit makes
savepoints), and points it back afterwards (``_on_writer``).
"""

import contextlib
import copy
import os
import sqlite3
import threading
import time
from collections.abc import Iterator

import peewee

from tinyapp import querylog

GROUP_LIMIT = 32  # units per COMMIT: the first of them waits for at most this many


class RolledBackWithAnother(peewee.OperationalError):
    """SQLite ended the transaction this unit shared, for another unit's error: nothing
    of this unit was kept, and running it again may succeed (engines.is_retryable)."""


class _Group:
    """The units sharing one transaction, and what its COMMIT gave them."""

    def __init__(self):
        self.units = 0  # units in it that succeeded: their changes wait for the COMMIT
        self.error: BaseException | None = None
        self.settled = threading.Event()  # committed, or failed with error


class _GroupTransaction:
    """What a unit's thread sees on peewee's transaction stack during its turn: the
    writer's open transaction, which the writer (not peewee) begins and ends."""


class SQLiteWriter:
    """The writer connection of one SQLite database, and the turns units take on it."""

    def __init__(self, database: peewee.SqliteDatabase, open_connection, timeout: float,
                 busy: type[Exception]):
        self._database = database  # the pool whose threads' state is pointed at the writer
        self._open_connection = open_connection  # () -> a new sqlite3 connection, set up
        self._timeout = timeout  # for a turn (POOL_TIMEOUT); then ``busy`` is raised
        self._busy_error = busy
        self._turns = threading.Condition()  # guards _busy and _queued
        self._busy = False  # a unit has its turn (or a COMMIT is being sent)
        self._queued = 0  # units waiting for their turn
        self._group: _Group | None = None  # the open transaction's units (turn holder's)
        self._connection: sqlite3.Connection | None = None
        self._cursor: sqlite3.Cursor | None = None  # one for the units' statements
        self._file: tuple[int, int] | None = None  # the (device, inode) it has open

    # -- a unit's turn --

    @contextlib.contextmanager
    def turn(self) -> Iterator[None]:
        """Run the block as one unit on the writer; return once its changes are durable."""
        self._take_turn()
        try:
            group = self._join()
        except BaseException:
            self._end_turn()
            raise
        failed = None
        try:
            with self._on_writer():
                self._execute("SAVEPOINT unit")
                try:
                    yield
                except BaseException:
                    self._undo_unit()
                    raise
                if not self._connection.in_transaction:  # ended by an error the unit caught
                    raise peewee.OperationalError(
                        "the transaction was rolled back by an error this write went on from")
                self._execute("RELEASE unit")
                group.units += 1
        except BaseException as exc:  # noqa: BLE001 - raised again below, after the turn
            failed = exc
        self._finish_turn(group, failed)
        if failed is not None:
            raise failed
        group.settled.wait()  # for the COMMIT, sent by this unit or a later one
        if group.error is not None:  # each unit its own copy, with its own traceback
            raise copy.copy(group.error) from group.error

    def _take_turn(self) -> None:
        deadline = time.monotonic() + self._timeout
        with self._turns:
            self._queued += 1
            try:
                while self._busy:
                    left = deadline - time.monotonic()
                    if left <= 0 or not self._turns.wait(left) and self._busy:
                        raise self._busy_error("the database is busy with other writes")
                self._busy = True
            finally:
                self._queued -= 1

    def _end_turn(self) -> None:
        with self._turns:
            self._busy = False
            self._turns.notify()  # the next unit in the queue

    def _join(self) -> _Group:
        """The open transaction's group, or a new transaction and group."""
        if self._group is None:
            self._writer_connection()  # open (again, if the file was replaced)
            self._execute("BEGIN IMMEDIATE")
            self._group = _Group()
        return self._group

    def _finish_turn(self, group: _Group, failed: BaseException | None) -> None:
        """Hand the open transaction to the next unit in the queue, or commit it; the
        choice is made with the queue locked, so a unit that gave up waiting for its
        turn meanwhile is never handed a transaction it will not finish."""
        if self._connection.in_transaction:
            with self._turns:
                if self._queued and group.units < GROUP_LIMIT:
                    self._busy = False  # the next unit's turn, in this transaction
                    self._turns.notify()
                    return
        try:
            if self._connection.in_transaction:
                self._commit(group)
            else:  # SQLite ended the transaction for this unit's error (``failed``)
                self._settle(group, RolledBackWithAnother(
                    f"rolled back with another write that failed: {failed}"))
        finally:
            self._end_turn()

    def _commit(self, group: _Group) -> None:
        """COMMIT (with the turn held): the group's outcome, for all its units."""
        error = None
        if group.units:
            try:
                self._execute("COMMIT")
            except peewee.DatabaseError as exc:
                error = exc
        if self._connection.in_transaction:  # nothing to commit, or the COMMIT failed
            with contextlib.suppress(peewee.DatabaseError):
                self._execute("ROLLBACK")
        self._settle(group, error)

    def _settle(self, group: _Group, error: BaseException | None) -> None:
        group.error = error
        self._group = None
        group.settled.set()

    def _undo_unit(self) -> None:
        if self._connection.in_transaction:  # else SQLite has rolled everything back
            with contextlib.suppress(peewee.DatabaseError):
                self._execute("ROLLBACK TO unit")
                self._execute("RELEASE unit")

    def _execute(self, sql: str) -> None:
        """Send sql on the writer connection: timed for the query log, driver errors
        turned into peewee's, as every statement is (tinyapp/engines.py)."""
        with querylog.timed(sql), peewee.__exception_wrapper__:
            self._connection.execute(sql)

    # -- the writer connection --

    def _writer_connection(self) -> sqlite3.Connection:
        """The writer connection, opened again if the database file was replaced."""
        if self._connection is not None and _file_at(self._database.database) != self._file:
            self.close()  # another file moved in under the same name: write to that one
        if self._connection is None:
            self._connection = self._open_connection()
            self._cursor = self._connection.cursor()
            self._file = _file_at(self._database.database)
        return self._connection

    @contextlib.contextmanager
    def _on_writer(self) -> Iterator[None]:
        """Point this thread's peewee state at the writer for the block (see above)."""
        state = self._database._state
        saved = {name: getattr(state, name, None)
                 for name in ("conn", "closed", "ctx", "transactions", "commit_callbacks",
                              "kept_cursor")}
        state.conn, state.closed, state.ctx = self._connection, False, []
        state.transactions, state.commit_callbacks = [_GroupTransaction()], []
        state.kept_cursor = (self._connection, self._cursor)  # see execute_and_read
        try:
            yield
        finally:
            for name, value in saved.items():
                setattr(state, name, value)

    def close(self) -> None:
        """Close the writer connection (the next turn opens another)."""
        if self._connection is not None:
            with contextlib.suppress(sqlite3.Error):
                self._connection.close()
            self._connection, self._cursor, self._file = None, None, None


def _file_at(path: str) -> tuple[int, int] | None:
    """The (device, inode) of the file at path, None if there is none."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino
