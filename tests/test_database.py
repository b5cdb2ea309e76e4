"""The database layer on every engine: URLs, pooling, per-request connections, outages."""

import time
from urllib.parse import quote, urlsplit, urlunsplit

import bottle
import peewee
import pytest
import webtest

from tests.support import databases
from tests.support.tcpproxy import TCPProxy
from tinyapp import db, migrations
from tinyapp.db import make_database, transactional
from tinyapp.models import Category
from tinyapp.web.app import create_app
from tinyapp.web.guard import PUBLIC

SCHEME_VARIANTS = {"sqlite": ["sqlite", "sqlite+pool"],
                   "postgresql": ["postgresql", "postgresql+pool", "postgres"],
                   "mysql": ["mysql", "mysql+pool", "mariadb"]}


def with_scheme(url: str, scheme: str) -> str:
    return scheme + url[url.index("://"):]


def test_every_url_scheme_of_the_engine_connects(engine, migrated_url):
    for scheme in SCHEME_VARIANTS[engine]:
        database = make_database(with_scheme(migrated_url, scheme))
        try:
            assert database.execute_sql("SELECT 1").fetchone()[0] == 1
        finally:
            database.close_all()


def test_url_escaped_passwords_are_decoded(engine):
    password = "p@ss:w%rd/1"
    url = f"{engine}://tinyapp_pw:{quote(password, safe='')}@127.0.0.1:5/x"
    if engine == "sqlite":
        pytest.skip("SQLite URLs carry no password")
    database = make_database(url)
    assert database.connect_params["password"] == password
    assert database.connect_params["user"] == "tinyapp_pw"
    assert database.connect_params["host"] == "127.0.0.1"


def test_a_password_with_at_colon_and_percent_logs_in(engine, migrated_url):
    """A real login with such a password (MariaDB checks it; this PostgreSQL trusts 127.0.0.1)."""
    if engine == "sqlite":
        pytest.skip("SQLite has no logins")
    password = "p@ss:w%rd"
    user = "tinyapp_pw"
    name = urlsplit(migrated_url).path.lstrip("/")
    admin = make_database(migrated_url, max_connections=1)
    if engine == "mysql":
        admin.execute_sql(f"CREATE USER IF NOT EXISTS '{user}'@'%%' IDENTIFIED BY %s",
                          (password,))
        admin.execute_sql(f"ALTER USER '{user}'@'%%' IDENTIFIED BY %s", (password,))
        admin.execute_sql(f"GRANT ALL ON {name}.* TO '{user}'@'%%'")
    else:
        exists = admin.execute_sql("SELECT 1 FROM pg_roles WHERE rolname = %s", (user,))
        verb = "ALTER" if exists.fetchone() else "CREATE"
        admin.execute_sql(f"{verb} ROLE {user} LOGIN PASSWORD %s", (password,))
    admin.close_all()
    parts = urlsplit(migrated_url)
    netloc = f"{user}:{quote(password, safe='')}@{parts.hostname}:{parts.port}"
    database = make_database(urlunsplit(parts._replace(netloc=netloc)))
    try:
        assert database.execute_sql("SELECT 1").fetchone()[0] == 1
    finally:
        database.close_all()

    wrong = make_database(urlunsplit(parts._replace(
        netloc=f"{user}:{quote('p@ss:wrong', safe='')}@{parts.hostname}:{parts.port}")))
    if engine == "mysql":
        with pytest.raises(peewee.OperationalError):
            wrong.connect()
    wrong.close_all()


