"""A mark that tinyapp servers are serving a database, so that `tinyapp restore` can refuse.

Replacing the data under a running server is how a team loses the orders of the last
hour: the server keeps writing, the restore keeps replacing. So each ``tinyapp serve``
holds a shared lock on its database for as long as it runs, and restore asks for the
lock exclusively: it gets it only when no server holds it. Each engine has its own
kind of lock, released by the operating system or the database server when the
process dies, so a crashed server never blocks a restore:

- SQLite: flock on ``tinyapp.db.serving`` beside the database file;
- PostgreSQL: a shared advisory lock, on a connection the server keeps open;
- MySQL/MariaDB: one of a few named locks (GET_LOCK has no shared kind).
"""

import contextlib
import fcntl
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import peewee

from tinyapp.db import engine_of, make_database, sqlite_path
from tinyapp.files import private_file

MYSQL_SLOTS = 16  # servers that may share one MySQL database and each hold a named lock
_KEY = "tinyapp-serving"


@contextlib.contextmanager
def marked_as_served(url: str) -> Iterator[None]:
    """Hold this server's shared lock on the database at url until the block ends."""
    engine = engine_of(url)
    if engine == "sqlite":
        descriptor = os.open(private_file(_lock_file(url)), os.O_RDONLY)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_SH)
            yield
        finally:
            os.close(descriptor)
        return
    db = _open(url)
    try:
        if engine == "postgresql":
            db.execute_sql("SELECT pg_advisory_lock_shared(hashtext(%s))", (_KEY,))
        else:  # the first free slot; with all taken, restore still sees the others
            for name in _mysql_names(url):
                if db.execute_sql("SELECT GET_LOCK(%s, 0)", (name,)).fetchone()[0]:
                    break
        yield
    finally:
        db.close_all()  # ends the session, and with it the lock


def is_served(url: str) -> bool:
    """Tell whether a running tinyapp server holds its mark on the database at url."""
    engine = engine_of(url)
    if engine == "sqlite":
        path = _lock_file(url)
        if not path.exists():
            return False
        descriptor = os.open(path, os.O_RDONLY)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return False
        except BlockingIOError:
            return True
        finally:
            os.close(descriptor)
    db = _open(url)
    try:
        if engine == "postgresql":
            return not db.execute_sql("SELECT pg_try_advisory_lock(hashtext(%s))",
                                      (_KEY,)).fetchone()[0]
        return any(not db.execute_sql("SELECT IS_FREE_LOCK(%s)", (name,)).fetchone()[0]
                   for name in _mysql_names(url))
    finally:
        db.close_all()


def _lock_file(url: str) -> Path:
    database = sqlite_path(url)
    return database.with_name(database.name + ".serving")


def _mysql_names(url: str) -> list[str]:
    """Named locks are server-wide: name them after the database (at most 64 characters)."""
    digest = hashlib.sha1(url.rsplit("/", 1)[-1].split("?")[0].encode()).hexdigest()[:16]
    return [f"tinyapp_serving_{digest}_{slot}" for slot in range(MYSQL_SLOTS)]


def _open(url: str) -> peewee.Database:
    db = make_database(url, max_connections=1, timeout=10)
    db.connect()
    return db
