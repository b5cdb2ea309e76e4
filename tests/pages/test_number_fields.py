"""Numbers typed or linked in any script: "²" passes str.isdigit(), and int("²") raises.
Every page that reads a whole number from a query or a form answers a page, never a
500: digits of any script are a number ("٣" is 3, as int() and the API read it), and
anything else, or too long for an id, is none."""

from urllib.parse import quote

import pytest

from tests.pages.conftest import csrf_of

NOT_PLAIN = ["²", "٣", "1²", "99999999999999999999"]


@pytest.mark.parametrize("text", NOT_PLAIN)
def test_list_pages_read_page_and_size_that_are_not_plain_numbers_as_none(
        client, sign_in, shop, text):
    sign_in("admin")
    for path in ("/products", "/customers", "/orders", "/history"):
        assert client.get(path, {"page": text, "size": text}).status_int == 200
    assert client.get("/webhooks/deliveries", {"webhook_id": text}).status_int == 200


@pytest.mark.parametrize("text", ["²", "1²", "99999999999999999999"])
def test_the_order_editor_reads_numbers_that_are_not_plain_as_none(
        client, sign_in, shop, text):
    sign_in("staff")
    customer = shop["customer"]
    editor = client.get("/orders/new", {"customer": customer.id})
    page = client.post("/orders", {
        "csrf_token": csrf_of(editor), "customer_id": str(customer.id), "lines": text,
        "line-0-product": text, "line-0-quantity": text, "add_product": str(shop["drill"].id),
        "add_quantity": text}, expect_errors=True)
    assert page.status_int in (200, 422)
    assert "Enter a whole number" in page.text


def test_digits_of_another_script_are_a_number_in_the_order_editor(client, sign_in, shop):
    sign_in("staff")
    customer = shop["customer"]
    editor = client.get("/orders/new", {"customer": customer.id})
    draft = client.post("/orders", {
        "csrf_token": csrf_of(editor), "customer_id": str(customer.id), "lines": "0",
        "add_product": str(shop["drill"].id), "add_quantity": "٣"}, status=303).follow()
    assert draft.html.select_one('input[name="line-0-quantity"]')["value"] == "3"


@pytest.mark.parametrize("number", ["99999999999999999999", "-1", "٣٣٣٣٣٣٣٣٣٣٣٣٣٣٣٣٣٣٣٣"])
def test_an_id_in_a_path_beyond_any_row_is_a_404(client, sign_in, api, shop, number):
    sign_in("staff")
    number = quote(number)
    assert client.get(f"/products/{number}", expect_errors=True).status_int == 404
    assert api.get(f"/api/v1/products/{number}", status="*").status_int == 404


FILTERS = {"/customers": ["q", "active", "sort", "page", "size", "cursor"],
           "/history": ["entity", "entity_id", "user_id", "action", "since", "until"],
           "/orders": ["q", "status", "from", "to", "customer", "sort", "cursor"],
           "/products": ["q", "category", "active", "low_stock", "sort", "cursor"],
           "/reports": ["from", "to", "period"],
           "/orders/new": ["customer", "q", "find"],
           "/webhooks/deliveries": ["webhook_id", "status", "cursor"]}
ODD_VALUES = [*NOT_PLAIN, "-1", "1e9", "nan", "2026-13-45", "0000-01-01", "9999-12-31", "'",
              "%", "a" * 3000, "\u202e", "1.5", " 7 "]


def test_no_value_of_any_list_filter_is_a_server_error(client, sign_in, shop):
    sign_in("admin")
    failed = [(path, name, value[:20]) for path, names in FILTERS.items() for name in names
              for value in ODD_VALUES
              if client.get(path, {name: value}, expect_errors=True).status_int >= 500]
    assert failed == []
