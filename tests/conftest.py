"""Fixtures: the engines under test, a fresh migrated database, the app and a client.

Engines come from TINYAPP_TEST_DATABASES (comma-separated URLs; default "sqlite").
Any test that uses the ``database`` fixture (or ``app``/``client``) runs once per
engine; an engine with no URL is skipped with the reason shown, and under CI=true a
missing or unreachable engine fails the run instead.
"""

import pytest
import webtest
from argon2 import PasswordHasher

from tests.support import databases
from tests.support.api import ApiClient
from tinyapp import db, migrations
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
    if db.database.obj is not None:
        db.database.close_all()
    databases.drop_scratch(url)


@pytest.fixture(scope="session")
def migrated_url(server_url, tmp_path_factory):
    """A database migrated once per engine for the session; tests empty it in between."""
    url = databases.create_scratch(server_url, tmp_path_factory.mktemp("sqlite"))
    settings = load_settings({"DATABASE_URL": url}, environ={})
    db.init_database(settings)
    with db.database.connection_context():
        migrations.upgrade()
    db.database.close_all()
    yield url
    if db.database.obj is not None:
        db.database.close_all()
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
    """A fresh, migrated, empty database on the engine under test."""
    database = db.init_database(settings)
    databases.empty_all_tables(database, MODELS)
    database.close()
    yield database
    database.close_all()


@pytest.fixture
def app(database, settings):
    return create_app(settings)


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
