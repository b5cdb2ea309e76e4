"""History on each record's page, undo with a confirmation that shows the diff, the
journal for admins, and the webhook pages."""

from tests.pages.conftest import csrf_of
from tinyapp import db
from tinyapp.models import Change, Delivery, Product, Webhook


def edit_drill(client, shop, **values):
    form = client.get(f"/products/{shop['drill'].id}/edit").forms["product-form"]
    for name, value in values.items():
        form[name] = value
    form.submit(status=303)


def test_a_product_page_shows_its_latest_changes_field_by_field(client, sign_in, shop):
    sign_in("staff")
    edit_drill(client, shop, name="Cordless drill", price="120.00")
    page = client.get(f"/products/{shop['drill'].id}")
    latest = page.html.select_one("table.history tbody tr")
    assert "update" in latest.text
    assert "Drill" in latest.select_one("del").text and "Cordless drill" in latest.text
    assert latest.select_one('a[href$="/undo"]') is not None
    assert page.html.select_one(f'a[href="/products/{shop["drill"].id}/history"]')


def test_undo_from_the_page_asks_first_showing_what_goes_back_then_restores_it(
        client, sign_in, shop):
    sign_in("staff")
    edit_drill(client, shop, name="Cordless drill")
    link = client.get(f"/products/{shop['drill'].id}").html.select_one(
        'table.history a[href$="/undo"]')["href"]
    confirm = client.get(link)
    row = confirm.html.select_one("main table tbody tr")
    assert [cell.text for cell in row.select("td")] == ["name", "Cordless drill", "Drill"]
    with db.database.connection_context():
        assert Product.get_by_id(shop["drill"].id).name == "Cordless drill"  # not yet
    done = confirm.forms["confirm-form"].submit(status=303).follow()
    assert "is undone" in done.text
    with db.database.connection_context():
        assert Product.get_by_id(shop["drill"].id).name == "Drill"
        assert Change.select().where(Change.undoes.is_null(False)).count() == 1
    assert "undone by" in done.html.select_one("table.history").text


def test_an_undo_a_later_change_forbids_says_which_change_on_the_page(client, sign_in, shop):
    sign_in("staff")
    edit_drill(client, shop, name="Drill 2")
    edit_drill(client, shop, name="Drill 3")
    with db.database.connection_context():
        first, later = Change.select().where(Change.action == "update").order_by(Change.id)
    confirm = client.get(f"/history/{first.id}/undo")
    refused = client.post(f"/history/{first.id}/undo", {"csrf_token": csrf_of(confirm)},
                          status=409)
    assert f"Change {later.id}" in refused.html.select_one("#error-summary").text
    with db.database.connection_context():
        assert Product.get_by_id(shop["drill"].id).name == "Drill 3"


def test_a_record_history_page_lists_every_change_newest_first(client, sign_in, shop):
    sign_in("staff")
    edit_drill(client, shop, name="Drill 2")
    page = client.get(f"/products/{shop['drill'].id}/history")
    actions = [row.select_one('[data-label="What"] .status').text
               for row in page.html.select("table.history tbody tr")]
    assert actions == ["update", "stock", "create"]  # created with 10 in stock
    assert "History of Drill 2" in page.html.select_one("h1").text


def test_the_journal_is_for_admins_and_filters_by_record(client, sign_in, shop):
    sign_in("staff")
    assert client.get("/history", status=403)
    client.reset()  # signed out
    sign_in("admin")
    everything = client.get("/history")
    assert len(everything.html.select("table.history tbody tr")) >= 4  # shop's creations
    customers = client.get("/history", {"entity": "customer"})
    rows = customers.html.select("table.history tbody tr")
    assert rows and all("customer" in row.text for row in rows)
    bad = client.get("/history", {"since": "yesterday-ish"}, status=400)
    assert "since" in bad.html.select_one(".error-summary, .problem, [role=alert]").text


def test_an_admin_adds_a_webhook_sees_its_secret_once_tests_and_removes_it(client, sign_in):
    sign_in("admin")
    form = client.get("/webhooks").forms["webhook-form"]
    form["url"] = "http://127.0.0.1:9/hook"
    form.get("events", index=0).checked = True
    added = form.submit(status=201)
    with db.database.connection_context():
        hook = Webhook.get()
    assert added.html.select_one("#new-webhook code.secret").text == hook.secret
    assert hook.secret not in client.get("/webhooks").text  # shown that once only
    tested = client.post(f"/webhooks/{hook.id}/test", {"csrf_token": csrf_of(added)},
                         status=303).follow()
    assert "webhook.test" in tested.html.select_one("main table").text
    with db.database.connection_context():
        delivery = Delivery.get()
    client.post(f"/webhooks/deliveries/{delivery.id}/redeliver",
                {"csrf_token": csrf_of(tested)}, status=303)
    confirm = client.get(f"/webhooks/{hook.id}/delete")
    confirm.forms["confirm-form"].submit(status=303)
    with db.database.connection_context():
        assert not Webhook.select().exists() and not Delivery.select().exists()


def test_a_webhook_form_with_mistakes_names_each_field(client, sign_in):
    sign_in("admin")
    form = client.get("/webhooks").forms["webhook-form"]
    form["url"] = "ftp://example.org"
    refused = form.submit(status=422)
    assert refused.html.select_one("#field-url-error") is not None
    assert refused.html.select_one("#events-error") is not None
    with db.database.connection_context():
        assert not Webhook.select().exists()


def test_staff_see_no_webhook_pages(client, sign_in):
    sign_in("staff")
    client.get("/webhooks", status=403)
    client.get("/webhooks/deliveries", status=403)
