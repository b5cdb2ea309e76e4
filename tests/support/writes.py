"""Every write route of the API, each with a request that writes through it.

``WRITES`` maps (method, route) to a function that makes one such request as a user of
a small ``Shop`` and to the journal row (entity, action) it must leave. The journal test
walks it; the cache test checks that every read is fresh after each of them.
"""

import webtest

from tests.conftest import PASSWORD
from tests.support.api import ApiClient
from tinyapp import db
from tinyapp.models import Session
from tinyapp.services import accounts
from tinyapp.web.auth import CSRF_HEADER


class Shop:
    """An admin's API client and a small shop to write to, built before the journal is read."""

    def __init__(self, app, make_user):
        self.app = app
        self.make_user = make_user
        admin = make_user("admin")
        with db.database.connection_context():
            _, secret = accounts.create_token(admin, "tests")
        self.admin_user = admin
        self.admin = ApiClient(webtest.TestApp(app), secret)
        self.category = self.admin.category("Tools")
        self.product = self.admin.product("DR-1", stock=10, category_id=self.category["id"])
        self.customer = self.admin.customer("Ada")

    def draft(self) -> dict:
        return self.admin.order(self.customer["id"], (self.product["id"], 1))

    def placed(self) -> dict:
        return self.admin.placed_order(self.customer["id"], (self.product["id"], 1))

    def signed_in_browser(self, email: str | None = None) -> tuple[webtest.TestApp, str]:
        """A cookie client signed in as a user (the admin unless named); its CSRF token."""
        browser = webtest.TestApp(self.app)
        reply = browser.post_json("/api/v1/auth/login", {
            "email": email or self.admin_user.email, "password": PASSWORD})
        return browser, reply.json["csrf_token"]

    def webhook(self) -> dict:
        return self.admin.post("/api/v1/webhooks", {
            "url": "http://127.0.0.1:9/hook", "events": ["product.updated"]}, status=201).json


def as_admin(method: str, path, body=None, status: int | None = None):
    """A request the admin sends by bearer token; ``path`` and ``body`` may need the shop."""
    def send(shop: Shop):
        where = path(shop) if callable(path) else path
        payload = body(shop) if callable(body) else body
        call = {"POST": shop.admin.post, "PATCH": shop.admin.patch, "PUT": shop.admin.put}
        if method == "DELETE":
            return shop.admin.delete(where, status=status or 204), shop.admin_user
        return call[method](where, payload or {}, status=status or 200), shop.admin_user
    return send


def log_in(shop: Shop):
    user = shop.make_user("staff")
    reply = webtest.TestApp(shop.app).post_json("/api/v1/auth/login", {
        "email": user.email, "password": PASSWORD})
    return reply, user


def log_out(shop: Shop):
    browser, csrf = shop.signed_in_browser()
    return browser.post_json("/api/v1/auth/logout", {}, headers={CSRF_HEADER: csrf},
                             status=204), shop.admin_user


def change_password(shop: Shop):
    user = shop.make_user("staff")
    browser, csrf = shop.signed_in_browser(user.email)
    reply = browser.post_json("/api/v1/me/password", {
        "current_password": PASSWORD, "new_password": "a brand new pass phrase"},
        headers={CSRF_HEADER: csrf}, status=204)
    return reply, user


def end_one_session(shop: Shop):
    shop.signed_in_browser()
    with db.database.connection_context():
        session = Session.select().where(Session.user == shop.admin_user.id).get()
    return shop.admin.delete(f"/api/v1/me/sessions/{session.id}"), shop.admin_user


def revoke_token(shop: Shop):
    token = shop.admin.post("/api/v1/tokens", {"name": "spare"}, status=201).json
    return shop.admin.delete(f"/api/v1/tokens/{token['id']}"), shop.admin_user


def new_user(shop: Shop) -> dict:
    return shop.admin.post("/api/v1/users", {"email": "new@example.org", "name": "New",
                                             "password": "a long fresh phrase"}, status=201).json


def undo_an_edit(shop: Shop):
    product = shop.product
    shop.admin.patch(f"/api/v1/products/{product['id']}",
                     {"name": "Renamed", "version": product["version"]})
    edit = shop.admin.get(f"/api/v1/products/{product['id']}/history").json["items"][0]
    return shop.admin.post(f"/api/v1/history/{edit['id']}/undo", status=201), shop.admin_user


