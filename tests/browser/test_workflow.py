"""A day with tinyapp in a real browser, on every engine: from the first-run link to
signing out, through a product, a customer, an order placed and cancelled, and the reports.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser
PASSWORD = "a long and unusual passphrase"


def go(page, section: str) -> None:
    """Follow a link of the main navigation."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name=section).click()


def test_from_setup_to_an_order_placed_cancelled_and_reported(context, live_server, engine):
    page = context.new_page()
    url = live_server.url

    # First run: the one-time link creates the admin, who is then signed in.
    page.goto(live_server.setup_link())
    screenshot(page, "setup", engine)
    page.get_by_label("Your name").fill("Grace Hopper")
    page.get_by_label("E-mail address").fill("grace@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create the admin account").click()
    expect(page.get_by_role("status")).to_contain_text("Your admin account is ready")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()

    # A category and two products.
    go(page, "Categories")
    page.get_by_label("Name").fill("Tools")
    page.get_by_role("button", name="Add category").click()
    expect(page.get_by_role("status")).to_contain_text("Category Tools added.")
    for sku, name, price in (("DR-1", "Cordless drill", "99.90"), ("BT-1", "Drill bits", "5.00")):
        go(page, "Products")
        page.get_by_role("link", name="New product").click()
        page.get_by_label("SKU").fill(sku)
        page.get_by_label("Name").fill(name)
        page.get_by_label("Price").fill(price)
        page.get_by_label("Category").select_option(label="Tools")
        page.get_by_label("Opening stock").fill("10")
        page.get_by_role("button", name="Add product").click()
        expect(page.get_by_role("status")).to_contain_text(f"Product {sku} added.")

    # A customer, and an order with two lines for them.
    go(page, "Customers")
    page.get_by_role("link", name="New customer").click()
    page.get_by_label("Name").fill("Ada Lovelace")
    page.get_by_label("E-mail").fill("ada@example.com")
    page.get_by_role("button", name="Add customer").click()
    expect(page.get_by_role("status")).to_contain_text("Customer Ada Lovelace added.")
    page.get_by_role("link", name="New order").click()
    scan = page.get_by_label("Scan or type a barcode or SKU")
    scan.fill("DR-1")
    page.get_by_label("Quantity", exact=True).fill("2")
    scan.press("Enter")  # adds the line; the draft begins
    expect(page.locator("h1")).to_contain_text("draft")
    page.get_by_label("Scan or type a barcode or SKU").fill("bt-1")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator(".order-lines-table tbody tr")).to_have_count(2)
    page.get_by_label("Quantity of Drill bits").fill("3")
    screenshot(page, "order-form", engine)
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_role("status")).to_contain_text("is placed")
    expect(page.locator("h1")).to_contain_text("placed")
    expect(page.locator("tfoot")).to_contain_text("214.80 EUR")
    order_url = page.url
    screenshot(page, "order", engine)

    # The drill's page shows the lower stock and the movement that took it.
    page.get_by_role("link", name="Cordless drill").click()
    expect(page.locator("#stock-level")).to_contain_text("8")
    first_move = page.locator("#movements tbody tr").first
    expect(first_move).to_contain_text(re.compile(r"order SO-\d+ placed"))
    expect(first_move).to_contain_text("-2")
    screenshot(page, "product", engine)

    # Cancelling (after a confirmation) puts the stock back.
    page.goto(order_url)
    page.get_by_role("link", name="Cancel order").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cancel SO-")
    page.get_by_role("button", name="Cancel order").click()
    expect(page.get_by_role("status")).to_contain_text("is cancelled")
    page.get_by_role("link", name="Cordless drill").click()
    expect(page.locator("#stock-level")).to_contain_text("10")
    expect(page.locator("#movements tbody tr").first).to_contain_text("cancelled")

    # The reports show the chart (the cancelled order no longer counts as a sale).
    go(page, "Reports")
    chart = page.locator("svg#sales-chart")
    expect(chart).to_be_visible()
    expect(chart.locator("title").first).to_have_text("Sales per day")
    expect(page.locator(".stat-value").first).to_have_text("0.00 EUR")

    # Signing out ends the session: pages send the visitor back to the login page.
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_contain_text("You are signed out.")
    page.goto(url + "/orders")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Forders$"))
    assert engine in ("sqlite", "postgresql", "mysql")
