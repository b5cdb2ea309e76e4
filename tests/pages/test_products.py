"""Product pages: create with errors beside fields, edit with stale versions, stock, archive."""

from tinyapp import db
from tinyapp.models import Product
from tinyapp.services import catalog


def test_an_invalid_product_shows_each_error_beside_its_field_and_keeps_the_input(
        client, sign_in, shop):
    sign_in("staff")
    form = client.get("/products/new").forms["product-form"]
    form["sku"], form["name"], form["price"] = "bad sku!", "Hammer <b>", "12.345"
    form["category_id"] = str(shop["category"].id)
    page = form.submit(status=422)
    html = page.html
    assert "letters, digits" in html.select_one("#field-sku-error").text
    assert "two decimal places" in html.select_one("#field-price-error").text
    assert html.select_one("#field-sku")["aria-invalid"] == "true"
    assert html.select_one("#field-sku")["aria-describedby"].startswith("field-sku-error")
    assert not html.select_one("#field-name-error")
    kept = page.forms["product-form"]
    assert (kept["sku"].value, kept["name"].value, kept["price"].value) == (
        "bad sku!", "Hammer <b>", "12.345")
    assert kept["category_id"].value == str(shop["category"].id)
    assert "<b>" not in page.text.split("<main", 1)[1]  # escaped, never markup


def test_a_blank_required_field_is_reported_in_plain_words(client, sign_in, database):
    sign_in("staff")
    page = client.get("/products/new").forms["product-form"].submit(status=422)
    assert page.html.select_one("#field-name-error").text.strip().endswith("Please fill this in.")


def test_creating_a_product_records_its_opening_stock(client, sign_in, shop):
    sign_in("staff")
    form = client.get("/products/new").forms["product-form"]
    form["sku"], form["name"], form["price"], form["stock"] = "hm-2", "Hammer", "12.50", "7"
    page = form.submit(status=303).follow()
    assert "Product HM-2 added." in page.text
    assert page.html.select_one("#stock-level strong").text == "7"
    assert "opening stock" in page.html.select_one("#movements").text


def test_a_duplicate_sku_is_shown_beside_the_sku(client, sign_in, shop):
    sign_in("staff")
    form = client.get("/products/new").forms["product-form"]
    form["sku"], form["name"], form["price"] = "dr-1", "Another drill", "1"
    page = form.submit(status=409)
    assert "already exists" in page.html.select_one("#field-sku-error").text


def test_a_stale_edit_is_refused_and_shows_the_current_values(client, sign_in, shop):
    sign_in("staff")
    drill = shop["drill"]
    form = client.get(f"/products/{drill.id}/edit").forms["product-form"]
    with db.database.connection_context():  # someone else saves first
        catalog.update_product(drill.id, {"price": "79.00"}, drill.version)
    form["name"] = "Cordless drill"
    page = form.submit(status=409)
    assert "changed by someone else" in page.html.select_one(".form-problem").text
    again = page.forms["product-form"]
    assert again["price"].value == "79.00" and again["name"].value == "Drill"
    assert again["version"].value == str(drill.version + 1)
    assert "Cordless drill" in page.html.select_one(".conflict").text
    with db.database.connection_context():
        assert Product.get_by_id(drill.id).name == "Drill"
    again["name"] = "Cordless drill"
    assert "Cordless drill" in again.submit(status=303).follow().text


def test_a_stock_adjustment_changes_the_stock_and_leaves_a_movement(client, sign_in, shop):
    sign_in("staff")
    bits = shop["bits"]
    form = client.get(f"/products/{bits.id}").forms["adjust-form"]
    form["delta"], form["reason"] = "-5", "broken"
    page = form.submit(status=409)
    assert "Not enough stock of BT-1" in page.html.select_one(".form-problem").text
    page.forms["adjust-form"]["delta"] = "12"
    page = page.forms["adjust-form"].submit(status=303).follow()
    assert "Stock changed by +12." in page.text
    assert page.html.select_one("#stock-level strong").text == "15"
    assert "broken" in page.html.select_one("#movements").text


def test_archiving_asks_first_then_hides_the_product(client, sign_in, shop):
    sign_in("staff")
    drill = shop["drill"]
    confirm = client.get(f"/products/{drill.id}/archive")
    assert "Archive Drill (DR-1)?" in confirm.text
    page = confirm.forms["confirm-form"].submit(status=303).follow()
    assert "Drill is archived." in page.text
    assert "Drill" not in client.get("/products").html.select_one("main table").text
    assert "Drill" in client.get("/products?active=false").text


def test_the_list_searches_filters_sorts_and_pages(client, sign_in, shop):
    user = sign_in("staff")
    with db.database.connection_context():
        for n in range(12):
            catalog.create_product({"sku": f"SC-{n:02d}", "name": f"Screw {n:02d}",
                                    "price": "0.10", "stock": 100})
    assert [a.text for a in client.get("/products?q=drill").html.select("tbody a")] == [
        "Drill"]
    assert [a.text for a in client.get("/products?low_stock=on").html.select("tbody a")] == [
        "Bits"]
    client.post("/account/preferences", {"page_size": "10",
                                         "csrf_token": client.get("/account").forms[
                                             "preferences-form"]["csrf_token"].value},
                status=303)
    first = client.get("/products?sort=-price")
    names = [a.text for a in first.html.select("tbody a")]
    assert len(names) == 10 and names[:2] == ["Drill", "Bits"]
    second = client.get(first.html.select_one('a[rel="next"]')["href"])
    assert len(second.html.select("tbody a")) == 4 and user
