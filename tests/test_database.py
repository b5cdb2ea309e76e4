"""The database layer on every engine: URLs, pooling, per-request connections, outages."""

import configparser
import time
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import bottle
import peewee
import pytest
import webtest

from tests.support import databases
from tests.support.tcpproxy import TCPProxy, through
from tinyapp import db, migrations
from tinyapp.db import make_database
from tinyapp.models import Category, Change
from tinyapp.unit_of_work import unit_of_work
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

    @unit_of_work
    def crash_inside_transaction(work):
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
        assert app.database.pool_status()["in_use"] == 0
    assert app.database.pool_status()["idle"] >= 1  # it went back to the pool, not away
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


def test_a_unit_of_work_rolls_back_everything_on_error(database):
    @unit_of_work
    def two_categories_then_fail(work):
        Category.create(name="first")
        Category.create(name="second")
        raise ValueError("stop")

    with db.database.connection_context():
        with pytest.raises(ValueError):
            two_categories_then_fail()
        assert Category.select().count() == 0


def test_a_units_after_commit_steps_run_once_it_has_committed_as_units_of_their_own(
        database):
    seen = []

    @unit_of_work
    def name_it(work, category_id):
        Category.update(name="named after").where(Category.id == category_id).execute()
        work.record("category", category_id, "update", {"name": ["first", "named after"]})

    @unit_of_work
    def add_then_name(work, fail):
        category = Category.create(name="first")
        # The step sees the commit, and a unit it calls is a new one: had it joined the
        # finished unit, its journal entry would go to a unit that flushes no more.
        work.after_commit(lambda: seen.append(Category.get_by_id(category.id).name))
        work.after_commit(lambda: name_it(category.id))
        if fail:
            raise ValueError("stop")
        return category

    with db.database.connection_context():
        with pytest.raises(ValueError):
            add_then_name(True)
        assert seen == [] and Category.select().count() == 0  # rolled back: no step ran
        category = add_then_name(False)
        assert seen == ["first"]
        assert Category.get_by_id(category.id).name == "named after"
        assert [c.action for c in Change.of("category", category.id)] == ["update"]


def test_database_outage_answers_503_quickly_and_recovers_without_restart(
        engine, migrated_url, make_settings):
    if engine == "sqlite":
        pytest.skip("a SQLite file has no server to lose; see the sqlite test below")
    parts = urlsplit(migrated_url)
    proxy = TCPProxy(parts.hostname, parts.port)
    pool_timeout = 2
    settings = make_settings(DATABASE_URL=through(proxy, migrated_url),
                             POOL_TIMEOUT=pool_timeout)
    app = create_app(settings)
    databases.use(app.database)
    client = webtest.TestApp(app)
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
        assert app.database.pool_status()["in_use"] == 0
    finally:
        db.database.close_all()
        proxy.close()


def test_sqlite_unreachable_answers_503_and_recovers(make_settings, tmp_path):
    folder = tmp_path / "not-yet"
    settings = make_settings(DATABASE_URL=f"sqlite:///{folder / 'tinyapp.db'}")
    app = create_app(settings)
    databases.use(app.database)
    client = webtest.TestApp(app)
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
    databases.use(scratch_url)
    assert response.json["pending_migrations"] == [m.name for m in migrations.status()]
    assert "tinyapp migrate up" in response.json["detail"]


def test_healthz_answers_without_touching_the_database(make_settings, tmp_path):
    settings = make_settings(DATABASE_URL="postgresql://nobody@127.0.0.1:1/none")
    response = webtest.TestApp(create_app(settings)).get("/healthz")
    assert response.json == {"status": "ok"}
    assert response.headers["Server-Timing"].startswith('db;dur=0.0;desc="0 queries"')


def test_empty_helper_is_only_for_tests():
    assert callable(databases.empty_all_tables)


@pytest.mark.parametrize("version, affected", [((3, 6, 23), False), ((3, 7, 0), True),
                                               ((3, 40, 1), True), ((3, 51, 2), True),
                                               ((3, 51, 3), False), ((3, 53, 4), False)])
def test_the_wal_reset_bug_range_is_3_7_0_to_3_51_2(version, affected):
    assert db.has_wal_reset_bug(version) is affected


