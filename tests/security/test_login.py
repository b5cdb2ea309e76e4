"""Signing in over the API: sessions, cookies, expiry, throttling, and no account probing."""

import datetime as dt
import statistics
import time

import webtest

from tests.conftest import PASSWORD
from tinyapp import db
from tinyapp.models import Change, Session, utcnow
from tinyapp.web.auth import SESSION_COOKIE


def log_in(client, email, password=PASSWORD, status=200, **extra):
    return client.post_json("/api/v1/auth/login", {"email": email, "password": password},
                            status=status, **extra)


def session_cookie(response) -> str:
    header = [v for k, v in response.headerlist if k == "Set-Cookie"
              and v.startswith(SESSION_COOKIE + "=")]
    assert header, "no session cookie was set"
    return header[0]


def test_login_returns_the_user_and_a_csrf_token_and_sets_a_safe_cookie(client, make_user):
    user = make_user("staff")
    response = log_in(client, user.email.upper())  # e-mail addresses ignore case
    assert response.json["user"]["email"] == user.email
    assert len(response.json["csrf_token"]) >= 32
    cookie = session_cookie(response)
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    assert "Secure" not in cookie  # plain HTTP, no proxy, SECURE_COOKIES off
    me = client.get("/api/v1/me").json
    assert me["user"]["id"] == user.id and me["csrf_token"] == response.json["csrf_token"]


def test_only_the_hash_of_the_session_token_is_stored(client, make_user):
    user = make_user("staff")
    cookie = session_cookie(log_in(client, user.email)).split(";")[0].split("=", 1)[1]
    with db.database.connection_context():
        stored = [s.token_hash for s in Session.select()]
    assert cookie not in stored and len(stored[0]) == 64


def test_each_login_gets_a_new_token_so_a_planted_one_is_useless(app, make_user):
    user = make_user("staff")
    client = webtest.TestApp(app)
    client.set_cookie(SESSION_COOKIE, "planted-by-an-attacker")
    first = session_cookie(log_in(client, user.email))
    second = session_cookie(log_in(webtest.TestApp(app), user.email))
    assert "planted-by-an-attacker" not in first and first != second


def test_wrong_password_and_unknown_email_get_identical_answers(client, make_user):
    user = make_user("staff")
    wrong = log_in(client, user.email, "not the password at all", status=401)
    unknown = log_in(client, "nobody@example.org", "not the password at all", status=401)
    assert wrong.json == unknown.json
    assert wrong.json["detail"] == "Wrong e-mail address or password."


def test_wrong_password_and_unknown_email_take_similar_time(client, make_user):
    """An unknown e-mail still costs one argon2 verification, so timing reveals nothing."""
    user = make_user("staff")

    def timed(email):
        started = time.perf_counter()
        client.post_json("/api/v1/auth/login", {"email": email, "password": "wrong pass 123"},
                         status=401, extra_environ={"REMOTE_ADDR": f"10.0.0.{len(email)}"})
        return time.perf_counter() - started

    known, unknown = [], []
    for n in range(5):  # interleaved, so a busy machine slows both alike (5: the throttle)
        known.append(timed(user.email))
        unknown.append(timed(f"nobody{n}@example.org"))
    assert 0.5 < statistics.median(unknown) / statistics.median(known) < 2.0


def test_the_sixth_rapid_failure_is_refused_with_429_until_the_window_passes(app, make_user):
    user = make_user("staff")
    client = webtest.TestApp(app, extra_environ={"REMOTE_ADDR": "192.0.2.10"})
    clock = [1_000_000.0]
    app.bottle.config["tinyapp.throttle"].clock = lambda: clock[0]
    for _ in range(5):
        log_in(client, user.email, "wrong password!", status=401)
    refused = log_in(client, user.email, PASSWORD, status=429)
    assert int(refused.headers["Retry-After"]) >= 1
    assert "try again in" in refused.json["detail"]

    clock[0] += int(refused.headers["Retry-After"])
    log_in(client, user.email, PASSWORD, status=200)


def test_failures_lock_out_exponentially_and_are_audited(app, make_user):
    user = make_user("staff")
    client = webtest.TestApp(app, extra_environ={"REMOTE_ADDR": "192.0.2.11"})
    clock = [0.0]
    app.bottle.config["tinyapp.throttle"].clock = lambda: clock[0]
    waits = []
    for _ in range(11):
        response = log_in(client, user.email, "wrong password!", status=(401, 429))
        if response.status_int == 429:
            waits.append(int(response.headers["Retry-After"]))
            clock[0] += waits[-1]
    assert waits == [30, 60, 120]  # each failure after the lock doubles the wait
    with db.database.connection_context():
        assert Change.select().where(Change.action == "login_failed").count() >= 5


def test_logout_ends_the_session(client, make_user):
    user = make_user("staff")
    csrf = log_in(client, user.email).json["csrf_token"]
    client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf}, status=204)
    client.get("/api/v1/me", status=401)
    with db.database.connection_context():
        assert Session.select().count() == 0


def expire(**changes):
    with db.database.connection_context():
        Session.update(**changes).execute()


def test_an_idle_session_expires(client, make_user):
    log_in(client, make_user("staff").email)
    client.get("/api/v1/me")
    expire(last_seen_at=utcnow() - dt.timedelta(minutes=121))  # SESSION_IDLE_MINUTES=120
    client.get("/api/v1/me", status=401)


def test_a_session_expires_at_its_absolute_limit_however_active(client, make_user):
    log_in(client, make_user("staff").email)
    expire(expires_at=utcnow() - dt.timedelta(seconds=1))
    client.get("/api/v1/me", status=401)


def test_changing_the_password_ends_every_other_session(app, make_user):
    user = make_user("staff")
    here, elsewhere = webtest.TestApp(app), webtest.TestApp(app)
    csrf = log_in(here, user.email).json["csrf_token"]
    log_in(elsewhere, user.email)
    here.post_json("/api/v1/me/password", {"current_password": PASSWORD,
                                          "new_password": "a brand new passphrase"},
                   headers={"X-CSRF-Token": csrf}, status=204)
    here.get("/api/v1/me")
    elsewhere.get("/api/v1/me", status=401)
    log_in(webtest.TestApp(app), user.email, "a brand new passphrase")


def test_users_see_and_end_their_own_sessions(app, make_user):
    user = make_user("staff")
    here, elsewhere = webtest.TestApp(app), webtest.TestApp(app)
    csrf = log_in(here, user.email).json["csrf_token"]
    log_in(elsewhere, user.email)
    sessions = here.get("/api/v1/me/sessions").json["items"]
    assert len(sessions) == 2 and sum(s["current"] for s in sessions) == 1
    other = next(s for s in sessions if not s["current"])
    here.delete(f"/api/v1/me/sessions/{other['id']}", headers={"X-CSRF-Token": csrf},
                status=204)
    elsewhere.get("/api/v1/me", status=401)


def test_a_deactivated_user_is_signed_out(api_as, app, make_user):
    admin = api_as("admin")
    user = make_user("staff")
    client = webtest.TestApp(app)
    log_in(client, user.email)
    admin.patch(f"/api/v1/users/{user.id}", {"is_active": False})
    client.get("/api/v1/me", status=401)
    log_in(client, user.email, status=401)
