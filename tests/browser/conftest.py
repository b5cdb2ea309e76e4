"""Browser fixtures: Debian's Chromium through Playwright, and a real tinyapp served by
waitress on a free port in a background thread.

Locally a missing Chromium or axe-core skips these tests with the reason shown; under
CI=true it fails them. ``TINYAPP_SCREENSHOTS=folder`` saves a PNG of every main page.
"""

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import PASSWORD
from tests.support import databases
from tests.support.live import live_server as serving
from tinyapp import db, migrations
from tinyapp.demo import load_demo
from tinyapp.models import Change, Order, Product
from tinyapp.services import accounts, catalog, orders, webhooks
from tinyapp.web.app import App

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
AXE = Path(__file__).parent / ".axe" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = os.environ.get("TINYAPP_SCREENSHOTS", "")


def require(ready: bool, reason: str) -> None:
    """Skip (locally) or fail (under CI=true) when something the browser tests need is missing."""
    if ready:
        return
    if databases.in_ci():
        pytest.fail(f"CI requires it: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole run."""
    require(CHROMIUM.exists(), f"no Chromium at {CHROMIUM}: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Server:
    url: str
    app: App
    ids: dict = field(default_factory=dict)  # rows a test may visit, e.g. {"draft": 7}

    def setup_link(self) -> str:
        """The one-time first-run link, as `tinyapp serve` would print it."""
        with db.database.connection_context():
            return self.app.bottle.config["tinyapp.first_run"].pending_link(self.url)


def serve(settings, ids: dict | None = None):
    """Serve a fresh tinyapp on 127.0.0.1 and a free port; yield the Server, then stop."""
    with serving(settings) as (url, app):
        yield Server(url, app, ids or {})


@pytest.fixture
def live_server(database, settings):
    """tinyapp on the engine under test, with empty tables (no admin yet)."""
    yield from serve(settings)


@pytest.fixture(scope="module")
def demo_server(server_url, tmp_path_factory):
    """tinyapp with the small demo data, an admin and a viewer, on the engine under test."""
    folder = tmp_path_factory.mktemp("demo")
    url = databases.create_scratch(server_url, folder)
    from tinyapp.config import load_settings

    settings = load_settings({"DATA_DIR": str(folder), "SECRET_KEY": "test-secret",
                              "DATABASE_URL": url, "LOG_LEVEL": "warning"}, environ={})
    database = db.Database.from_settings(settings)
    with database.bound(), database.connection():
        migrations.upgrade()
        load_demo("small")
        accounts.create_user("admin@example.com", "Alex Admin", PASSWORD, role="admin")
        accounts.create_user("viewer@example.com", "Vic Viewer", PASSWORD, role="viewer")
        draft = orders.create_order({"customer_id": 1, "notes": "Call before delivery", "lines": [
            {"product_id": 1, "quantity": 2}, {"product_id": 2, "quantity": 1}]})
        placed = Order.select().where(Order.status == "placed").first()
        first = Product.get_by_id(1)
        edit = catalog.update_product(first.id, {"name": first.name + " (new)", "price": "9.99"},
                                      version=first.version)
        hook = webhooks.create_webhook({"url": "http://127.0.0.1:9/hook",
                                        "events": ["order.placed", "stock.low"]})
        webhooks.send_test(hook.id)
        edit_id = Change.of("product", edit.id).order_by(Change.id.desc()).get().id
    database.close()
    yield from serve(settings, {"draft": draft.id, "placed": placed.id, "edit": edit_id})
    databases.drop_scratch(url)


@pytest.fixture
def context(browser):
    """A fresh browser profile (cookies, storage) per test."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    yield ctx
    ctx.close()


def sign_in(page, server: Server, email: str, password: str = PASSWORD) -> None:
    """Sign in through the login form and wait for the dashboard."""
    page.goto(server.url + "/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(server.url + "/")


def screenshot(page, name: str, engine: str = "sqlite") -> None:
    """Save a full-page PNG as <TINYAPP_SCREENSHOTS>/<name>.png when that folder is set.

    The pages look the same on every engine: only SQLite's run saves them.
    """
    if SCREENSHOTS and engine == "sqlite":
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)
