"""Scratch databases on the real engines, and binding one for the code of a test."""

import contextlib
import os
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import peewee

from tinyapp.db import Database, engine_of, make_database

ENGINES = ("sqlite", "postgresql", "mysql")
ENV = "TINYAPP_TEST_DATABASES"
EXAMPLE = ("sqlite,postgresql://postgres@127.0.0.1:5432/test,"
           "mysql://root@127.0.0.1:3306/test")


def configured_urls() -> dict[str, str]:
    """Map engine -> server URL from TINYAPP_TEST_DATABASES (default: SQLite only)."""
    urls = {}
    for item in os.environ.get(ENV, "sqlite").split(","):
        item = item.strip()
        if not item:
            continue
        url = "sqlite://" if item == "sqlite" else item
        urls[engine_of(url)] = url
    return urls


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def with_database_name(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def create_scratch(server_url: str, folder: Path) -> str:
    """Create an empty database next to server_url's and return its URL."""
    name = f"tinyapp_t_{uuid.uuid4().hex[:10]}"
    engine = engine_of(server_url)
    if engine == "sqlite":
        path = folder / f"{name}.db"
        path.touch()  # an empty file is an empty SQLite database
        return f"sqlite:///{path}"
    _admin_execute(server_url, f"CREATE DATABASE {name}")
    return with_database_name(server_url, name)


def drop_scratch(url: str) -> None:
    """Drop a database made by create_scratch (SQLite files go with their tmp folder)."""
    engine = engine_of(url)
    if engine == "sqlite":
        return
    name = urlsplit(url).path.lstrip("/")
    if engine == "postgresql":
        _admin_execute(url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    else:
        _admin_execute(url, f"DROP DATABASE IF EXISTS {name}")


def _admin_execute(url: str, sql: str) -> None:
    """Run one statement outside a transaction on the server's own admin database."""
    engine = engine_of(url)
    admin = with_database_name(url, "postgres" if engine == "postgresql" else "mysql")
    database = make_database(admin, max_connections=1)
    try:
        database.connect()
        if engine == "postgresql":
            database.connection().autocommit = True
        database.execute_sql(sql)
    finally:
        database.close_all()


def empty_all_tables(database: peewee.Database, models) -> None:
    """Delete every row, children first, so each test starts from empty tables."""
    with database.atomic():
        for model in reversed(models):
            model.delete().execute()


def reachable(url: str) -> str | None:
    """Return None if the server answers, else the reason it does not."""
    if engine_of(url) == "sqlite":
        return None
    database = make_database(url, max_connections=1, timeout=3)
    try:
        database.connect()
        database.execute_sql("SELECT 1")
        return None
    except peewee.PeeweeException as exc:
        return str(exc).splitlines()[0]
    finally:
        database.close_all()


# The bindings of the test that runs now; conftest's autouse fixture opens and closes it.
bindings = contextlib.ExitStack()


def use(what, **pool) -> Database:
    """Make a database the one this test's code (models, services) uses, until it ends.

    What create_app does for a request and the command line for a command, for the
    rest of one test. Pass settings or a URL (with pool options such as timeout=30) for
    a database of the test's own, closed at its end; or an app's Database, to share it.
    """
    if isinstance(what, Database):
        database = what
    else:
        database = Database(what, **pool) if isinstance(what, str) \
            else Database.from_settings(what)
        bindings.callback(database.close)
    bindings.enter_context(database.bound())
    return database
