"""HTML and script stored in names, notes and reasons stays text on every page, in Chromium.

Each payload would set ``window.__xss`` if the browser ran it. The browser context
bypasses the Content-Security-Policy on purpose: the policy forbids inline script
anyway, so only with it out of the way does this test prove the escaping itself.
Runs on every engine (what comes back from each database is what gets escaped).
"""

import threading

import pytest

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, require, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAYLOADS = {
    "category": '<img src=x onerror="window.__xss=1">',
    "product": "<script>window.__xss=2</script> drill",
    "description": '"><svg onload="window.__xss=3">',
    "customer": "</title><script>window.__xss=4</script>",
    "notes": "'><iframe srcdoc=\"<script>parent.__xss=5</script>\"></iframe>",
    "order notes": '" autofocus onfocus="window.__xss=6" x="',
    "reason": "<b onmouseover=window.__xss=7>recount</b>",
    "admin": "<img src=x onerror=window.__xss=8>Ada",
    "token": "<style>*{display:none}</style><script>window.__xss=9</script>",
}
INJECTED = ("img[src='x'], svg[onload], iframe[srcdoc], b[onmouseover], style, "
            "script:not([src]), [onfocus], [onerror]")


def _stored_payloads(live) -> dict[str, int]:
    """Put every payload where the pages show it; return the ids of what was made."""
    p = PAYLOADS
    patched = live.session.patch(f"{live.url}/api/v1/users/{live.admin.id}",
                                 json={"name": p["admin"]}, headers=live.headers, timeout=30)
    assert patched.status_code == 200, patched.text
    assert live.post("/api/v1/tokens", {"name": p["token"]}).status_code == 201
    category = live.post("/api/v1/categories", {"name": p["category"]}).json()
    product = live.post("/api/v1/products", {
        "sku": "XSS-1", "name": p["product"], "description": p["description"],
        "price": "9.99", "stock": 3, "reorder_level": 5, "category_id": category["id"]}).json()
    customer = live.post("/api/v1/customers", {"name": p["customer"], "notes": p["notes"],
                                               "address": p["notes"]}).json()
    order = live.post("/api/v1/orders", {"customer_id": customer["id"], "notes": p["order notes"],
                                         "lines": [{"product_id": product["id"],
                                                    "quantity": 1}]}).json()
    assert live.post(f"/api/v1/orders/{order['id']}/place").status_code == 200
    draft = live.post("/api/v1/orders", {"customer_id": customer["id"],
                                         "notes": p["order notes"],
                                         "lines": [{"product_id": product["id"],
                                                    "quantity": 1}]}).json()
    assert live.post("/api/v1/stock-adjustments", {
        "product_id": product["id"], "delta": 1, "reason": p["reason"]}).status_code == 201
    return {"category": category["id"], "product": product["id"],
            "customer": customer["id"], "order": order["id"], "user": live.admin.id,
            "draft": draft["id"]}


def test_stored_html_and_script_are_shown_as_text_and_never_run(live):
    require(CHROMIUM.exists(), f"no Chromium at {CHROMIUM}: apt-get install -y chromium")
    ids = _stored_payloads(live)
    pages = ["/", "/products", "/products?q=%3Cscript%3E", f"/products/{ids['product']}",
             f"/products/{ids['product']}/edit", f"/products/{ids['product']}/archive",
             "/categories", f"/categories/{ids['category']}/edit", "/customers",
             f"/customers/{ids['customer']}", f"/customers/{ids['customer']}/edit",
             "/orders", f"/orders/{ids['order']}", f"/orders/{ids['order']}/cancel",
             f"/orders/new?customer={ids['customer']}", f"/orders/{ids['draft']}",
             f"/orders/{ids['draft']}?find=xss", f"/orders/{ids['draft']}/customer",
             f"/orders/new?customer={ids['customer']}&find=%3Cscript%3E", "/orders/new",
             "/orders?q=%3Cscript%3E", "/reports", "/users",
             f"/users/{ids['user']}", "/account", "/system",
             "/products?q=%3Cimg%20src%3Dx%20onerror%3Dwindow.__xss%3D10%3E"]
    # A Chromium of its own, driven from a thread of its own: the browser tests' session
    # Chromium (tests/browser) may be running in this process, and Playwright's sync API
    # allows one driver per thread.
    outcome = {}
    worker = threading.Thread(target=lambda: outcome.update(_visit(live, pages)))
    worker.start()
    worker.join(timeout=300)
    assert "error" not in outcome, outcome.get("error")
    assert outcome["problems"] == [], "\n".join(outcome["problems"])
    assert outcome["seen"] == set(PAYLOADS), f"never shown: {set(PAYLOADS) - outcome['seen']}"
    print(f"{len(PAYLOADS)} payloads checked on {len(pages)} pages")


def _visit(live, pages: list[str]) -> dict:
    """Sign in and open each page; report what ran, what was injected, what was shown."""
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                  args=CHROMIUM_ARGS)
            page = chromium.new_context(bypass_csp=True).new_page()
            sign_in(page, live, live.admin.email)
            problems, seen = [], set()
            for path in pages:
                reply = page.goto(live.url + path)
                if reply.status != 200:
                    problems.append(f"{path}: status {reply.status}")
                page.mouse.move(200, 300)  # hover what is there (onmouseover)
                ran = page.evaluate("() => window.__xss")
                injected = page.locator(INJECTED).count()
                shown = page.evaluate("""() => document.body.innerText + '\\n' +
                    [...document.querySelectorAll('input, textarea')].map(e => e.value)
                    .join('\\n')""")
                # Charts cut long labels to 20 characters and an ellipsis.
                found = {name for name, text in PAYLOADS.items() if text[:20] in shown}
                if ran is not None or injected:
                    problems.append(f"{path}: script ran ({ran}) or {injected} elements "
                                    "injected")
                if not found and path != "/system":  # the one page without stored text
                    problems.append(f"{path}: no payload shown as text")
                seen |= found
            chromium.close()
            return {"problems": problems, "seen": seen}
    except Exception as exc:  # noqa: BLE001 - reported by the test's thread
        return {"error": repr(exc)}
