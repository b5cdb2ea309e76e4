"""Cache invalidation is derived from what a unit of work wrote, so no write can forget it.

Two apps share one database: one caches (memory:// or Redis, list cache on), the other
reads the database afresh every time (its cache emptied before each read). After every
write route of the API (tests/support/writes.py), every API read that was cached before
it answers exactly what the fresh app answers.
"""

import pytest
import webtest

from tests.support import databases
from tests.support.api import ApiClient
from tests.support.writes import WRITES, Shop
from tinyapp.web.app import create_app

# Every read of the API without a path parameter, and the shop's own records.
READS = ["/api/v1/me", "/api/v1/me/sessions", "/api/v1/users", "/api/v1/categories",
         "/api/v1/products", "/api/v1/customers", "/api/v1/orders", "/api/v1/reports/sales",
         "/api/v1/reports/top-products", "/api/v1/reports/categories",
         "/api/v1/reports/low-stock", "/api/v1/search?q=DR", "/api/v1/exports/products.csv",
         "/api/v1/exports/customers.csv", "/api/v1/exports/orders.csv",
         "/api/v1/exports/sales.csv", "/api/v1/backups", "/api/v1/history",
         "/api/v1/stock-levels", "/api/v1/webhooks", "/api/v1/webhook-deliveries",
         "/api/v1/products/{product}", "/api/v1/products/{product}/movements",
         "/api/v1/products/{product}/history", "/api/v1/customers/{customer}",
         "/api/v1/categories/{category}", "/api/v1/users/{admin}"]
# Stamped by the request that reads them (when a token or session was last used).
STAMPS = ("last_used_at", "last_seen_at")


class Twins:
    def __init__(self, shop: Shop, fresh_app):
        self.shop = shop
        self.fresh_app = fresh_app
        self.fresh = ApiClient(webtest.TestApp(fresh_app), shop.admin.headers["Authorization"]
                               .removeprefix("Bearer "))

    def paths(self) -> list[str]:
        ids = {"product": self.shop.product["id"], "customer": self.shop.customer["id"],
               "category": self.shop.category["id"], "admin": self.shop.admin_user.id}
        return [path.format(**ids) for path in READS]

    def cached_answers(self) -> dict:
        return {path: answer(self.shop.admin, path) for path in self.paths()}

    def fresh_answers(self) -> dict:
        answers = {}
        for path in self.paths():
            self.fresh_app.database.cache.clear()
            answers[path] = answer(self.fresh, path)
        return answers


def answer(client: ApiClient, path: str):
    reply = client.app.get(path, headers=client.headers, status="*")
    if reply.content_type != "application/json":
        return reply.status_int, reply.text
    return reply.status_int, unstamped(reply.json)


def unstamped(value):
    if isinstance(value, dict):
        return {k: unstamped(v) for k, v in value.items() if k not in STAMPS}
    if isinstance(value, list):
        return [unstamped(v) for v in value]
    return value


@pytest.fixture(params=["memory", "redis"])
def twins(request, make_settings, migrated_url, database, make_user) -> Twins:
    url = "memory://" if request.param == "memory" else request.getfixturevalue("redis_url")
    cached_app = create_app(make_settings(DATABASE_URL=migrated_url, CACHE_URL=url,
                                          CACHE_LISTS="true"))
    fresh_app = create_app(make_settings(DATABASE_URL=migrated_url))
    databases.use(cached_app.database)
    cached_app.database.cache.clear()
    return Twins(Shop(cached_app, make_user), fresh_app)


@pytest.mark.parametrize("route", list(WRITES), ids=lambda route: " ".join(route))
def test_after_each_write_every_cached_read_is_what_the_database_says(twins, route):
    send, _, _ = WRITES[route]
    warm = twins.cached_answers()
    assert twins.cached_answers() == warm  # served from the cache now (or unchanged)
    send(twins.shop)
    assert twins.cached_answers() == twins.fresh_answers()


def test_a_sign_in_shows_at_once_in_the_users_list(twins):
    users = twins.shop.admin.get("/api/v1/users").json["items"]
    before = next(u for u in users if u["id"] == twins.shop.admin_user.id)
    twins.shop.signed_in_browser()
    users = twins.shop.admin.get("/api/v1/users").json["items"]
    after = next(u for u in users if u["id"] == twins.shop.admin_user.id)
    assert after["last_login_at"] is not None
    assert after["last_login_at"] != before["last_login_at"]