def import_products(shop: Shop):
    reply = shop.admin.app.post("/api/v1/imports/products", b"sku,name,price\nNEW-1,New,2.00\n",
                                headers={**shop.admin.headers, "Content-Type": "text/csv"})
    return reply, shop.admin_user


def redeliver(shop: Shop):
    hook = shop.webhook()
    shop.admin.post(f"/api/v1/webhooks/{hook['id']}/test", status=202)
    delivery = shop.admin.get("/api/v1/webhook-deliveries").json["items"][0]
    return shop.admin.post(f"/api/v1/webhook-deliveries/{delivery['id']}/redeliver"
                           ), shop.admin_user


def edit_draft(shop: Shop):
    draft = shop.draft()
    return shop.admin.patch(f"/api/v1/orders/{draft['id']}", {
        "notes": "ring twice", "version": draft["version"]}), shop.admin_user


def spare_category(shop: Shop) -> str:
    return f"/api/v1/categories/{shop.admin.category('Spare')['id']}"


def product_path(suffix: str = ""):
    return lambda shop: f"/api/v1/products/{shop.product['id']}{suffix}"


def archived_product(shop: Shop) -> str:
    shop.admin.delete(f"/api/v1/products/{shop.product['id']}", status=200)
    return f"/api/v1/products/{shop.product['id']}/restore"


def archived_customer(shop: Shop) -> str:
    shop.admin.delete(f"/api/v1/customers/{shop.customer['id']}", status=200)
    return f"/api/v1/customers/{shop.customer['id']}/restore"


