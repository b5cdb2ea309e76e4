"""Every main page, on every engine with the demo data: no serious or critical
accessibility problem found by axe-core on a desktop and on a 375 px phone, where no
element may be wider than the screen (tables become stacked rows there).
"""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import AXE, require, screenshot, sign_in

pytestmark = pytest.mark.browser

MAIN_PAGES = {  # screenshot name: path ({draft} and {placed} are orders of the demo server)
    "dashboard": "/",
    "products": "/products",
    "products-search": "/products?q=driver",
    "product-new": "/products/new",
    "product-page": "/products/1",
    "product-edit": "/products/1/edit",
    "import": "/imports/products",
    "categories": "/categories",
    "customers": "/customers",
    "customer-page": "/customers/1",
    "orders": "/orders",
    "order-customer": "/orders/new",
    "order-new": "/orders/new?customer=1&find=screw",
    "order-draft": "/orders/{draft}",
    "order-page": "/orders/{placed}",
    "order-cancel": "/orders/{placed}/cancel",
    "reports": "/reports",
    "reports-year": "/reports?period=month&from=2026-01-01&to=2026-12-31",
    "account": "/account",
    "users": "/users",
    "system": "/system",
    "product-history": "/products/1/history",
    "journal": "/history",
    "undo": "/history/{edit}/undo",
    "webhooks": "/webhooks",
    "deliveries": "/webhooks/deliveries",
    "not-found": "/no/such/page",
}
SERIOUS = ("serious", "critical")

# Every visible element whose box reaches past the right edge of the screen, or past a
# box that cuts off what overflows it (a cell hidden behind a scroll box is cut off too).
# Hidden for screen readers only (inside a 1 px clipped box, like .visually-hidden)
# does not count.
TOO_WIDE = """() => {
  const width = document.documentElement.clientWidth;
  const cutOff = el => {
    const right = el.getBoundingClientRect().right;
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible"
          && right > up.getBoundingClientRect().right + 0.5) return true;
    }
    return false;
  };
  const hidden = el => {
    for (let up = el; up; up = up.parentElement) {
      const box = up.getBoundingClientRect();
      if (box.width <= 1 && box.height <= 1) return true;
    }
    return el.closest(".skip-link") !== null;
  };
  return [...document.querySelectorAll("body *")].filter(el => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return box.width > 0 && box.height > 1 && style.visibility !== "hidden"
      && (box.right > width + 0.5 || cutOff(el)) && !hidden(el);
  }).slice(0, 5).map(el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (el.className && typeof el.className === "string" ? "." + el.className.split(" ")[0] : "")
    + " right=" + Math.round(el.getBoundingClientRect().right));
}"""


def axe_violations(page) -> list[str]:
    """Run axe-core on the page; describe each serious or critical violation in one line."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run(document)).violations")
    return [f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(node["target"][0] for node in v["nodes"][:3])
            for v in found if v["impact"] in SERIOUS]


def pages_of(server) -> dict[str, str]:
    return {name: path.format(**server.ids) for name, path in MAIN_PAGES.items()}


def test_main_pages_have_no_serious_accessibility_problems(browser, demo_server, engine):
    require(AXE.exists(), f"axe-core is missing at {AXE}: npm install --no-save "
                          "--prefix tests/browser/.axe axe-core@4")
    # Injecting axe needs an exception to the page's script policy, in this profile only.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    problems = []
    page.goto(demo_server.url + "/login")
    problems += [f"login: {p}" for p in axe_violations(page)]
    screenshot(page, "login-page", engine)
    sign_in(page, demo_server, "admin@example.com")
    for name, path in pages_of(demo_server).items():
        page.goto(demo_server.url + path)
        problems += [f"{path}: {p}" for p in axe_violations(page)]
        screenshot(page, name, engine)
    context.close()
    assert problems == []


def test_main_pages_fit_a_375_px_phone_with_no_element_wider_than_the_screen(
        browser, demo_server, engine):
    require(AXE.exists(), f"axe-core is missing at {AXE}")
    context = browser.new_context(viewport={"width": 375, "height": 812}, bypass_csp=True)
    page = context.new_page()
    too_wide, problems = {}, []
    page.goto(demo_server.url + "/login")  # the check itself must be able to fail:
    page.evaluate("""() => {
        const wide = document.createElement("div");
        wide.id = "too-wide";
        wide.style.width = "600px";
        wide.style.height = "20px";
        const box = document.createElement("div");
        box.style.overflowX = "auto";
        const cell = document.createElement("p");
        cell.id = "cut-off";
        cell.style.width = "500px";
        cell.style.height = "20px";
        box.append(cell);
        document.querySelector("main").append(wide, box);
    }""")
    caught = " ".join(page.evaluate(TOO_WIDE))
    assert "div#too-wide" in caught and "p#cut-off" in caught
    for name, path in [("login", "/login"), *pages_of(demo_server).items()]:
        if name == "dashboard":
            sign_in(page, demo_server, "admin@example.com")
        page.goto(demo_server.url + path)
        expect(page.locator("h1")).to_be_visible()
        for details in page.locator("details").all():  # the numbers behind the charts too
            details.evaluate("element => element.open = true")
        wide = page.evaluate(TOO_WIDE)
        if wide:
            too_wide[path] = wide
        problems += [f"{path} at 375 px: {p}" for p in axe_violations(page)]
        screenshot(page, f"{name}-375px", engine)
    page.emulate_media(media="print")
    page.goto(demo_server.url + f"/orders/{demo_server.ids['placed']}")
    expect(page.locator(".site-header")).to_be_hidden()
    screenshot(page, "order-page-print", engine)
    context.close()
    assert too_wide == {}
    assert problems == []


def test_a_validation_error_is_summarised_focused_and_shown_beside_its_field(
        browser, demo_server, engine):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, demo_server, "admin@example.com")
    page.goto(demo_server.url + "/products/new")
    page.get_by_label("SKU").fill("bad sku!")
    page.get_by_label("Name").fill("Claw hammer")
    page.get_by_label("Price").fill("12.345")
    page.get_by_role("button", name="Add product").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("There are 2 problems")
    assert page.title().startswith("Error: New product")
    summary.get_by_role("link", name="Price: Use at most two decimal places.").click()
    expect(page.get_by_label("Price")).to_be_focused()
    sku = page.get_by_label("SKU")
    expect(sku).to_have_value("bad sku!")
    expect(sku).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#field-sku-error")).to_contain_text("letters, digits")
    expect(page.get_by_label("Name")).to_have_value("Claw hammer")
    expect(page.locator("#field-name-error")).to_have_count(0)
    screenshot(page, "product-form-errors", engine)
    context.close()


def test_a_viewer_sees_no_edit_buttons_and_a_forged_post_is_forbidden_in_plain_words(
        browser, demo_server, engine):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, demo_server, "viewer@example.com")
    for path in ("/products", "/products/1", "/customers/1",
                 f"/orders/{demo_server.ids['draft']}", "/categories"):
        page.goto(demo_server.url + path)
        main = page.locator("main")
        for label in ("New product", "Edit", "Archive", "Change the stock", "New order",
                      "Place order", "Cancel order", "Rename", "Delete", "Import CSV"):
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
    expect(page.get_by_role("heading", level=1)).to_have_text("Not allowed for your role")
    expect(page.locator("main")).to_contain_text("Viewers can look at everything")
    expect(page.locator("main")).not_to_contain_text("catalog:write")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    screenshot(page, "forbidden", engine)
    page.goto(demo_server.url + "/products/1")
    expect(page.locator("main .status-archived")).to_have_count(0)
    context.close()
