"""Order pages without JavaScript: choose the customer, scan and find lines, edit a draft,
place it (a short line is named beside its quantity), fulfil, cancel."""

from tinyapp import db
from tinyapp.models import Order, Product
from tinyapp.services import catalog, customers


def stock(product) -> int:
    with db.database.connection_context():
        return Product.get_by_id(product.id).stock


def new_order(client, customer):
    return client.get(f"/orders/new?customer={customer.id}").forms["order-form"]


def lines_of(page) -> list[tuple[str, str]]:
    """(SKU, quantity) of each line of the editor."""
    return [(row.select_one(".sku").text, row.select_one("input.quantity")["value"])
            for row in page.html.select(".order-lines-table tbody tr")]


def start_draft(client, customer, code: str, quantity: str = "1"):
    form = new_order(client, customer)
    form["code"], form["add_quantity"] = code, quantity
    return form.submit("action", value="add", status=303).follow()


def test_the_customer_list_says_how_many_there_are_and_is_never_cut_short(
        client, sign_in, shop):
    sign_in("staff")
    with db.database.connection_context():
        for n in range(25):
            customers.create_customer({"name": f"Buyer {n:02d}"})
    page = client.get("/orders/new")
    assert len(page.html.select(".choice-list li")) == 20
    assert "26 customers" in page.html.select_one(".pager-status").text
    page = client.get(page.html.select_one('a[rel="next"]')["href"])
    assert len(page.html.select(".choice-list li")) == 6
    found = client.get("/orders/new?q=ovelac")  # any part of the name
    link = found.html.select_one(".choice-list a")
    assert "Ada Lovelace" in link.text
    assert client.get(link["href"]).forms["order-form"]["customer_id"].value == str(
        shop["customer"].id)


def test_a_scanned_barcode_starts_the_draft_and_scanning_again_adds_one(
        client, sign_in, shop):
    sign_in("staff")
    with db.database.connection_context():
        catalog.update_product(shop["drill"].id, {"barcode": "4006381333931"}, 1)
    page = start_draft(client, shop["customer"], "4006381333931")
    assert "Draft SO-" in page.text and lines_of(page) == [("DR-1", "1")]
    form = page.forms["order-form"]
    form["code"] = "4006381333931"
    page = form.submit("action", value="add", status=303).follow()
    form = page.forms["order-form"]
    form["code"] = "bt-1"  # a SKU typed by hand, any case
    page = form.submit("action", value="add", status=303).follow()
    assert lines_of(page) == [("DR-1", "2"), ("BT-1", "1")]
    assert page.html.select_one(".order-total").text == "204.80 EUR"
    assert stock(shop["drill"]) == 10  # a draft takes nothing


def test_an_unknown_code_is_named_beside_the_scan_field_and_nothing_is_lost(
        client, sign_in, shop):
    sign_in("staff")
    page = start_draft(client, shop["customer"], "DR-1", "2")
    form = page.forms["order-form"]
    form["line-0-quantity"] = "3"
    form["code"] = "NOPE-9"
    page = form.submit("action", value="add", status=422)
    assert "No product has the barcode or SKU NOPE-9" in page.html.select_one(
        "#field-code-error").text
    assert page.html.select_one("title").text.startswith("Error: ")
    assert page.html.select_one('#error-summary a[href="#field-code"]')
    assert lines_of(page) == [("DR-1", "3")] and page.forms["order-form"]["code"].value == \
        "NOPE-9"


def test_finding_a_product_by_part_of_its_name_adds_it_with_its_price_and_stock(
        client, sign_in, shop):
    sign_in("staff")
    page = start_draft(client, shop["customer"], "DR-1")
    form = page.forms["order-form"]
    form["find"] = "it"  # "Bits": the start of a word (short) ...
    page = form.submit("action", value="find", status=200)
    assert not page.html.select("#product-results button")
    form = page.forms["order-form"]
    form["find"] = "its"  # ... or any part of one
    page = form.submit("action", value="find", status=200)
    choice = page.html.select_one("#product-results button")
    assert "Bits" in choice.text and "5.00 EUR" in choice.text and "3 in stock" in choice.text
    page = page.forms["order-form"].submit("add_product", value=choice["value"],
                                           status=303).follow()
    assert lines_of(page) == [("DR-1", "1"), ("BT-1", "1")]