def test_the_sqlite_library_is_named_and_flagged_by_readyz_check_and_the_system_page(
        make_settings, tmp_path, capsys, make_user):
    from tinyapp.cli import main

    url = f"sqlite:///{tmp_path / 'shop.db'}"
    settings = make_settings(DATABASE_URL=url)
    with databases.use(settings).connection():
        migrations.upgrade()
    version, affected = db.sqlite3.sqlite_version, db.has_wal_reset_bug(
        db.sqlite3.sqlite_version_info)
    client = webtest.TestApp(create_app(settings))
    ready = client.get("/readyz").json
    assert ready["sqlite_library"] == version
    assert ("warnings" in ready) is affected
    if affected:
        assert "WAL-reset bug" in ready["warnings"][0]
        # The sqlite extra's own requirement (`tinyapp[sqlite]` names no package when
        # tinyapp runs from a checkout, and maybe someone else's on an index).
        extra = configparser.ConfigParser()
        extra.read(Path(__file__).parents[1] / "setup.cfg")
        requirement = extra["options.extras_require"]["sqlite"].strip()
        assert f"pip install '{requirement}'" in ready["warnings"][0]

    main(["check", "--database-url", url, "--data-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert (f"WARNING  SQLite {version} has the WAL-reset bug" in out) is affected
    assert (f"OK       SQLite library {version}" in out) is not affected
    db.database.close_all()


def test_on_sqlite_a_wal_file_that_grew_behind_a_long_read_gives_the_room_back(tmp_path):
    """While a read runs (a report, a CSV export streaming, a backup), SQLite cannot
    start its WAL file over, so what is written meanwhile makes it grow: here past twice
    WAL_SIZE_LIMIT. Once the read is done, the next checkpoint empties it and the next
    write starts it over; then the file is cut back to the limit instead of keeping on
    the disk the largest size it ever had (which can be most of a small disk after a
    restore or an import)."""
    path = tmp_path / "shop.db"
    database = databases.use(f"sqlite:///{path}")
    with database.connection():
        migrations.upgrade()
    wal = Path(f"{path}-wal")

    @unit_of_work
    def write(work, megabytes: float):
        db.current().peewee.execute_sql(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
            "INSERT INTO filler SELECT randomblob(4000) FROM n", (int(megabytes * 256),))

    with database.connection():
        db.current().peewee.execute_sql("CREATE TABLE filler (data BLOB)")
        reader = db.sqlite3.connect(path)  # another program's long read
        reader.execute("BEGIN")
        reader.execute("SELECT COUNT(*) FROM filler").fetchall()
        write(2.5 * db.WAL_SIZE_LIMIT / 2**20)
        assert wal.stat().st_size > 2 * db.WAL_SIZE_LIMIT
        reader.close()  # the read is done
        for _ in range(3):  # a checkpoint, the WAL started over, its first commit
            write(0.01)
    assert wal.stat().st_size <= db.WAL_SIZE_LIMIT


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
def test_a_psycopg2_connection_not_made_by_tinyapp_still_works(engine, database, migrated_url):
    """tinyapp's wait callback (which bounds every wait) is psycopg2's, for the whole
    process: a connection of another class has no limits set, and must work as usual."""
    import psycopg2

    with db.database.connection_context():
        db.database.execute_sql("SELECT 1")  # tinyapp's connection: the callback is set
    parts = urlsplit(migrated_url)
    other = psycopg2.connect(host=parts.hostname, port=parts.port, user=parts.username,
                             dbname=parts.path[1:])
    try:
        cursor = other.cursor()
        cursor.execute("SELECT 41 + 1")
        assert cursor.fetchone() == (42,)
    finally:
        other.close()


def test_a_databases_identity_ignores_credentials_and_options_but_not_where_it_lives(
        tmp_path, monkeypatch):
    """The shared cache keys each database by it (see tests/test_cache.py)."""
    from tinyapp.engines import identity_of

    same = {identity_of("postgresql://app:s3cret@DB.example/shop?sslmode=require"),
            identity_of("postgres://reader@db.example:5432/shop")}
    assert len(same) == 1 and "s3cret" not in same.pop()
    assert identity_of("postgresql://app@db.example/shop") != \
        identity_of("postgresql://app@db.example/staging")
    assert identity_of("mysql://root@db.example/shop") != \
        identity_of("mysql://root@db.example:3307/shop")
    this_machine = {identity_of(f"postgresql://app@{host}/shop")
                    for host in ("localhost", "LOCALHOST", "127.0.0.1", "[::1]", "")}
    assert len(this_machine) == 1
    assert identity_of("postgresql://app@127.0.0.1/shop") != \
        identity_of("postgresql://app@10.0.0.7/shop")
    monkeypatch.chdir(tmp_path)
    assert identity_of("sqlite:///shop.db") == identity_of(f"sqlite:///{tmp_path}/shop.db")
    assert identity_of("sqlite:///shop.db") != identity_of("sqlite:///staging.db")