def test_sqlite_is_tuned_for_a_web_app(tmp_path):
    database = make_database(f"sqlite:///{tmp_path / 't.db'}", timeout=7)
    pragma = lambda name: database.execute_sql(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
    assert pragma("journal_mode") == "wal"
    assert pragma("foreign_keys") == 1
    assert pragma("synchronous") == 2  # FULL
    assert pragma("busy_timeout") == 7000
    database.close_all()


def test_a_raising_request_still_returns_its_connection(database, settings):
    app = create_app(settings)

    def query_then_crash():
        Category.select().count()
        raise RuntimeError("boom")

    @transactional
    def crash_inside_transaction():
        Category.create(name="never saved")
        raise RuntimeError("boom")

    def query_then_abort():
        Category.select().count()
        bottle.abort(400, "no")

    app.bottle.route("/crash", "GET", query_then_crash, permission=PUBLIC)
    app.bottle.route("/crash-tx", "GET", crash_inside_transaction, permission=PUBLIC)
    app.bottle.route("/abort", "GET", query_then_abort, permission=PUBLIC)
    client = webtest.TestApp(app)

    for path, status in (("/crash", 500), ("/crash-tx", 500), ("/abort", 400)):
        response = client.get(path, status=status)
        assert "Traceback" not in response.text
        assert db.pool_status()["in_use"] == 0
    assert db.pool_status()["idle"] >= 1  # it went back to the pool, not away
    with db.database.connection_context():
        assert Category.select().count() == 0  # the failed transaction left nothing


def test_a_500_shows_a_request_id_and_no_internals(database, settings):
    app = create_app(settings)

    def crash():
        raise RuntimeError("secret internals")

    app.bottle.route("/api/v1/crash", "GET", crash, permission=PUBLIC)
    response = webtest.TestApp(app).get("/api/v1/crash", status=500)
    assert response.content_type == "application/problem+json"
    assert response.json["request_id"] == response.headers["X-Request-ID"]
    assert "secret internals" not in response.text


def test_transactional_rolls_back_everything_on_error(database):
    @transactional
    def two_categories_then_fail():
        Category.create(name="first")
        Category.create(name="second")
        raise ValueError("stop")

    with db.database.connection_context():
        with pytest.raises(ValueError):
            two_categories_then_fail()
        assert Category.select().count() == 0


def _proxied(url: str, proxy: TCPProxy) -> str:
    parts = urlsplit(url)
    credentials = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
    return urlunsplit(parts._replace(netloc=f"{credentials}127.0.0.1:{proxy.port}"))


def test_database_outage_answers_503_quickly_and_recovers_without_restart(
        engine, migrated_url, make_settings):
    if engine == "sqlite":
        pytest.skip("a SQLite file has no server to lose; see the sqlite test below")
    parts = urlsplit(migrated_url)
    proxy = TCPProxy(parts.hostname, parts.port)
    pool_timeout = 2
    settings = make_settings(DATABASE_URL=_proxied(migrated_url, proxy),
                             POOL_TIMEOUT=pool_timeout)
    client = webtest.TestApp(create_app(settings))
    try:
        assert client.get("/readyz").json["status"] == "ready"

        for black_hole in (False, True):  # refused connections, then a hung server
            proxy.stop(black_hole=black_hole)
            started = time.monotonic()
            response = client.get("/readyz", status=503)
            assert time.monotonic() - started < pool_timeout + 1.5
            assert response.content_type == "application/problem+json"
            assert response.json["database"] == "unreachable"
            proxy.start()
            assert client.get("/readyz").json["status"] == "ready"
        assert db.pool_status()["in_use"] == 0
    finally:
        db.database.close_all()
        proxy.close()


def test_sqlite_unreachable_answers_503_and_recovers(make_settings, tmp_path):
    folder = tmp_path / "not-yet"
    settings = make_settings(DATABASE_URL=f"sqlite:///{folder / 'tinyapp.db'}")
    client = webtest.TestApp(create_app(settings))
    response = client.get("/readyz", status=503)
    assert "unable to open database file" in response.json["detail"]

    folder.mkdir()
    with db.database.connection_context():
        migrations.upgrade()
    assert client.get("/readyz").json["status"] == "ready"
    db.database.close_all()


def test_readyz_says_when_migrations_are_pending(scratch_url, make_settings):
    client = webtest.TestApp(create_app(make_settings(DATABASE_URL=scratch_url)))
    response = client.get("/readyz", status=503)
    assert response.json["pending_migrations"] == [m.name for m in migrations.status()]
    assert "tinyapp migrate up" in response.json["detail"]


def test_healthz_answers_without_touching_the_database(make_settings, tmp_path):
    settings = make_settings(DATABASE_URL="postgresql://nobody@127.0.0.1:1/none")
    response = webtest.TestApp(create_app(settings)).get("/healthz")
    assert response.json == {"status": "ok"}
    assert response.headers["Server-Timing"].startswith('db;dur=0.0;desc="0 queries"')


def test_empty_helper_is_only_for_tests():
    assert callable(databases.empty_all_tables)
