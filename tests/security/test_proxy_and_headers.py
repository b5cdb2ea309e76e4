"""HTTPS behind a proxy: Secure cookies, HSTS, and X-Forwarded-* believed only from it."""

import webtest

from tests.conftest import PASSWORD
from tinyapp import db
from tinyapp.models import Change
from tinyapp.web.app import create_app

PROXY = "10.1.2.3"
HTTPS_FROM_PROXY = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_PROTO": "https",
                    "HTTP_X_FORWARDED_FOR": "203.0.113.7"}


def login_cookie(client, email, **environ) -> str:
    response = client.post_json("/api/v1/auth/login", {"email": email, "password": PASSWORD},
                                extra_environ=environ)
    return next(v for k, v in response.headerlist if k == "Set-Cookie")


def test_https_through_the_trusted_proxy_gives_secure_cookies_and_hsts(make_settings,
                                                                     migrated_url, make_user):
    user = make_user("staff")
    client = webtest.TestApp(create_app(make_settings(DATABASE_URL=migrated_url,
                                                      TRUSTED_PROXY=PROXY)))
    assert "Secure" in login_cookie(client, user.email, **HTTPS_FROM_PROXY)
    response = client.get("/healthz", extra_environ=HTTPS_FROM_PROXY)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    with db.database.connection_context():
        login = Change.get(Change.action == "login")
    assert login.details["ip"] == "203.0.113.7"  # the client the proxy saw


def test_forwarded_headers_from_anyone_else_are_ignored(make_settings, migrated_url,
                                                       make_user):
    user = make_user("staff")
    client = webtest.TestApp(create_app(make_settings(DATABASE_URL=migrated_url,
                                                      TRUSTED_PROXY=PROXY)))
    spoofed = {**HTTPS_FROM_PROXY, "REMOTE_ADDR": "198.51.100.9"}
    assert "Secure" not in login_cookie(client, user.email, **spoofed)
    assert "Strict-Transport-Security" not in client.get("/healthz",
                                                         extra_environ=spoofed).headers
    with db.database.connection_context():
        assert Change.get(Change.action == "login").details["ip"] == "198.51.100.9"


def test_secure_cookies_setting_marks_cookies_secure_on_plain_http(make_settings,
                                                                  migrated_url, make_user):
    user = make_user("staff")
    client = webtest.TestApp(create_app(make_settings(DATABASE_URL=migrated_url,
                                                      SECURE_COOKIES="true")))
    assert "Secure" in login_cookie(client, user.email)


def test_security_headers_on_api_errors_and_pages(client):
    for response in (client.get("/api/v1/products", status=401),
                     client.get("/no-such-page", status=404),
                     client.get("/healthz"),
                     client.get("/api/docs")):
        headers = response.headers
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert "unsafe-inline" not in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers  # plain HTTP