def test_a_short_draft_is_placed_after_fixing_the_line_it_names(client, sign_in, shop):
    sign_in("staff")
    page = start_draft(client, shop["customer"], "DR-1")
    form = page.forms["order-form"]
    form["code"], form["add_quantity"] = "BT-1", "4"  # only 3 in stock
    page = form.submit("action", value="add", status=303).follow()
    assert "only 3" in page.html.select_one(".line-short").text  # said before placing
    form = page.forms["order-form"]
    form["line-0-quantity"] = "2"
    page = form.submit("action", value="place", status=409)
    assert "Only 3 in stock" in page.html.select_one("#field-line-1-quantity-error").text
    assert "not placed and nothing was taken" in page.html.select_one("#error-summary").text
    assert lines_of(page) == [("DR-1", "2"), ("BT-1", "4")]  # what was typed, kept
    with db.database.connection_context():
        order = Order.get()
        assert order.status == "draft" and [line.quantity for line in order.lines] == [1, 4]
    assert stock(shop["drill"]) == 10

    form = page.forms["order-form"]
    form["line-1-quantity"] = "3"
    page = form.submit("action", value="place", status=303).follow()
    assert "is placed" in page.text and "placed" in page.html.select_one("h1").text
    assert (stock(shop["drill"]), stock(shop["bits"])) == (8, 0)
    assert page.html.select_one("tfoot .total").text == "214.80 EUR"


def test_a_draft_changes_lines_customer_and_notes(client, sign_in, shop):
    sign_in("staff")
    with db.database.connection_context():
        grace = customers.create_customer({"name": "Grace Hopper"})
    page = start_draft(client, shop["customer"], "DR-1")
    form = page.forms["order-form"]
    form["code"] = "BT-1"
    page = form.submit("action", value="add", status=303).follow()
    form = page.forms["order-form"]
    form["notes"] = "Leave at the door"
    page = form.submit("remove", value="0", status=303).follow()
    assert lines_of(page) == [("BT-1", "1")]
    assert page.forms["order-form"]["notes"].value == "Leave at the door"
    # The last line cannot go: that would be no order at all.
    page = page.forms["order-form"].submit("remove", value="0", status=422)
    assert "delete the draft" in page.html.select_one("#error-summary").text

    choose = client.get(page.html.select_one('a[href$="/customer"]')["href"] + "?q=grace")
    form = next(f for f in choose.forms.values()
                if f.method.lower() == "post" and f.action.endswith("/customer"))
    page = form.submit("customer_id", value=str(grace.id), status=303).follow()
    assert "is now for Grace Hopper" in page.text
    assert "Grace Hopper" in page.html.select_one(".page-head").text


def test_a_draft_offers_delete_but_not_cancel(client, sign_in, shop):
    sign_in("staff")
    page = start_draft(client, shop["customer"], "DR-1")
    assert page.html.select('a[href$="/delete"]')
    assert not page.html.select('a[href$="/cancel"]')


def test_fulfilling_and_cancelling_a_placed_order(client, sign_in, shop):
    sign_in("staff")
    page = start_draft(client, shop["customer"], "DR-1", "2")
    page = page.forms["order-form"].submit("action", value="place", status=303).follow()
    assert stock(shop["drill"]) == 8
    confirm = client.get(page.html.select_one('a[href$="/cancel"]')["href"])
    assert "stock goes back" in confirm.text
    page = confirm.forms["confirm-form"].submit(status=303).follow()
    assert "is cancelled" in page.text and stock(shop["drill"]) == 10

    page = start_draft(client, shop["customer"], "DR-1")
    page = page.forms["order-form"].submit("action", value="place", status=303).follow()
    page = page.forms["fulfill-form"].submit(status=303).follow()
    assert "fulfilled" in page.html.select_one("h1").text
    assert not page.html.select('a[href$="/cancel"]')
    rows = client.get("/orders?status=fulfilled").html.select("tbody tr")
    assert len(rows) == 1 and "Ada Lovelace" in rows[0].text


def test_the_order_list_finds_by_number_and_customer_and_filters_by_customer(
        client, sign_in, shop):
    sign_in("staff")
    start_draft(client, shop["customer"], "DR-1")
    with db.database.connection_context():
        grace = customers.create_customer({"name": "Grace Hopper"})
    start_draft(client, grace, "BT-1")
    assert [r.select_one("td").text for r in client.get("/orders?q=hopp").html.select(
        "tbody tr")] == ["SO-000002"] or len(client.get("/orders?q=hopp").html.select(
            "tbody tr")) == 1
    page = client.get(f"/orders?customer={grace.id}")
    assert len(page.html.select("tbody tr")) == 1
    assert "Grace Hopper" in page.html.select_one(".filter-chip").text
    assert len(client.get(page.html.select_one(".filter-chip a")["href"]).html.select(
        "tbody tr")) == 2
