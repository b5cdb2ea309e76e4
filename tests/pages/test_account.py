"""The account page, the users pages (admins), reports and the system page."""

import re

from tests.conftest import PASSWORD
from tinyapp import db
from tinyapp.models import User
from tinyapp.services import orders


def test_an_api_token_secret_is_shown_once_and_works(client, sign_in, app):
    sign_in("staff")
    form = client.get("/account").forms["token-form"]
    form["name"] = "nightly export"
    page = form.submit(status=201)
    secret = page.html.select_one("#new-token-secret")["value"]
    assert secret.startswith("tk_")
    assert secret not in client.get("/account").text
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).json
    assert me["user"]["role"] == "staff"
    revoke = client.get(client.get("/account").html.select_one(
        'a[href$="/revoke"]')["href"])
    revoke.forms["confirm-form"].submit(status=303)
    client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}, status=401)


def test_a_password_change_checks_the_current_one_and_the_policy(client, sign_in):
    sign_in("staff")
    form = client.get("/account").forms["password-form"]
    form["current_password"], form["new_password"] = "wrong", "short"
    page = form.submit(status=422)
    assert "not your current password" in page.html.select_one(
        "#field-current_password-error").text
    form = page.forms["password-form"]
    form["current_password"], form["new_password"] = PASSWORD, "short"
    page = form.submit(status=422)
    assert "at least 10" in page.html.select_one("#field-new_password-error").text
    form = page.forms["password-form"]
    form["current_password"], form["new_password"] = PASSWORD, "a much better passphrase"
    assert "password is changed" in form.submit(status=303).follow().text


def test_an_admin_adds_a_user_changes_the_role_and_deactivates_them(client, sign_in):
    sign_in("admin")
    form = client.get("/users/new").forms["user-form"]
    form["name"], form["email"], form["password"], form["role"] = (
        "Linus", "linus@example.com", PASSWORD, "viewer")
    page = form.submit(status=303).follow()
    assert "Linus can now sign in" in page.text
    with db.database.connection_context():
        linus = User.by_email("linus@example.com")
    form = client.get(f"/users/{linus.id}").forms["user-form"]
    form["role"] = "staff"
    form.submit(status=303)
    confirm = client.get(f"/users/{linus.id}/deactivate")
    page = confirm.forms["confirm-form"].submit(status=303).follow()
    assert "deactivated" in page.text
    with db.database.connection_context():
        linus = User.get_by_id(linus.id)
    assert (linus.role, linus.is_active) == ("staff", False)


def test_the_last_admin_cannot_be_demoted(client, sign_in):
    admin = sign_in("admin")
    form = client.get(f"/users/{admin.id}").forms["user-form"]
    form["role"] = "viewer"
    assert "last active admin" in form.submit(status=422).text


def test_reports_show_charts_with_their_numbers(client, sign_in, shop):
    sign_in("viewer")
    with db.database.connection_context():
        order = orders.create_order({"customer_id": shop["customer"].id,
                                     "lines": [{"product_id": shop["drill"].id,
                                                "quantity": 2}]})
        orders.place_order(order.id)
    html = client.get("/reports").html
    svg = html.select_one("svg#sales-chart")
    assert svg["role"] == "img" and svg.select_one("title").text
    assert "199.80 EUR" in html.select_one("#top-products table").text
    assert "Tools" in html.select_one("#categories table").text
    bad = client.get("/reports?from=2026-13-01", status=422)
    assert bad.html.select_one("#field-from-error")


def test_report_presets_pick_the_period_and_each_report_downloads_as_csv(
        client, sign_in, shop):
    sign_in("viewer")
    with db.database.connection_context():
        order = orders.create_order({"customer_id": shop["customer"].id,
                                     "lines": [{"product_id": shop["drill"].id,
                                                "quantity": 2}]})
        orders.place_order(order.id)
    html = client.get("/reports").html
    presets = {a.text: a for a in html.select(".presets a")}
    assert list(presets) == ["Last 30 days", "This month", "Last month", "This year",
                             "Last year"]
    assert presets["Last 30 days"]["aria-current"] == "true"  # the default period
    year = client.get(presets["This year"]["href"]).html
    assert year.select_one('.presets a[aria-current="true"]').text == "This year"
    assert "Sales per month" in year.select_one("#sales h2").text
    top = client.get(year.select_one("#top-products a[download]")["href"])
    assert top.content_type == "text/csv"
    assert top.text.splitlines()[1] == "DR-1,Drill,2,199.80"


def test_an_empty_report_says_so_instead_of_an_axis_from_nothing(client, sign_in, database):
    sign_in("viewer")
    svg = client.get("/reports").html.select_one("svg#sales-chart")
    assert "No sales in this period" in svg.text
    assert not svg.select("text.axis")


def test_dates_follow_the_date_style_chosen_in_the_preferences(client, sign_in, shop):
    sign_in("staff")
    form = client.get("/account").forms["preferences-form"]
    form["date_format"] = "iso"
    form.submit(status=303)
    html = client.get(f"/customers/{shop['customer'].id}").html
    since = html.select_one(".facts").text

    assert re.search(r"Customer since\s*\d{4}-\d{2}-\d{2}", since)
    assert re.search(r"from \d{4}-\d{2}-\d{2} to", client.get("/reports").text)


def test_the_system_page_shows_the_database_and_the_cache(client, sign_in, engine):
    sign_in("admin")
    html = client.get("/system").html
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL", "mysql": "MySQL / MariaDB"}
    assert names[engine] in html.select_one("main").text
    assert "0001_initial" in html.select_one("#migrations").text


def test_an_empty_shop_teaches_the_next_step_and_can_load_the_demo(client, sign_in, database):
    sign_in("admin")
    home = client.get("/")
    actions = {a.text for a in home.html.select(".empty-state a")}
    assert "Add the first product" in actions
    assert "No products match" not in client.get("/products").text
    assert "Add the first product" in client.get("/products").text
    page = home.forms["demo-form"].submit(status=303).follow()
    assert "Demo data loaded: 48 products, 30 customers and 700 orders." in page.text
    assert not page.html.select(".empty-state")
    again = client.post("/system/demo", {"csrf_token": home.forms["demo-form"]["csrf_token"].value},
                        status=303).follow()
    assert "already has products" in again.html.select_one(".flash-error").text
