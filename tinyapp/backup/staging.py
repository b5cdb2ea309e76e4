"""Where a restore is built, and how it replaces the live data in one step.

A restore must never leave half a database: killed at any moment, the live database is
either exactly the old one or exactly the restored one. So the restore is built apart,
checked (load.py), and only then swapped in, each engine its own way:

=========== ============================================ ==================================
engine      built in                                     swapped in by
=========== ============================================ ==================================
SQLite      a new file beside the live one (.restore-…)  SQLite's backup API: one write
                                                         transaction into the live file
PostgreSQL  the live database, in one transaction        COMMIT: PostgreSQL's schema
                                                         changes are transactional too
MySQL       a new database on the same server            one RENAME TABLE statement, which
                                                         moves every table at once
=========== ============================================ ==================================

``verify`` builds in a scratch database of the backup's engine, dropped afterwards. A
job that is killed leaves its folder or scratch database behind; leftovers.py finds
them by their names and the lock each job holds while it runs (on its folder, or in the
database server).
"""

import contextlib
import hashlib
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import peewee

from tinyapp import faults
from tinyapp.backup import sqlite
from tinyapp.backup.common import drop_tables, open_database, table_names
from tinyapp.backup.files import temporary_folder
from tinyapp.backup.manifest import BackupError
from tinyapp.config import mask_url
from tinyapp.db import describe_error, engine_of, exact_collation, sqlite_path

RESTORE_FOLDER = ".restore-"   # SQLite: beside the live file
VERIFY_FOLDER = ".verify-"     # in BACKUP_DIR
# Scratch databases: restore, old (swapped out) or verify, then a short digest of the
# database they serve (so that tinyapps sharing a server tell their own apart), a token.
SCRATCH = "tinyapp_{purpose}_{owner}_{token}"


# The database to build in, and a private folder beside it for unpacking a compressed
# SQLite copy (None for PostgreSQL and MySQL, which take no SQLite copies).
Staged = tuple[peewee.Database, Path | None]


@contextlib.contextmanager
def staged_restore(target: str) -> Iterator[Staged]:
    """Yield an empty database to build the restore of target in; swap it in on success.

    If the block raises, nothing of it reaches target.
    """
    engine = engine_of(target)
    if engine == "sqlite":
        stage = _sqlite_stage(sqlite_path(target))
    elif engine == "postgresql":
        stage = _postgresql_stage(target)
    else:
        stage = _mysql_stage(target)
    with stage as staged:
        yield staged


@contextlib.contextmanager
def _sqlite_stage(target: Path) -> Iterator[Staged]:
    with temporary_folder(target.parent, RESTORE_FOLDER) as folder:
        path = folder / "tinyapp.db"
        db = open_database(f"sqlite:///{path}")
        db.execute_sql("PRAGMA synchronous = OFF")  # a draft: the swap below is the durable write
        try:
            yield db, folder
        finally:
            db.close_all()
        faults.point("restore:built")
        sqlite.copy_into(path, target)


@contextlib.contextmanager
def _postgresql_stage(target: str) -> Iterator[Staged]:
    db = _connect(target)
    try:
        with db.atomic():
            drop_tables(db)
            yield db, None
            faults.point("restore:built")
    finally:
        db.close_all()


@contextlib.contextmanager
def _mysql_stage(target: str) -> Iterator[Staged]:
    with scratch_database(target, "restore") as (url, token):
        db = _connect(url)
        try:
            yield db, None
        finally:
            db.close_all()
        faults.point("restore:built")
        _rename_into(target, url, token)


def _rename_into(target: str, staged_url: str, token: str) -> None:
    """Move the live tables out and the staged ones in, with one atomic RENAME TABLE."""
    live, staged = _database_name(target), _database_name(staged_url)
    old = SCRATCH.format(purpose="old", owner=owner_of(target), token=token)
    server = _connect(target)
    try:
        current = set(server.get_tables()) & {*table_names(), "schema_migration"}
        server.execute_sql(f"CREATE DATABASE `{old}`")
        moves = [f"`{live}`.`{name}` TO `{old}`.`{name}`" for name in sorted(current)]
        moves += [f"`{staged}`.`{name}` TO `{live}`.`{name}`"
                  for name in _tables_of(server, staged)]
        server.execute_sql("RENAME TABLE " + ", ".join(moves))
        faults.point("restore:swapped")
        server.execute_sql(f"DROP DATABASE `{old}`")
    except peewee.DatabaseError as exc:
        raise BackupError(f"moving the restored tables into {mask_url(target)} failed: "
                          f"{describe_error(exc)}") from None
    finally:
        server.close_all()


def _tables_of(server: peewee.Database, name: str) -> list[str]:
    return [row[0] for row in server.execute_sql(
        "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = %s", (name,))]


# -- scratch databases: verify, and MySQL's staged restore --

