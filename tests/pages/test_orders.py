"""Order pages: create with several lines (no JavaScript), place, fulfil, cancel."""

from tinyapp import db
from tinyapp.models import Product


def stock(product) -> int:
    with db.database.connection_context():
        return Product.get_by_id(product.id).stock


def order_form(client, customer):
    return client.get(f"/orders/new?customer={customer.id}").forms["order-form"]


def test_an_order_is_chosen_customer_first(client, sign_in, shop):
    sign_in("staff")
    page = client.get("/orders/new?q=ada")
    link = page.html.select_one(".choice-list a")
    assert "Ada Lovelace" in link.text
    assert client.get(link["href"]).forms["order-form"]["customer_id"].value == str(
        shop["customer"].id)


def test_an_order_with_two_lines_is_created_placed_and_cancelled(client, sign_in, shop):
    sign_in("staff")
    form = order_form(client, shop["customer"])
    form["sku-0"], form["quantity-0"] = "dr-1", "2"
    form["sku-2"], form["quantity-2"] = "BT-1", "1"  # an empty row in between is fine
    page = form.submit("action", value="create", status=303).follow()
    assert "Check it, then place it." in page.text
    rows = [[td.text.strip() for td in tr.select("td")] for tr in page.html.select("tbody tr")]
    assert [(r[0].split()[-1], r[1], r[3]) for r in rows] == [
        ("DR-1", "2", "199.80"), ("BT-1", "1", "5.00")]
    assert stock(shop["drill"]) == 10

    page = page.forms["place-form"].submit(status=303).follow()
    assert "is placed" in page.text and stock(shop["drill"]) == 8
    drill_page = client.get(f"/products/{shop['drill'].id}")
    assert drill_page.html.select_one("#stock-level strong").text == "8"
    assert "placed" in drill_page.html.select_one("#movements tbody tr").text

    confirm = client.get(page.html.select_one('a[href$="/cancel"]')["href"])
    assert "stock goes back" in confirm.text
    page = confirm.forms["confirm-form"].submit(status=303).follow()
    assert "is cancelled" in page.text and stock(shop["drill"]) == 10


def test_placing_without_enough_stock_says_which_product_and_changes_nothing(
        client, sign_in, shop):
    sign_in("staff")
    form = order_form(client, shop["customer"])
    form["sku-0"], form["quantity-0"] = "DR-1", "1"
    form["sku-1"], form["quantity-1"] = "BT-1", "4"
    page = form.submit("action", value="create", status=303).follow()
    page = page.forms["place-form"].submit(status=303).follow()
    assert "Not enough stock of BT-1" in page.html.select_one(".flash-error").text
    assert "draft" in page.html.select_one("h1").text and stock(shop["drill"]) == 10


def test_line_errors_are_shown_beside_their_row_with_everything_kept(client, sign_in, shop):
    sign_in("staff")
    form = order_form(client, shop["customer"])
    form["sku-0"], form["quantity-0"] = "DR-1", "0"
    form["sku-1"], form["quantity-1"] = "NOPE-9", "1"
    form["notes"] = "Leave at the door"
    page = form.submit("action", value="create", status=422)
    html = page.html
    assert "greater than or equal to 1" in html.select_one("#field-quantity-0-error").text
    assert "no product with SKU NOPE-9" in html.select_one("#field-sku-1-error").text
    kept = page.forms["order-form"]
    assert (kept["sku-1"].value, kept["quantity-0"].value, kept["notes"].value) == (
        "NOPE-9", "0", "Leave at the door")


def test_an_order_needs_a_line(client, sign_in, shop):
    sign_in("staff")
    page = order_form(client, shop["customer"]).submit("action", value="create", status=422)
    assert "1 to 100 lines" in page.html.select_one(".form-problem").text


def test_more_lines_adds_rows_and_keeps_what_was_typed(client, sign_in, shop):
    sign_in("staff")
    form = order_form(client, shop["customer"])
    form["sku-0"], form["quantity-0"] = "DR-1", "3"
    page = form.submit("action", value="more", status=200)
    more = page.forms["order-form"]
    assert more["sku-0"].value == "DR-1" and more["quantity-0"].value == "3"
    assert more["rows"].value == "7" and "sku-6" in more.fields


def test_fulfilling_a_placed_order_closes_it(client, sign_in, shop):
    sign_in("staff")
    form = order_form(client, shop["customer"])
    form["sku-0"], form["quantity-0"] = "DR-1", "1"
    page = form.submit("action", value="create", status=303).follow()
    page = page.forms["place-form"].submit(status=303).follow()
    page = page.forms["fulfill-form"].submit(status=303).follow()
    assert "fulfilled" in page.html.select_one("h1").text
    assert not page.html.select('a[href$="/cancel"]')
    orders = client.get("/orders?status=fulfilled").html.select("tbody tr")
    assert len(orders) == 1 and "Ada Lovelace" in orders[0].text
