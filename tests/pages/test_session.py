"""Signing in and out through the pages, and the first-run setup link."""

import pytest

from tests.conftest import PASSWORD
from tinyapp import db


def test_a_signed_out_visitor_is_sent_to_the_login_page_and_back(client, make_user):
    user = make_user("staff")
    answer = client.get("/products?q=drill", status=303)
    assert answer.location.endswith("/login?next=%2Fproducts%3Fq%3Ddrill")
    form = answer.follow().forms[0]
    form["email"], form["password"] = user.email, PASSWORD
    assert form.submit(status=303).location.endswith("/products?q=drill")


def test_a_wrong_password_is_refused_and_the_email_is_kept(client, make_user):
    user = make_user("staff")
    form = client.get("/login").forms[0]
    form["email"], form["password"] = user.email, "not the password"
    page = form.submit(status=401)
    assert "Wrong e-mail address or password." in page.text
    assert page.forms[0]["email"].value == user.email
    assert page.forms[0]["password"].value == ""  # never echoed back


def test_the_login_page_only_follows_local_next_links(client, make_user):
    user = make_user("staff")
    form = client.get("/login?next=//evil.example/x").forms[0]
    form["email"], form["password"] = user.email, PASSWORD
    location = form.submit(status=303).location
    assert location.endswith("localhost:80/") and "evil" not in location


def test_signing_out_ends_the_session(client, sign_in):
    sign_in("staff")
    page = client.get("/")
    page = page.forms["logout-form"].submit(status=303).follow()
    assert "You are signed out." in page.text
    assert client.get("/", status=303).location.endswith("/login")


def test_the_setup_link_creates_the_first_admin_signs_them_in_and_then_dies(client, app):
    with db.database.connection_context():
        link = app.bottle.config["tinyapp.first_run"].pending_link("http://localhost")
    path = link.removeprefix("http://localhost")
    form = client.get(path).forms[0]
    form["name"], form["email"], form["password"] = "Grace", "grace@example.com", "short"
    page = form.submit(status=422)
    assert "at least 10 characters" in page.html.select_one("#field-password-error").text
    assert page.forms[0]["email"].value == "grace@example.com"

    page.forms[0]["password"] = PASSWORD
    page = page.forms[0].submit(status=303).follow()
    assert "Your admin account is ready, and you are signed in" in page.text
    assert page.html.select_one("h1").text.strip() == "Dashboard"
    assert "Grace" in client.get("/users").text  # signed in as the new admin
    assert client.get(path, status=404)


def test_a_wrong_setup_token_is_not_found(client, database):
    assert "not valid" in client.get("/setup?token=guess", status=404).text


CROSS_SITE = [{"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"},
              {"Origin": "null"},
              {"Sec-Fetch-Site": "same-site", "Origin": "https://shop.evil.example"}]


def login_post(client, email, headers, status):
    return client.post("/login", {"email": email, "password": PASSWORD, "next": "/"},
                       headers=headers, status=status)


@pytest.mark.parametrize("headers", CROSS_SITE)
def test_another_site_cannot_sign_a_browser_in(client, make_user, headers):
    """Login CSRF: a form on evil.example posting to /login must not start a session."""
    user = make_user("staff")
    page = login_post(client, user.email, headers, status=403)
    assert "another site" in page.text
    assert not [c for c in client.cookiejar if c.name == "tinyapp_session"]
    client.get("/", status=303)  # still signed out


@pytest.mark.parametrize("headers", [
    {}, {"Sec-Fetch-Site": "same-origin"}, {"Sec-Fetch-Site": "none"},
    {"Origin": "http://localhost:80"}, {"Origin": "http://localhost"}])
def test_the_login_form_works_from_its_own_pages_and_for_plain_clients(client, make_user,
                                                                       headers):
    user = make_user("staff")
    login_post(client, user.email, headers, status=303)
    client.get("/", status=200)


@pytest.mark.parametrize("headers", CROSS_SITE[:2])
def test_another_site_cannot_use_the_setup_link(client, app, headers):
    with db.database.connection_context():
        link = app.bottle.config["tinyapp.first_run"].pending_link("http://localhost")
    token = link.split("token=")[1]
    client.post("/setup", {"token": token, "name": "Eve", "email": "eve@example.com",
                           "password": "the eve phrase 123"}, headers=headers, status=403)
    client.post_json("/api/v1/setup", {"token": token, "name": "Eve",
                                       "email": "eve@example.com",
                                       "password": "the eve phrase 123"},
                     headers=headers, status=403)
    with db.database.connection_context():
        assert link == app.bottle.config["tinyapp.first_run"].pending_link("http://localhost")
