"""Product pages: create with errors beside fields, edit with stale versions, stock, archive."""

import pytest

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


def test_a_stale_edit_shows_only_what_the_other_person_changed_and_keeps_the_rest(
        client, sign_in, shop):
    sign_in("staff")
    drill = shop["drill"]
    form = client.get(f"/products/{drill.id}/edit").forms["product-form"]
    with db.database.connection_context():  # someone else saves first
        catalog.update_product(drill.id, {"price": "79.00"}, drill.version)
    form["name"] = "Cordless drill"
    page = form.submit(status=409)
    assert page.html.select_one("title").text.startswith("Error: ")
    assert "Someone else saved" in page.html.select_one("#error-summary").text
    box = page.html.select_one(".conflict")
    assert [dt.text for dt in box.select("dt")] == ["Price"]  # not the name, never touched
    assert "saved as 79.00" in box.text and "you typed 99.90" in box.text
    again = page.forms["product-form"]
    assert again["price"].value == "79.00" and again["name"].value == "Cordless drill"
    assert again["version"].value == str(drill.version + 1)
    with db.database.connection_context():
        assert Product.get_by_id(drill.id).name == "Drill"
    assert "Cordless drill" in again.submit(status=303).follow().text
    with db.database.connection_context():
        saved = Product.get_by_id(drill.id)
    assert (saved.name, str(saved.price)) == ("Cordless drill", "79.00")


def test_stock_is_received_removed_and_counted_with_who_and_the_balance(
        client, sign_in, shop):
    user = sign_in("staff")
    bits = shop["bits"]  # 3 in stock
    form = client.get(f"/products/{bits.id}").forms["stock-form"]
    form["action"], form["quantity"], form["reason"] = "remove", "5", "broken"
    page = form.submit(status=409)
    assert "Not enough stock of BT-1" in page.html.select_one("#error-summary").text
    form = page.forms["stock-form"]
    form["action"], form["quantity"], form["reason"] = "receive", "12", "delivery 4711"
    page = form.submit(status=303).follow()
    assert "12 received." in page.text
    assert page.html.select_one("#stock-level strong").text == "15"

    form = page.forms["stock-form"]
    form["action"], form["quantity"], form["reason"] = "count", "13", "monthly count"
    page = form.submit(status=303).follow()
    assert "Stock counted: -2 to 13." in page.text
    form = page.forms["stock-form"]
    form["action"], form["quantity"], form["reason"] = "count", "13", "spot check"
    page = form.submit(status=303).follow()
    assert "it matches, recorded as a check" in page.text

    rows = [[td.text.strip() for td in tr.select("td")]
            for tr in page.html.select("#movements tbody tr")]
    assert [(r[1], r[2], r[3].split()[0], r[4]) for r in rows] == [
        ("spot check (count matches)", user.name, "0", "13"),
        ("monthly count", user.name, "-2", "13"),
        ("delivery 4711", user.name, "+12", "15"),
        ("opening stock", "—", "+3", "3")]


def test_receiving_nothing_is_refused_beside_the_quantity(client, sign_in, shop):
    sign_in("staff")
    form = client.get(f"/products/{shop['bits'].id}").forms["stock-form"]
    form["action"], form["quantity"], form["reason"] = "receive", "0", "delivery"
    page = form.submit(status=422)
    assert "at least 1" in page.html.select_one("#field-quantity-error").text
    assert page.html.select_one('#error-summary a[href="#field-quantity"]')


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
    assert "Page 1 of 2 · 14 products" in first.html.select_one(".pager-status").text
    assert not first.html.select('a[rel="prev"]')
    second = client.get(first.html.select_one('a[rel="next"]')["href"])
    assert len(second.html.select("tbody a")) == 4 and user
    assert "Page 2 of 2" in second.html.select_one(".pager-status").text
    back = client.get(second.html.select_one('a[rel="prev"]')["href"])
    assert [a.text for a in back.html.select("tbody a")] == names
    # A column header sorts by its column, and again the other way round.
    header = first.html.select_one('th[aria-sort="descending"] a')
    assert "Price" in header.text
    ascending = client.get(header["href"])
    assert ascending.html.select_one('th[aria-sort="ascending"]').text.startswith("Price")
    assert [a.text for a in ascending.html.select("tbody a")][0].startswith("Screw")
    # Rows per page on the list itself.
    five = client.get("/products?size=50")
    assert len(five.html.select("tbody a")) == 14 and not five.html.select('a[rel="next"]')


