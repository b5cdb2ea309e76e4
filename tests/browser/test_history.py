"""History and undo in a real browser, on every engine: an edit shows on the product's
page, Undo asks first with the diff, and the product is back; an admin adds a webhook
and sees its secret once."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tinyapp import db
from tinyapp.models import Product, Webhook
from tinyapp.services import accounts, catalog

pytestmark = pytest.mark.browser


@pytest.fixture
def shop(live_server):
    with db.database.connection_context():
        accounts.create_user("ada@example.com", "Ada Admin", PASSWORD, role="admin")
        drill = catalog.create_product({"sku": "DR-1", "name": "Drill", "price": "99.90",
                                        "stock": 10})
    live_server.ids["drill"] = drill.id
    return live_server


def test_an_edit_is_undone_from_the_product_page_after_a_confirmation(context, shop):
    page = context.new_page()
    sign_in(page, shop, "ada@example.com")
    page.goto(f"{shop.url}/products/{shop.ids['drill']}/edit")
    page.get_by_label("Name").fill("Hammer drill")
    page.get_by_role("button", name="Save").click()
    history = page.locator("table.history tbody tr").first
    expect(history).to_contain_text("Hammer drill")
    history.get_by_role("link", name="Undo").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Undo change")
    expect(page.locator("main table tbody tr")).to_have_text(
        ["nameHammer drillDrill"], use_inner_text=False)
    page.get_by_role("button", name="Undo change").click()
    expect(page.locator(".flash")).to_contain_text("is undone")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Drill")
    with db.database.connection_context():
        assert Product.get_by_id(shop.ids["drill"]).name == "Drill"


def test_an_admin_adds_a_webhook_and_sees_its_secret_once(context, shop):
    page = context.new_page()
    sign_in(page, shop, "ada@example.com")
    page.goto(f"{shop.url}/system")
    page.get_by_role("link", name="Webhooks").first.click()
    page.get_by_label("Address").fill("http://127.0.0.1:9/hook")
    page.get_by_label("order.placed").check()
    page.get_by_role("button", name="Add webhook").click()
    secret = page.locator("#new-webhook code.secret").inner_text()
    with db.database.connection_context():
        assert Webhook.get().secret == secret
    page.goto(f"{shop.url}/webhooks")  # opened again: the secret is not shown again
    expect(page.locator("#new-webhook")).to_have_count(0)
    page.get_by_role("button", name="Send a test").click()
    expect(page.locator("main table")).to_contain_text("webhook.test")
