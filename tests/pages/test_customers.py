"""Customer and category pages: create, edit (with stale versions), order history."""

from tinyapp import db
from tinyapp.services import customers, orders


def test_a_customer_is_added_with_errors_beside_the_fields_first(client, sign_in, database):
    sign_in("staff")
    form = client.get("/customers/new").forms["customer-form"]
    form["name"], form["email"], form["phone"] = "Grace Hopper", "grace@", "call me"
    page = form.submit(status=422)
    assert page.html.select_one("#field-email-error")
    assert "Use digits" in page.html.select_one("#field-phone-error").text
    again = page.forms["customer-form"]
    assert again["name"].value == "Grace Hopper"
    again["email"], again["phone"] = "grace@example.com", "+1 555 0100"
    page = again.submit(status=303).follow()
    assert "Customer Grace Hopper added." in page.text
    assert "grace@example.com" in page.text


def test_a_customer_page_lists_their_orders(client, sign_in, shop):
    sign_in("viewer")
    with db.database.connection_context():
        order = orders.create_order({"customer_id": shop["customer"].id,
                                     "lines": [{"product_id": shop["drill"].id,
                                                "quantity": 1}]})
    page = client.get(f"/customers/{shop['customer'].id}")
    assert order.number in page.html.select_one("main table").text


def test_a_stale_customer_edit_shows_their_change_and_keeps_yours(client, sign_in, shop):
    sign_in("staff")
    ada = shop["customer"]
    form = client.get(f"/customers/{ada.id}/edit").forms["customer-form"]
    with db.database.connection_context():
        customers.update_customer(ada.id, {"phone": "+44 1234 5678"}, ada.version)
    form["notes"] = "VIP"
    page = form.submit(status=409)
    assert "Someone else saved this customer" in page.text
    assert [dt.text for dt in page.html.select(".conflict dt")] == ["Phone"]
    assert page.forms["customer-form"]["phone"].value == "+44 1234 5678"
    assert page.forms["customer-form"]["notes"].value == "VIP"


def test_categories_are_added_renamed_and_deleted(client, sign_in, database):
    sign_in("staff")
    form = client.get("/categories").forms["category-form"]
    form["name"] = "Garden"
    page = form.submit(status=303).follow()
    assert "Category Garden added." in page.text
    page.forms["category-form"]["name"] = "Garden"
    page = page.forms["category-form"].submit(status=422)
    assert "already exists" in page.html.select_one("#field-name-error").text

    rename = client.get(page.html.select_one('a[href$="/edit"]')["href"]).forms[
        "category-form"]
    rename["name"] = "Outdoor"
    page = rename.submit(status=303).follow()
    assert "renamed to Outdoor" in page.text
    confirm = client.get(page.html.select_one('a[href$="/delete"]')["href"])
    page = confirm.forms["confirm-form"].submit(status=303).follow()
    assert "Category Outdoor deleted." in page.text


def test_a_category_with_products_is_not_deleted(client, sign_in, shop):
    sign_in("staff")
    page = client.get(f"/categories/{shop['category'].id}/delete").forms[
        "confirm-form"].submit(status=303).follow()
    assert "still has 1 product" in page.html.select_one(".flash-error").text
