"""Fixtures: the engines under test, a fresh migrated database, the app and a client.

Engines come from TINYAPP_TEST_DATABASES (comma-separated URLs; default "sqlite").
Any test that uses the ``database`` fixture (or ``app``/``client``) runs once per
engine; an engine with no URL is skipped with the reason shown, and under CI=true a
missing or unreachable engine fails the run instead.
"""

import os
import subprocess
from urllib.parse import urlsplit, urlunsplit

import pytest
import webtest
from argon2 import PasswordHasher

from tests.support import backups, databases
from tests.support.api import ApiClient
from tinyapp import db, migrations
from tinyapp.cache import RedisCache
from tinyapp.config import load_settings
from tinyapp.models import MODELS, User
from tinyapp.security import passwords
from tinyapp.services import accounts
from tinyapp.web.app import create_app

PASSWORD = "correct horse battery staple"

URLS = databases.configured_urls()


def pytest_configure(config):
    # Real argon2id, cheaper parameters: tests hash hundreds of passwords.
    passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def pytest_terminal_summary(terminalreporter):
    """One line per reason tests were skipped (an engine or tool missing), with the count.

    pytest's own -rs lists every skipped test: with an engine missing, hundreds of lines
    of the same two reasons. The reasons say how to enable what is missing.
    """
    reasons: dict[str, int] = {}
    for report in terminalreporter.stats.get("skipped", []):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        reason = reason.removeprefix("Skipped: ")
        reasons[reason] = reasons.get(reason, 0) + 1
    if reasons:
        terminalreporter.section("skipped, by reason")
        for reason, count in sorted(reasons.items(), key=lambda item: -item[1]):
            terminalreporter.write_line(f"{count:>5} skipped: {reason}")


def pytest_report_header(config):
    lines = [f"tinyapp engines: {name} -> {URLS.get(name, 'not configured (skipped)')}"
             for name in databases.ENGINES]
    return lines


def _require_engine(name: str) -> str:
    url = URLS.get(name)
    reason = None
    if url is None:
        reason = f"{name} not configured: add its URL to {databases.ENV} (see README)"
    elif problem := databases.reachable(url):
        reason = f"{name}: configured but unreachable: {problem}"
    if reason:
        if databases.in_ci():
            pytest.fail(f"CI requires every engine: {reason}", pytrace=False)
        pytest.skip(reason)
    return url


@pytest.fixture(scope="session", params=databases.ENGINES)
def engine(request) -> str:
    """The name of the engine under test; each dependent test runs once per engine."""
    _require_engine(request.param)
    return request.param


@pytest.fixture(scope="session")
def server_url(engine) -> str:
    """The configured URL of the engine's server (SQLite: 'sqlite://')."""
    return URLS[engine]


@pytest.fixture
def scratch_url(server_url, tmp_path):
    """An empty, unmigrated database of its own, dropped after the test."""
    url = databases.create_scratch(server_url, tmp_path)
    yield url
    databases.bindings.close()  # its connections, before the database is dropped
    databases.drop_scratch(url)


@pytest.fixture(autouse=True)
def _bindings():
    """Whatever a test bound with databases.use() is unbound (and closed) when it ends."""
    with databases.bindings:
        yield


@pytest.fixture(scope="session")
def migrated_url(server_url, tmp_path_factory):
    """A database migrated once per engine for the session; tests empty it in between."""
    url = databases.create_scratch(server_url, tmp_path_factory.mktemp("sqlite"))
    database = db.Database(url)
    with database.bound(), database.connection():
        migrations.upgrade()
    database.close()
    yield url
    databases.drop_scratch(url)


@pytest.fixture
def make_settings(tmp_path):
    """Build settings for a test: data in tmp_path, no config file, no environment."""
    def make(**values):
        flags = {"DATA_DIR": str(tmp_path / "data"), "SECRET_KEY": "test-secret",
                 "POOL_TIMEOUT": "5", "LOG_LEVEL": "warning"}
        flags.update({key: str(value) for key, value in values.items()})
        return load_settings(flags, environ={})
    return make


@pytest.fixture
def settings(make_settings, migrated_url):
    return make_settings(DATABASE_URL=migrated_url)