def test_a_form_field_that_is_not_utf8_is_a_400_and_keeps_what_was_saved(
        client, sign_in, shop):
    """Read leniently, such a field would be "" and saved over the text that was there."""
    from tests.pages.conftest import csrf_of

    sign_in("staff")
    drill = shop["drill"]
    client.post(f"/products/{drill.id}", {
        "csrf_token": csrf_of(client.get(f"/products/{drill.id}/edit")),
        "version": drill.version, "sku": "DR-1", "name": "Drill", "price": "99.90",
        "description": "18 V, two batteries"}, status=303)
    edit = client.get(f"/products/{drill.id}/edit")
    body = (f"csrf_token={csrf_of(edit)}&version={drill.version + 1}&sku=DR-1&name=Drill"
            "&price=99.90&description=%ff%fe").encode()
    page = client.post(f"/products/{drill.id}", body, status=400, headers={
        "Content-Type": "application/x-www-form-urlencoded"})
    assert "not valid UTF-8" in page.text
    with db.database.connection_context():
        assert Product.get_by_id(drill.id).description == "18 V, two batteries"


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_any_utf8_text_in_a_form_is_kept_exactly(client, sign_in, database, encoding):
    from tests.pages.conftest import csrf_of

    sign_in("staff")
    fields = {"csrf_token": csrf_of(client.get("/products/new")), "sku": "UT-1",
              "name": "Bohrer 🔩 é ß 中", "price": "9.00", "description": "Ünïcödé ✓"}
    if encoding == "urlencoded":
        client.post("/products", fields, status=303)
    else:
        client.post("/products", fields, content_type="multipart/form-data", status=303)
    with db.database.connection_context():
        saved = Product.get(Product.sku == "UT-1")
    assert (saved.name, saved.description) == (fields["name"], fields["description"])


def test_a_multipart_form_part_that_is_not_utf8_is_a_400_not_a_500(client, sign_in, database):
    from tests.pages.conftest import csrf_of

    sign_in("staff")
    parts = {"csrf_token": csrf_of(client.get("/products/new")).encode(), "sku": b"MP-1",
             "name": b"Drill", "price": b"9.00", "description": b"\xff\xfe"}
    body = b"".join(b'--B\r\nContent-Disposition: form-data; name="' + name.encode()
                    + b'"\r\n\r\n' + value + b"\r\n" for name, value in parts.items())
    page = client.post("/products", body + b"--B--\r\n", status=400,
                       headers={"Content-Type": "multipart/form-data; boundary=B"})
    assert "not valid UTF-8" in page.text
    with db.database.connection_context():
        assert not Product.select().where(Product.sku == "MP-1").exists()


def test_a_field_given_twice_is_refused_beside_it_and_nothing_is_saved(
        client, sign_in, database):
    """Parsers differ on which copy counts: a proxy could check one, tinyapp save the other."""
    from tests.pages.conftest import csrf_of

    sign_in("staff")
    body = (f"csrf_token={csrf_of(client.get('/products/new'))}&sku=TW-1&name=Twice"
            "&price=1.00&price=999.00").encode()
    page = client.post("/products", body, status=422, headers={
        "Content-Type": "application/x-www-form-urlencoded"})
    assert "given twice" in page.html.select_one("#field-price-error").text
    assert page.forms["product-form"]["sku"].value == "TW-1"  # the rest is kept
    with db.database.connection_context():
        assert not Product.select().where(Product.sku == "TW-1").exists()
