"""Admins manage users; the first admin comes from the one-time setup link."""

import io

import pytest
import webtest

from tests.conftest import PASSWORD
from tinyapp import db
from tinyapp.cli import main
from tinyapp.models import Change, User


def test_admins_create_users_and_change_roles_with_an_audit_trail(api_as):
    admin = api_as("admin")
    created = admin.post("/api/v1/users", {"email": "New@Example.org", "name": "New",
                                           "password": "a long fresh phrase", "role": "viewer"},
                         status=201).json
    assert created["email"] == "new@example.org" and "password" not in created
    changed = admin.patch(f"/api/v1/users/{created['id']}", {"role": "staff"}).json
    assert changed["role"] == "staff"
    with db.database.connection_context():
        event = Change.of("user", created["id"]).where(Change.action == "update").get()
    assert event.changes == {"role": ["viewer", "staff"]}


def test_a_duplicate_email_is_a_conflict_whatever_its_case(api_as, make_user):
    admin = api_as("admin")
    make_user("staff", email="sam@example.org")
    admin.post("/api/v1/users", {"email": "SAM@example.org", "name": "Sam",
                                 "password": "another long phrase"}, status=409)


def test_the_last_admin_cannot_be_demoted_or_deactivated(api_as):
    admin = api_as("admin")
    me = admin.get("/api/v1/me").json["user"]
    assert "last active admin" in admin.patch(f"/api/v1/users/{me['id']}",
                                              {"role": "staff"}, status=409).json["detail"]
    admin.patch(f"/api/v1/users/{me['id']}", {"is_active": False}, status=409)


def test_the_setup_link_creates_the_first_admin_once(app):
    client = webtest.TestApp(app)
    first_run = app.bottle.config["tinyapp.first_run"]
    with db.database.connection_context():
        link = first_run.pending_link("http://127.0.0.1:8080/")
    token = link.split("token=")[1]
    body = {"token": token, "email": "boss@example.org", "name": "Boss",
            "password": "the boss phrase 123"}
    client.post_json("/api/v1/setup", {**body, "token": "guess"}, status=404)
    assert client.post_json("/api/v1/setup", body, status=201).json["role"] == "admin"
    client.post_json("/api/v1/setup", {**body, "email": "two@example.org"}, status=404)
    with db.database.connection_context():
        assert first_run.pending_link("http://127.0.0.1:8080/") is None
        assert User.select().count() == 1


def test_no_setup_link_once_an_admin_exists(app, make_user):
    make_user("admin")
    with db.database.connection_context():
        assert app.bottle.config["tinyapp.first_run"].pending_link("http://x/") is None


@pytest.fixture
def cli_flags(settings):
    return ["--database-url", settings.DATABASE_URL, "--data-dir", str(settings.DATA_DIR)]


def test_createuser_and_passwd_from_the_command_line(database, cli_flags, monkeypatch,
                                                     capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("a command line phrase\n"))
    assert main(["createuser", "ops@example.org", "--role", "admin", "--password-stdin",
                 *cli_flags]) == 0
    assert "created admin ops@example.org" in capsys.readouterr().out

    monkeypatch.setattr("sys.stdin", io.StringIO("password123\n"))
    assert main(["passwd", "ops@example.org", "--password-stdin", *cli_flags]) == 1
    assert "commonly used" in capsys.readouterr().err

    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["passwd", "ops@example.org", "--password-stdin", *cli_flags]) == 0
    with db.database.connection_context():
        from tinyapp.services import accounts
        assert accounts.check_credentials("ops@example.org", PASSWORD).role == "admin"


def test_createuser_refuses_a_bad_role_with_exit_2(database, cli_flags):
    with pytest.raises(SystemExit) as raised:
        main(["createuser", "x@example.org", "--role", "owner", *cli_flags])
    assert raised.value.code == 2


def setup_token(app) -> str:
    first_run = app.bottle.config["tinyapp.first_run"]
    with db.database.connection_context():
        link = first_run.pending_link("http://127.0.0.1:8080/")
    assert link, "an empty database prints a setup link"
    return link.split("token=")[1]


def test_the_setup_link_stops_once_any_user_exists(app, make_user):
    token = setup_token(app)
    make_user("staff")  # e.g. `tinyapp createuser` while the link was still on screen
    client = webtest.TestApp(app)
    client.post_json("/api/v1/setup", {"token": token, "email": "boss@example.org",
                                       "name": "Boss", "password": "the boss phrase 123"},
                     status=404)
    client.get(f"/setup?token={token}", status=404)
    with db.database.connection_context():
        assert not User.select().where(User.role == "admin").exists()


def test_without_an_active_admin_the_setup_link_does_not_come_back(app, make_user):
    token = setup_token(app)
    admin = make_user("admin")
    with db.database.connection_context():
        User.update(is_active=False).where(User.id == admin.id).execute()
        assert app.bottle.config["tinyapp.first_run"].pending_link("http://x/") is None
    webtest.TestApp(app).post_json("/api/v1/setup", {
        "token": token, "email": "intruder@example.org", "name": "Intruder",
        "password": "the intruder phrase 1"}, status=404)
    with db.database.connection_context():
        assert User.get_or_none(User.email == "intruder@example.org") is None