WRITES = {
    ("POST", "/api/v1/auth/login"): (log_in, "user", "login"),
    ("POST", "/api/v1/auth/logout"): (log_out, "user", "logout"),
    ("POST", "/api/v1/me/password"): (change_password, "user", "password"),
    ("PUT", "/api/v1/me/preferences"): (
        as_admin("PUT", "/api/v1/me/preferences", {"page_size": 50}), "user", "update"),
    ("DELETE", "/api/v1/me/sessions/<session_id:int>"): (end_one_session, "user",
                                                          "end_session"),
    ("POST", "/api/v1/me/sessions/end-others"): (
        as_admin("POST", "/api/v1/me/sessions/end-others"), "user", "end_sessions"),
    ("POST", "/api/v1/tokens"): (
        as_admin("POST", "/api/v1/tokens", {"name": "cron"}, 201), "token", "create"),
    ("DELETE", "/api/v1/tokens/<token_id:int>"): (revoke_token, "token", "delete"),
    ("POST", "/api/v1/users"): (
        as_admin("POST", "/api/v1/users", {"email": "two@example.org", "name": "Two",
                                           "password": "a long fresh phrase"}, 201),
        "user", "create"),
    ("PATCH", "/api/v1/users/<user_id:int>"): (
        as_admin("PATCH", lambda shop: f"/api/v1/users/{new_user(shop)['id']}",
                 {"role": "staff"}), "user", "update"),
    ("POST", "/api/v1/categories"): (
        as_admin("POST", "/api/v1/categories", {"name": "Garden"}, 201), "category", "create"),
    ("PATCH", "/api/v1/categories/<category_id:int>"): (
        as_admin("PATCH", lambda shop: f"/api/v1/categories/{shop.category['id']}",
                 {"name": "Hand tools"}),
        "category", "update"),
    ("DELETE", "/api/v1/categories/<category_id:int>"): (
        as_admin("DELETE", spare_category),
        "category", "delete"),
    ("POST", "/api/v1/products"): (
        as_admin("POST", "/api/v1/products", {"sku": "SAW-1", "name": "Saw", "price": "9.00"},
                 201), "product", "create"),
    ("PATCH", "/api/v1/products/<product_id:int>"): (
        as_admin("PATCH", product_path(),
                 lambda shop: {"price": "11.00", "version": shop.product["version"]}),
        "product", "update"),
    ("DELETE", "/api/v1/products/<product_id:int>"): (
        as_admin("DELETE", product_path(), status=200), "product", "archive"),
    ("POST", "/api/v1/products/<product_id:int>/restore"): (
        as_admin("POST", archived_product), "product", "restore"),
    ("POST", "/api/v1/stock-adjustments"): (
        as_admin("POST", "/api/v1/stock-adjustments",
                 lambda shop: {"product_id": shop.product["id"], "delta": 3,
                               "reason": "delivery"}, 201), "product", "stock"),
    ("POST", "/api/v1/stock-counts"): (
        as_admin("POST", "/api/v1/stock-counts",
                 lambda shop: {"product_id": shop.product["id"], "counted": 7,
                               "reason": "count"}, 201), "product", "stock"),
    ("POST", "/api/v1/customers"): (
        as_admin("POST", "/api/v1/customers", {"name": "Grace"}, 201), "customer", "create"),
    ("PATCH", "/api/v1/customers/<customer_id:int>"): (
        as_admin("PATCH", lambda shop: f"/api/v1/customers/{shop.customer['id']}",
                 lambda shop: {"name": "Ada L.", "version": shop.customer["version"]}),
        "customer", "update"),
    ("DELETE", "/api/v1/customers/<customer_id:int>"): (
        as_admin("DELETE", lambda shop: f"/api/v1/customers/{shop.customer['id']}", status=200),
        "customer", "archive"),
    ("POST", "/api/v1/customers/<customer_id:int>/restore"): (
        as_admin("POST", archived_customer), "customer", "restore"),
    ("POST", "/api/v1/orders"): (
        as_admin("POST", "/api/v1/orders",
                 lambda shop: {"customer_id": shop.customer["id"], "lines": [
                     {"product_id": shop.product["id"], "quantity": 2}]}, 201),
        "order", "create"),
    ("PATCH", "/api/v1/orders/<order_id:int>"): (
        edit_draft, "order", "update"),
    ("DELETE", "/api/v1/orders/<order_id:int>"): (
        as_admin("DELETE", lambda shop: f"/api/v1/orders/{shop.draft()['id']}"),
        "order", "delete"),
    ("POST", "/api/v1/orders/<order_id:int>/place"): (
        as_admin("POST", lambda shop: f"/api/v1/orders/{shop.draft()['id']}/place"),
        "order", "place"),
    ("POST", "/api/v1/orders/<order_id:int>/fulfill"): (
        as_admin("POST", lambda shop: f"/api/v1/orders/{shop.placed()['id']}/fulfill"),
        "order", "fulfil"),
    ("POST", "/api/v1/orders/<order_id:int>/cancel"): (
        as_admin("POST", lambda shop: f"/api/v1/orders/{shop.placed()['id']}/cancel"),
        "order", "cancel"),
    ("POST", "/api/v1/imports/products"): (import_products, "product", "create"),
    ("POST", "/api/v1/backups"): (
        as_admin("POST", "/api/v1/backups", {}, 201), "backup", "create"),
    ("POST", "/api/v1/history/<change_id:int>/undo"): (undo_an_edit, "product", "update"),
    ("POST", "/api/v1/webhooks"): (
        as_admin("POST", "/api/v1/webhooks", {"url": "http://127.0.0.1:9/h",
                                              "events": ["order.placed"]}, 201),
        "webhook", "create"),
    ("PATCH", "/api/v1/webhooks/<webhook_id:int>"): (
        as_admin("PATCH", lambda shop: f"/api/v1/webhooks/{shop.webhook()['id']}",
                 {"is_active": False}), "webhook", "update"),
    ("DELETE", "/api/v1/webhooks/<webhook_id:int>"): (
        as_admin("DELETE", lambda shop: f"/api/v1/webhooks/{shop.webhook()['id']}"),
        "webhook", "delete"),
    ("POST", "/api/v1/webhooks/<webhook_id:int>/test"): (
        as_admin("POST", lambda shop: f"/api/v1/webhooks/{shop.webhook()['id']}/test",
                 status=202), "webhook", "test"),
    ("POST", "/api/v1/webhook-deliveries/<delivery_id:int>/redeliver"): (
        redeliver, "delivery", "redeliver"),
}

# Needs a database with no user at all: the journal test checks it on its own.
SETUP = ("POST", "/api/v1/setup")
