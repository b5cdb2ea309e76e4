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
    assert "may not do this" in page.text
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
