"""Signing in and out through the pages, and the first-run setup link."""

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


def test_the_setup_link_creates_the_first_admin_and_then_dies(client, app):
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
    assert "Your admin account is ready" in page.text
    login = page.forms[0]
    login["email"], login["password"] = "grace@example.com", PASSWORD
    assert login.submit(status=303).follow().status_int == 200
    assert "Grace" in client.get("/users").text
    assert client.get(path, status=404)


def test_a_wrong_setup_token_is_not_found(client, database):
    assert "not valid" in client.get("/setup?token=guess", status=404).text
