"""CSRF on cookie-authenticated changes, and API tokens for scripts."""

import datetime as dt
import os

import pytest
import webtest

from tests.conftest import PASSWORD
from tinyapp import db
from tinyapp.models import ApiToken, Change, utcnow


@pytest.fixture
def browser(app, make_user):
    """A client signed in by cookie as staff; returns (client, csrf token)."""
    user = make_user("staff")
    client = webtest.TestApp(app)
    csrf = client.post_json("/api/v1/auth/login", {"email": user.email,
                                                   "password": PASSWORD}).json["csrf_token"]
    return client, csrf


@pytest.mark.parametrize("headers", [{}, {"X-CSRF-Token": "wrong"}])
def test_a_cookie_change_without_the_right_csrf_token_is_403(browser, headers):
    client, _ = browser
    problem = client.post_json("/api/v1/categories", {"name": "Tools"}, headers=headers,
                               status=403).json
    assert "CSRF" in problem["detail"]
    assert client.get("/api/v1/categories").json["items"] == []


def test_a_cookie_change_with_the_csrf_token_succeeds(browser):
    client, csrf = browser
    client.post_json("/api/v1/categories", {"name": "Tools"}, headers={"X-CSRF-Token": csrf},
                     status=201)


def test_the_csrf_token_also_works_as_a_form_field(browser, app):
    client, csrf = browser
    app.bottle.route("/form-echo", "POST", lambda: {"ok": True}, permission="catalog:write")
    client.post("/form-echo", {"csrf_token": csrf}, status=200)
    client.post("/form-echo", {"csrf_token": "nope"}, status=403)


def test_reading_needs_no_csrf_token(browser):
    client, _ = browser
    client.get("/api/v1/products")


def test_a_token_is_shown_once_stored_hashed_and_works_without_csrf(browser, app):
    client, csrf = browser
    created = client.post_json("/api/v1/tokens", {"name": "nightly export"},
                               headers={"X-CSRF-Token": csrf}, status=201).json
    secret = created["token"]
    assert secret.startswith("tk_") and created["prefix"] == secret[:10]
    listed = client.get("/api/v1/tokens").json["items"]
    assert listed[0]["name"] == "nightly export" and "token" not in listed[0]
    with db.database.connection_context():
        assert secret not in ApiToken.get().token_hash
        journalled = Change.get(Change.entity == "token", Change.action == "create")
        assert "token_hash" not in journalled.changes and secret not in str(journalled.changes)

    script = webtest.TestApp(app)
    bearer = {"Authorization": f"Bearer {secret}"}
    script.post_json("/api/v1/categories", {"name": "Tools"}, headers=bearer, status=201)
    assert script.get("/api/v1/tokens", headers=bearer).json["items"][0]["last_used_at"]

    client.delete(f"/api/v1/tokens/{created['id']}", headers={"X-CSRF-Token": csrf},
                  status=204)
    problem = script.get("/api/v1/products", headers=bearer, status=401).json
    assert "invalid, expired or revoked" in problem["detail"]


def test_an_expired_token_is_refused(api, app):
    with db.database.connection_context():
        ApiToken.update(expires_at=utcnow() - dt.timedelta(seconds=1)).execute()
    api.get("/api/v1/products", status=401)


@pytest.mark.parametrize("header", ["Bearer", "Basic dXNlcjpwYXNz", "Bearer tk_made_up"])
def test_malformed_or_unknown_credentials_are_401(client, header):
    client.get("/api/v1/products", headers={"Authorization": header}, status=401)


def test_one_user_cannot_revoke_another_users_token(api_as):
    alice, bob = api_as("staff"), api_as("staff")
    token_id = alice.get("/api/v1/tokens").json["items"][0]["id"]
    bob.delete(f"/api/v1/tokens/{token_id}", status=404)
    alice.get("/api/v1/me")


def test_a_flash_cookie_is_never_unpickled_even_when_signed_with_the_secret(
        app, client, tmp_path):
    """bottle's signed cookies are pickles: whoever learnt SECRET_KEY could have run code
    on the server with one. The flash cookie is signed JSON; anything else is ignored."""
    import base64
    import hashlib
    import hmac
    import pickle

    marker = tmp_path / "ran"

    class RunsCode:
        def __reduce__(self):
            return (os.mkdir, (str(marker),))

    secret = app.settings.SECRET_KEY.encode()
    payload = base64.b64encode(pickle.dumps(("tinyapp_flash", RunsCode())))
    signature = base64.b64encode(hmac.new(secret, payload, hashlib.sha256).digest())
    client.set_cookie("tinyapp_flash", "!" + signature.decode() + "?" + payload.decode())
    client.get("/login")
    assert not marker.exists()


@pytest.mark.parametrize("value", ['[["success", "forged"]]', "é.W1sic3VjY2VzcyIsICJmb3JnZWQiXV0=",
                                   "0" * 64 + ".W1sic3VjY2VzcyIsICJmb3JnZWQiXV0=", ".", "x.%%%"])
def test_a_flash_cookie_that_is_not_signed_is_ignored(app, client, value):
    client.set_cookie("tinyapp_flash", value)
    page = client.get("/login")
    assert page.status_int == 200 and "forged" not in page.text