@pytest.fixture
def database(settings):
    """A fresh, migrated, empty database on the engine under test, bound for the test."""
    database = databases.use(settings)
    databases.empty_all_tables(database.peewee, MODELS)
    database.give_back()
    return database.peewee


@pytest.fixture
def app(database, settings):
    """The app, whose database (and cache) the test's own code then uses too."""
    app = create_app(settings)
    databases.use(app.database)
    return app


@pytest.fixture
def client(app):
    return webtest.TestApp(app, extra_environ={"REMOTE_ADDR": "127.0.0.1"})


@pytest.fixture
def make_user(database):
    """Create a user directly through the accounts service."""
    def make(role: str = "staff", email: str | None = None, password: str = PASSWORD) -> User:
        email = email or f"{role}{User.select().count() + 1}@example.com"
        with db.database.connection_context():
            return accounts.create_user(email, role.title(), password, role=role)
    return make


@pytest.fixture
def api_as(app, make_user):
    """A JSON client signed in with a bearer token as a new user of the given role."""
    def as_role(role: str) -> ApiClient:
        user = make_user(role)
        with db.database.connection_context():
            _, secret = accounts.create_token(user, "tests")
        return ApiClient(webtest.TestApp(app), secret)
    return as_role


@pytest.fixture
def api(api_as) -> ApiClient:
    """A JSON client signed in as staff (may change the catalogue, customers, orders)."""
    return api_as("staff")


def _own_redis_database(url: str) -> str:
    """The test worker's own Redis database: the configured one, less the worker's number.

    Parallel workers (pytest -n, pytest-xdist) each empty their cache in their tests; in
    one Redis database they would empty each other's mid-test.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    parts = urlsplit(url)
    number = int(parts.path.strip("/") or 0) - int(worker)
    if number < 0:
        pytest.fail(f"{url}: no Redis database below it is left for worker gw{worker}")
    return urlunsplit(parts._replace(path=f"/{number}"))


@pytest.fixture(scope="session")
def redis_url():
    url = os.environ.get("TINYAPP_TEST_REDIS")
    if url:
        url = _own_redis_database(url)
    reason = None
    if not url:
        reason = "Redis not configured: set TINYAPP_TEST_REDIS=redis://127.0.0.1:6379/15"
    elif not RedisCache(url).ping():
        reason = f"Redis at {url} does not answer"
    if reason:
        if databases.in_ci():
            pytest.fail(reason)
        pytest.skip(reason)
    return url


@pytest.fixture
def small_disk(tmp_path):
    """Mount a tiny tmpfs of its own (a real full or read-only disk); skip where not allowed."""
    mounted = []

    def mount(kilobytes: int, read_only: bool = False):
        point = tmp_path / f"disk{len(mounted)}"
        point.mkdir()
        options = f"size={kilobytes}k,mode=0777" + (",ro" if read_only else "")
        result = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tinyapp-test",
                                 str(point)], capture_output=True, text=True)
        if result.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here ({result.stderr.strip()}); "
                        "run as root for the full-disk tests")
        mounted.append(point)
        return point

    yield mount
    for point in mounted:
        subprocess.run(["umount", str(point)], check=True)


@pytest.fixture
def own_settings(server_url, tmp_path, make_settings):
    """Settings for a filled database of the test's own: restoring over it changes no other."""
    url = databases.create_scratch(server_url, tmp_path)
    settings = make_settings(DATABASE_URL=url)
    databases.use(settings)
    with db.database.connection_context():
        migrations.upgrade()
    backups.fill()
    yield settings
    databases.bindings.close()
    databases.drop_scratch(url)


@pytest.fixture
def environment(tmp_path, monkeypatch):
    """Run ``tinyapp`` commands (``tinyapp.cli.main``) as a user would: settings from
    TINYAPP_* only, the data in tmp_path/data, in an empty folder."""
    from tinyapp.config import SETTINGS

    for name in [s.env_name for s in SETTINGS] + ["TINYAPP_CONFIG"]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TINYAPP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TINYAPP_LOG_LEVEL", "warning")
    monkeypatch.chdir(tmp_path)
    return tmp_path
