"""Every main page, checked once (on SQLite with the demo data): no serious or critical
accessibility problem found by axe-core, on a desktop and on a 375 px phone, where the
page must also not scroll sideways.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import AXE, require, screenshot, sign_in

pytestmark = pytest.mark.browser

MAIN_PAGES = {  # screenshot name: path (the demo data has these rows)
    "dashboard": "/",
    "products": "/products",
    "product-new": "/products/new",
    "product-page": "/products/1",
    "product-edit": "/products/1/edit",
    "categories": "/categories",
    "customers": "/customers",
    "customer-page": "/customers/1",
    "orders": "/orders",
    "order-new": "/orders/new?customer=1",
    "order-page": "/orders/1",
    "order-cancel": "/orders/1/cancel",
    "reports": "/reports",
    "account": "/account",
    "users": "/users",
    "system": "/system",
    "not-found": "/no/such/page",
}
SERIOUS = ("serious", "critical")


def axe_violations(page) -> list[str]:
    """Run axe-core on the page; describe each serious or critical violation in one line."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run(document)).violations")
    return [f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(node["target"][0] for node in v["nodes"][:3])
            for v in found if v["impact"] in SERIOUS]


def test_main_pages_have_no_serious_accessibility_problems(browser, demo_server):
    require(AXE.exists(), f"axe-core is missing at {AXE}: npm install --no-save "
                          "--prefix tests/browser/.axe axe-core@4")
    # Injecting axe needs an exception to the page's script policy, in this profile only.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    problems = []
    page.goto(demo_server.url + "/login")
    problems += [f"login: {p}" for p in axe_violations(page)]
    screenshot(page, "login-page")
    sign_in(page, demo_server, "admin@example.com")
    for name, path in MAIN_PAGES.items():
        page.goto(demo_server.url + path)
        problems += [f"{path}: {p}" for p in axe_violations(page)]
        screenshot(page, name)
    context.close()
    assert problems == []


def test_main_pages_fit_a_375_px_phone_without_sideways_scrolling(browser, demo_server):
    require(AXE.exists(), f"axe-core is missing at {AXE}")
    context = browser.new_context(viewport={"width": 375, "height": 812}, bypass_csp=True)
    page = context.new_page()
    too_wide, problems = {}, []
    for name, path in [("login", "/login"), *MAIN_PAGES.items()]:
        if name == "dashboard":
            sign_in(page, demo_server, "admin@example.com")
        page.goto(demo_server.url + path)
        expect(page.locator("h1")).to_be_visible()
        widths = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
        if widths[0] > widths[1]:
            too_wide[path] = widths
        problems += [f"{path} at 375 px: {p}" for p in axe_violations(page)]
        if name in ("login", "dashboard", "products", "product-page", "order-page",
                    "order-new", "reports"):
            screenshot(page, f"{name}-375px")
    page.emulate_media(media="print")
    page.goto(demo_server.url + MAIN_PAGES["order-page"])
    expect(page.locator(".site-header")).to_be_hidden()
    screenshot(page, "order-page-print")
    context.close()
    assert too_wide == {}
    assert problems == []


def test_a_validation_error_is_shown_beside_its_field_with_the_input_kept(
        browser, demo_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, demo_server, "admin@example.com")
    page.goto(demo_server.url + "/products/new")
    page.get_by_label("SKU").fill("bad sku!")
    page.get_by_label("Name").fill("Claw hammer")
    page.get_by_label("Price").fill("12.345")
    page.get_by_role("button", name="Add product").click()

    sku = page.get_by_label("SKU")
    expect(sku).to_have_value("bad sku!")
    expect(sku).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#field-sku-error")).to_contain_text("letters, digits")
    expect(page.locator("#field-price-error")).to_contain_text("two decimal places")
    expect(page.get_by_label("Name")).to_have_value("Claw hammer")
    expect(page.locator("#field-name-error")).to_have_count(0)
    screenshot(page, "product-form-errors")
    context.close()


def test_a_viewer_sees_no_edit_buttons_and_a_forged_post_is_forbidden(browser, demo_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, demo_server, "viewer@example.com")
    for path in ("/products", "/products/1", "/customers/1", "/orders/1", "/categories"):
        page.goto(demo_server.url + path)
        main = page.locator("main")
        for label in ("New product", "Edit", "Archive", "Adjust stock", "New order",
                      "Place order", "Cancel order", "Rename", "Delete"):
            expect(main.get_by_text(label, exact=True)).to_have_count(0)
        expect(main.locator("form[method=post]")).to_have_count(0)

    # A form made up in the page, with the viewer's own valid CSRF token: still refused.
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.evaluate("""() => {
            const form = document.createElement("form");
            form.method = "post";
            form.action = "/products/1/archive";
            const token = document.querySelector("input[name=csrf_token]").cloneNode();
            form.appendChild(token);
            document.body.appendChild(form);
            form.submit();
        }""")
    assert answer.value.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Forbidden")
    page.goto(demo_server.url + "/products/1")
    expect(page.locator("main .status-archived")).to_have_count(0)
    screenshot(page, "viewer-product-page")
    context.close()
