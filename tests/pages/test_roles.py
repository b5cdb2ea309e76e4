"""Who sees which page, what a viewer may not do, and CSRF on every form post."""

import pytest

from tests.pages.conftest import csrf_of

PAGES = {  # path: the roles that may see it
    "/": ("viewer", "staff", "admin"),
    "/products": ("viewer", "staff", "admin"),
    "/products/new": ("staff", "admin"),
    "/categories": ("viewer", "staff", "admin"),
    "/customers": ("viewer", "staff", "admin"),
    "/customers/new": ("staff", "admin"),
    "/orders": ("viewer", "staff", "admin"),
    "/orders/new": ("staff", "admin"),
    "/reports": ("viewer", "staff", "admin"),
    "/account": ("viewer", "staff", "admin"),
    "/users": ("admin",),
    "/users/new": ("admin",),
    "/system": ("admin",),
}


@pytest.mark.parametrize("role", ["viewer", "staff", "admin"])
def test_each_page_shows_for_the_roles_allowed_and_is_forbidden_to_others(
        client, sign_in, shop, role):
    sign_in(role)
    for path, roles in PAGES.items():
        page = client.get(path, status=200 if role in roles else 403)
        assert "<h1" in page.text, path
    for path in (f"/products/{shop['drill'].id}", f"/customers/{shop['customer'].id}"):
        client.get(path, status=200)


def test_the_navigation_offers_only_what_the_role_may_open(client, sign_in):
    sign_in("staff")
    nav = {a.text for a in client.get("/").html.select(".main-nav a")}
    assert nav == {"Dashboard", "Products", "Categories", "Customers", "Orders", "Reports"}


def test_a_viewer_sees_no_edit_buttons(client, sign_in, shop):
    sign_in("viewer")
    for path in ("/", "/products", f"/products/{shop['drill'].id}", "/categories",
                 "/customers", f"/customers/{shop['customer'].id}", "/orders"):
        html = client.get(path).html
        links = {a["href"] for a in html.select("main a")}
        assert not [href for href in links
                    if href.endswith(("/new", "/edit", "/archive", "/delete"))], path
        assert not html.select("main form[method=post]"), path


def test_a_staff_member_sees_the_edit_buttons(client, sign_in, shop):
    sign_in("staff")
    html = client.get(f"/products/{shop['drill'].id}").html
    assert html.select_one(f'a[href="/products/{shop["drill"].id}/edit"]')
    assert html.select_one(f'form[action="/products/{shop["drill"].id}/stock"]')


def test_a_forged_post_from_a_viewer_is_forbidden_and_changes_nothing(client, sign_in, shop):
    sign_in("viewer")
    token = csrf_of(client.get("/"))
    page = client.post("/products", {"csrf_token": token, "sku": "HACK-1", "name": "Hack",
                                     "price": "1"}, status=403)
    assert "Viewers can look at everything but change nothing" in page.text
    assert "catalog:write" not in page.text  # plain words, not permission codes
    assert page.html.select_one('nav[aria-label="Main"]')  # and a way on
    assert "HACK-1" not in client.get("/products").text


def test_a_form_post_without_the_csrf_token_is_forbidden(client, sign_in, shop):
    sign_in("staff")
    page = client.post("/categories", {"name": "Garden"}, status=403)
    assert "CSRF token is missing or wrong" in page.text
    page = client.post("/categories", {"name": "Garden", "csrf_token": "wrong"}, status=403)
    assert "Garden" not in client.get("/categories").text


def test_error_pages_are_pages_in_the_same_style(client, sign_in):
    sign_in("staff")
    page = client.get("/products/999999", status=404)
    assert page.content_type == "text/html"
    assert 'href="/static/app.css"' in page.text
    assert "There is no product with id 999999." in page.text
    assert client.get("/no/such/page", status=404).html.select_one(".error-code").text == "404"


def test_a_missing_page_keeps_the_navigation_for_someone_signed_in(client, sign_in):
    sign_in("staff")
    page = client.get("/no/such/page", status=404)
    assert page.html.select_one('nav[aria-label="Main"]')
    assert page.html.select_one("h1").text == "Page not found"


def test_when_the_database_is_down_the_page_says_so_and_offers_to_try_again(make_settings):
    import webtest

    from tinyapp.web.app import create_app

    app = create_app(make_settings(DATABASE_URL="postgresql://nobody@127.0.0.1:9/none",
                                   POOL_TIMEOUT=1))
    client = webtest.TestApp(app, extra_environ={"REMOTE_ADDR": "127.0.0.1"})
    client.set_cookie("tinyapp_session", "any")
    page = client.get("/products?q=drill", status=503)
    assert page.html.select_one("h1").text == "The database is not available"
    again = page.html.select_one("a.button")
    assert again.text == "Try again" and again["href"] == "/products?q=drill"
