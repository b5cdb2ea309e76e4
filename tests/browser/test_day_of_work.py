"""A shop's everyday jobs in a real browser, on every engine: find anything by part of a
word, scan lines onto an order with a keyboard-wedge scanner, fix a short draft and
place it, import a CSV file (a bad line first), count stock, and page back through a list.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from tests.conftest import PASSWORD
from tinyapp import db
from tinyapp.models import Order, Product
from tinyapp.services import accounts, catalog, customers

pytestmark = pytest.mark.browser
BARCODE = "4006381333931"


@pytest.fixture
def shop(live_server):
    """An admin, a few real products (one with a barcode), 25 more, and two customers."""
    with db.database.connection_context():
        accounts.create_user("sam@example.com", "Sam Staff", PASSWORD, role="admin")
        tools = catalog.create_category("Tools")
        catalog.create_product({"sku": "SD-12", "name": "Cordless Screwdriver",
                                "price": "39.00", "stock": 5, "barcode": BARCODE,
                                "category_id": tools.id})
        catalog.create_product({"sku": "DR-1", "name": "Drill", "price": "99.90",
                                "stock": 10, "category_id": tools.id})
        for n in range(25):
            catalog.create_product({"sku": f"NUT-{n:02d}", "name": f"Nut {n:02d}",
                                    "price": "0.20", "stock": 100})
        customers.create_customer({"name": "John Backus", "email": "john@example.com"})
        customers.create_customer({"name": "Grace Hopper"})
    return live_server


def signed_in(context, server):
    page = context.new_page()
    sign_in(page, server, "sam@example.com")
    return page


def lines(page) -> list[tuple[str, str]]:
    rows = page.locator(".order-lines-table tbody tr")
    return [(rows.nth(i).locator(".sku").inner_text(),
             rows.nth(i).locator("input.quantity").input_value()) for i in range(rows.count())]


def start_order_for_backus(page, server) -> None:
    page.goto(server.url + "/orders/new")
    page.get_by_label("Find a customer").fill("ackus")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=re.compile("John Backus")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New order")


def test_anything_is_found_by_any_part_of_a_word(context, shop, engine):
    page = signed_in(context, shop)
    page.goto(shop.url + "/products")
    page.get_by_label("Search").fill("driver")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody")).to_contain_text("Cordless Screwdriver")
    page.goto(shop.url + "/customers?q=ackus")
    expect(page.locator("tbody")).to_have_text(re.compile("John Backus"))
    screenshot(page, "customers-found-by-ackus", engine)

    # In the order editor the results follow the typing (no button, no reload).
    start_order_for_backus(page, shop)
    page.evaluate("window.stillThisPage = true")
    page.get_by_label("Or find a product").press_sequentially("driv")
    choice = page.locator("#product-results button", has_text="Cordless Screwdriver")
    expect(choice).to_contain_text("39.00 EUR · 5 in stock")
    choice.click()
    expect(page.locator(".order-lines-table")).to_be_visible()
    assert lines(page) == [("SD-12", "1")]
    assert page.evaluate("window.stillThisPage === true")


def test_a_keyboard_wedge_scan_adds_a_line_and_never_submits_the_order(
        context, shop, engine):
    page = signed_in(context, shop)
    start_order_for_backus(page, shop)
    scan = page.get_by_label("Scan or type a barcode or SKU")
    expect(scan).to_be_focused()
    page.keyboard.type(BARCODE + "\n", delay=5)  # what a scanner sends: fast, then Enter
    expect(page.locator(".order-lines-table")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/orders/\d+$"))  # the draft has begun
    page.evaluate("window.stillThisPage = true")
    page.keyboard.type(BARCODE + "\n", delay=5)  # the same item again, and at once ...
    page.keyboard.type("dr-1\n", delay=5)        # ... a SKU typed by hand
    expect(page.locator(".order-lines-table tbody tr")).to_have_count(2)
    expect(page.locator(".order-lines-table input.quantity").first).to_have_value("2")
    assert lines(page) == [("SD-12", "2"), ("DR-1", "1")]
    expect(page.get_by_label("Scan or type a barcode or SKU")).to_be_focused()
    assert page.evaluate("window.stillThisPage === true")  # no reload between the scans
    expect(page.locator(".order-total")).to_have_text("177.90 EUR")
    screenshot(page, "order-scanned", engine)
    with db.database.connection_context():
        order = Order.get()
        assert order.status == "draft"  # Enter never placed it
        assert sorted((line.product.sku, line.quantity) for line in order.lines) == [
            ("DR-1", 1), ("SD-12", 2)]
    # No BarcodeDetector in this browser: no camera button, the field does the work.
    expect(page.locator(".js-camera")).to_be_hidden()


def test_a_camera_button_appears_where_the_browser_reads_barcodes(context, shop):
    context.add_init_script("window.BarcodeDetector = class { async detect() { return []; } }")
    page = signed_in(context, shop)
    start_order_for_backus(page, shop)
    expect(page.get_by_role("button", name="Use the camera")).to_be_visible()


def test_a_short_draft_is_edited_in_place_and_then_placed(context, shop, engine):
    page = signed_in(context, shop)
    start_order_for_backus(page, shop)
    page.get_by_label("Scan or type a barcode or SKU").fill("SD-12")
    page.get_by_label("Quantity", exact=True).fill("7")  # only 5 in stock
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator(".line-short")).to_contain_text("only 5")  # said before placing
    page.get_by_label("Scan or type a barcode or SKU").fill("DR-1")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator(".order-lines-table tbody tr")).to_have_count(2)
    page.get_by_label("Quantity of Drill").fill("3")
    expect(page.locator(".order-total")).to_have_text("572.70 EUR")  # follows the typing
    page.get_by_role("button", name="Place order").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("The order is not placed")
    assert page.title().startswith("Error: ")
    error = page.locator("#field-line-0-quantity-error")
    expect(error).to_contain_text("Only 5 in stock")
    expect(page.get_by_label("Quantity of Drill")).to_have_value("3")  # the edit is kept
    screenshot(page, "order-short", engine)
    with db.database.connection_context():
        assert Product.get(Product.sku == "SD-12").stock == 5

    page.get_by_label("Quantity of Cordless Screwdriver").fill("5")
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_role("status")).to_contain_text("is placed")
    expect(page.locator("h1")).to_contain_text("placed")
    expect(page.locator("tfoot .total")).to_have_text("494.70 EUR")
    with db.database.connection_context():
        stock = {p.sku: p.stock for p in Product.select().where(Product.sku.in_(["SD-12",
                                                                                  "DR-1"]))}
    assert stock == {"SD-12": 0, "DR-1": 7}


def test_a_csv_import_with_a_bad_line_writes_nothing_and_names_the_line(
        context, shop, engine, tmp_path):
    page = signed_in(context, shop)
    page.goto(shop.url + "/products")
    page.get_by_role("link", name="Import CSV").click()
    bad = tmp_path / "products.csv"
    bad.write_text("sku,name,price,stock\n"
                   "HM-1,Claw hammer,12.50,4\n"
                   "HM-2,Sledge hammer,twelve,1\n"
                   "DR-1,Drill,89.90,12\n")
    page.get_by_label("CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Check the file").click()
    problems = page.locator("#import-errors")
    expect(problems).to_contain_text("Nothing was imported")
    expect(problems).to_contain_text("Line 3")
    expect(problems).to_contain_text("price")
    expect(page.get_by_role("button", name=re.compile("^Import"))).to_have_count(0)
    screenshot(page, "import-bad-line", engine)
    with db.database.connection_context():
        assert not Product.select().where(Product.sku == "HM-1").exists()
        assert str(Product.get(Product.sku == "DR-1").price) == "99.90"

    good = tmp_path / "fixed.csv"
    good.write_text(bad.read_text().replace("twelve", "120.00"))
    page.get_by_label("CSV file").set_input_files(str(good))
    page.get_by_role("button", name="Check the file").click()
    preview = page.locator("#preview tbody")
    expect(preview).to_contain_text("new")
    expect(preview.locator("tr#line-4")).to_contain_text("price, stock +2")
    with db.database.connection_context():
        assert not Product.select().where(Product.sku == "HM-1").exists()  # a preview only
    page.get_by_role("button", name="Import 3 lines").click()
    expect(page.get_by_role("status")).to_contain_text("2 created, 1 updated")
    with db.database.connection_context():
        drill = Product.get(Product.sku == "DR-1")
        assert (str(drill.price), drill.stock) == ("89.90", 12)
        assert Product.get(Product.sku == "HM-2").stock == 1


def test_a_stock_count_sets_the_stock_and_a_matching_count_is_a_check(
        context, shop, engine):
    page = signed_in(context, shop)
    page.goto(shop.url + "/products?q=drill")
    page.get_by_role("link", name="Drill").click()
    page.get_by_label("Counted the shelf").check()
    page.get_by_label("Quantity").fill("8")
    page.get_by_label("Reason").fill("monthly count")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Stock counted: -2 to 8.")
    expect(page.locator("#stock-level")).to_contain_text("8")
    first = page.locator("#movements tbody tr").first
    expect(first).to_contain_text("monthly count")
    expect(first).to_contain_text("Sam Staff")
    expect(first.locator("td").last).to_have_text("8")

    page.get_by_label("Counted the shelf").check()
    page.get_by_label("Quantity").fill("8")
    page.get_by_label("Reason").fill("spot check")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("recorded as a check")
    expect(page.locator("#movements tbody tr").first).to_contain_text("check")
    screenshot(page, "stock-counted", engine)


def test_a_list_pages_forward_and_back_and_sorts_by_its_headers(context, shop, engine):
    page = signed_in(context, shop)
    page.goto(shop.url + "/products?size=10")
    expect(page.locator(".pager-status")).to_contain_text("Page 1 of 3 · 27 products")
    first = page.locator("tbody tr").first.inner_text()
    page.get_by_role("link", name="Next page").click()
    page.get_by_role("link", name="Next page").click()
    expect(page.locator(".pager-status")).to_contain_text("Page 3 of 3")
    expect(page.locator("tbody tr")).to_have_count(7)
    page.get_by_role("link", name="Previous page").click()
    expect(page.locator(".pager-status")).to_contain_text("Page 2 of 3")
    page.get_by_role("link", name="Previous page").click()
    expect(page.locator(".pager-status")).to_contain_text("Page 1 of 3")
    expect(page.locator("tbody tr").first).to_have_text(first)
    expect(page.get_by_role("link", name="Previous page")).to_have_count(0)

    page.get_by_role("link", name=re.compile("^Price")).click()
    expect(page.locator('th[aria-sort="ascending"]')).to_contain_text("Price")
    page.get_by_role("link", name=re.compile("^Price")).click()
    expect(page.locator('th[aria-sort="descending"]')).to_contain_text("Price")
    expect(page.locator("tbody tr").first).to_contain_text("Drill")
    page.get_by_label("Rows per page").select_option("50")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("tbody tr")).to_have_count(27)
    screenshot(page, "products-sorted", engine)