@contextlib.contextmanager
def scratch(engine: str, server_url: str, backup_dir: Path,
            scratch_url: str | None = None) -> Iterator[Staged]:
    """Yield an empty database of engine to build a backup in, and get rid of it afterwards.

    SQLite gets a temporary file in BACKUP_DIR; PostgreSQL and MariaDB a new database on
    the server of server_url (its user needs the right to create one), or the empty
    database scratch_url names, emptied again afterwards.
    """
    if scratch_url is not None:
        with _given_scratch(scratch_url) as db:
            yield db, None
        return
    if engine == "sqlite":
        with temporary_folder(backup_dir, VERIFY_FOLDER) as folder:
            db = open_database(f"sqlite:///{folder / 'scratch.db'}")
            try:
                yield db, folder
            finally:
                db.close_all()
        return
    with scratch_database(server_url, "verify") as (url, _):
        db = _connect(url)
        try:
            yield db, None
        finally:
            db.close_all()


@contextlib.contextmanager
def _given_scratch(url: str) -> Iterator[peewee.Database]:
    db = _connect(url)
    try:
        if db.get_tables():
            raise BackupError(f"the scratch database {mask_url(url)} holds tables: give an "
                              "empty one (verify builds the backup there, then drops its "
                              "tables again)")
        try:
            yield db
        finally:
            drop_tables(db)
    finally:
        db.close_all()


@contextlib.contextmanager
def scratch_database(server_url: str, purpose: str) -> Iterator[tuple[str, str]]:
    """Create a database beside server_url's, held by a server lock while in use; drop it after.

    Yields its URL and the token in its name. The lock is the server's own (an advisory
    lock on PostgreSQL, GET_LOCK on MySQL), taken on a connection kept open meanwhile:
    the server drops it when this process dies, which is how `tinyapp backups --clean`
    tells a killed job's database from a running one's, on any machine. MySQL's database
    gets the exact collation of tinyapp's text (see migrations/0004_exact_text.py).
    """
    token = secrets.token_hex(5)
    name = SCRATCH.format(purpose=purpose, owner=owner_of(server_url), token=token)
    holder = _connect(server_url)
    try:
        if not _try_lock(holder, token):
            raise BackupError(f"cannot take the lock for the scratch database {name}")
        _server_execute(server_url, "CREATE DATABASE {name}", name)
        try:
            yield urlunsplit(urlsplit(server_url)._replace(path="/" + name)), token
        finally:
            drop_scratch(server_url, name)
    finally:
        holder.close_all()  # ends the session, and with it the lock


def _try_lock(server: peewee.Database, token: str) -> bool:
    """Take the session lock of a scratch database's token; False if someone holds it."""
    if isinstance(server, peewee.PostgresqlDatabase):
        sql = "SELECT pg_try_advisory_lock(hashtext(%s))"
    else:
        sql = "SELECT GET_LOCK(%s, 0)"
    return bool(server.execute_sql(sql, (f"tinyapp_scratch_{token}",)).fetchone()[0])


def scratch_in_use(server_url: str, name: str) -> bool:
    """Tell whether a running job holds the lock of a scratch database (by its name)."""
    server = _connect(server_url)
    try:
        return not _try_lock(server, name.rsplit("_", 1)[1])
    finally:
        server.close_all()  # a lock taken just now to look goes with the session


def drop_scratch(server_url: str, name: str) -> None:
    """Drop a scratch database (it may be in use by nobody: its job was killed)."""
    force = " WITH (FORCE)" if engine_of(server_url) == "postgresql" else ""
    _server_execute(server_url, "DROP DATABASE IF EXISTS {name}" + force, name)


def list_scratch(server_url: str) -> list[str]:
    """Name the scratch databases made for the database of server_url (on its server)."""
    engine = engine_of(server_url)
    sql = ("SELECT datname FROM pg_database" if engine == "postgresql"
           else "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA")
    mine = re.compile(rf"tinyapp_(restore|old|verify)_{owner_of(server_url)}_[0-9a-f]{{10}}")
    server = _connect(server_url)
    try:
        return sorted(name for (name,) in server.execute_sql(sql) if mine.fullmatch(name))
    finally:
        server.close_all()


def owner_of(server_url: str) -> str:
    """A short digest of the database a URL names: part of its scratch databases' names."""
    return hashlib.sha1(_database_name(server_url).encode()).hexdigest()[:6]


def _server_execute(url: str, sql: str, name: str) -> None:
    """Run CREATE/DROP DATABASE, which must run outside any transaction."""
    server = _connect(url)
    try:
        if isinstance(server, peewee.PostgresqlDatabase):
            server.connection().autocommit = True
            server.execute_sql(sql.format(name=f'"{name}"'))
        else:
            collation = exact_collation(server) if sql.startswith("CREATE") else None
            server.execute_sql(sql.format(name=f"`{name}`") + (
                f" CHARACTER SET utf8mb4 COLLATE {collation}" if collation else ""))
    except peewee.DatabaseError as exc:
        hint = ""
        if sql.startswith("CREATE"):
            hint = ("; a restore or verify builds the backup in a database of its own first: "
                    "let the user create and drop databases named tinyapp_… (README, "
                    "\"Backups and recovery\")")
        raise BackupError(f"{sql.split(' ')[0].lower()} database {name} on {mask_url(url)} "
                          f"failed: {describe_error(exc)}{hint}") from None
    finally:
        server.close_all()


def _connect(url: str) -> peewee.Database:
    try:
        return open_database(url)
    except peewee.DatabaseError as exc:
        raise BackupError(f"cannot connect to {mask_url(url)}: {describe_error(exc)}") from None


def _database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")
