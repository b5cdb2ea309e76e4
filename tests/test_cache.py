"""The cache: both backends, and reports that are fresh right after each write that changes
them (and still cached after writes that do not), including across two processes."""

import json
import os
import re
import subprocess
import sys
import threading
import urllib.request

import pytest

from tests.support.databases import in_ci
from tinyapp import cache, db
from tinyapp.cache import MemoryCache, RedisCache
from tinyapp.services import accounts


@pytest.fixture(scope="session")
def redis_url():
    url = os.environ.get("TINYAPP_TEST_REDIS")
    reason = None
    if not url:
        reason = "Redis not configured: set TINYAPP_TEST_REDIS=redis://127.0.0.1:6379/15"
    elif not RedisCache(url).ping():
        reason = f"Redis at {url} does not answer"
    if reason:
        if in_ci():
            pytest.fail(reason)
        pytest.skip(reason)
    return url


def test_memory_entries_expire_after_their_ttl():
    now = [100.0]
    memory = MemoryCache(clock=lambda: now[0])
    memory.set("k", {"v": 1}, ttl=10)
    assert memory.get("k") == {"v": 1}
    now[0] += 10.5
    assert memory.get("k") is None


def test_memory_keeps_at_most_max_entries_dropping_the_least_recently_used():
    memory = MemoryCache(max_entries=3)
    for key in "abc":
        memory.set(key, key, ttl=60)
    memory.get("a")  # a is now the most recently used
    memory.set("d", "d", ttl=60)
    assert [memory.get(k) for k in "abcd"] == ["a", None, "c", "d"]
    assert len(memory) == 3


def test_memory_is_safe_under_threads():
    memory = MemoryCache(max_entries=500)

    def hammer(n):
        for i in range(2000):
            memory.set(f"{n}-{i % 700}", i, ttl=60)
            memory.get(f"{n}-{(i * 7) % 700}")
            memory.bump("sales")

    threads = [threading.Thread(target=hammer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert memory.generation("sales") == "16000"  # generations are never evicted
    assert len(memory) <= 500


def test_redis_backend_round_trips_json_and_counts(redis_url):
    backend = RedisCache(redis_url, prefix="tinyapp-test:")
    backend.clear()
    backend.set("report", {"amount": "12.50", "items": [1, 2]}, ttl=60)
    assert backend.get("report") == {"amount": "12.50", "items": [1, 2]}
    first = backend.generation("sales")
    assert backend.generation("sales") == first
    backend.bump("sales")
    assert backend.generation("sales") != first
    backend.delete("report")
    assert backend.get("report") is None


def test_an_unreachable_redis_degrades_to_no_cache():
    backend = RedisCache("redis://127.0.0.1:1/0")
    backend.set("k", 1, ttl=60)
    assert backend.get("k") is None and backend.ping() is False


@pytest.fixture(params=["memory", "redis"])
def cached_api(request, make_settings, migrated_url, database, make_user):
    """An API client on an app whose cache is memory:// or Redis."""
    import webtest

    from tests.support.api import ApiClient
    from tinyapp.web.app import create_app

    url = "memory://" if request.param == "memory" else request.getfixturevalue("redis_url")
    app = create_app(make_settings(DATABASE_URL=migrated_url, CACHE_URL=url))
    cache.current().clear()
    user = make_user("staff")
    with db.database.connection_context():
        _, secret = accounts.create_token(user, "cache")
    return ApiClient(webtest.TestApp(app), secret)


def lookups() -> tuple[int, int]:
    return cache.stats.hits, cache.stats.misses


def read_twice_is_a_hit(api, path) -> dict:
    first = api.get(path).json
    hits = cache.stats.hits
    assert api.get(path).json == first
    assert cache.stats.hits == hits + 1
    return first


def test_each_write_that_changes_a_report_makes_it_fresh(cached_api):
    api = cached_api
    tools = api.category("Tools")
    drill = api.product("DR-1", price="10.00", stock=20, category_id=tools["id"],
                        reorder_level=15, name="Drill")
    customer = api.customer("Ada")
    sales, top, low = ("/api/v1/reports/sales", "/api/v1/reports/top-products",
                       "/api/v1/reports/low-stock")
    categories = "/api/v1/reports/categories"
    assert read_twice_is_a_hit(api, sales)["total_amount"] == "0.00"

    order = api.placed_order(customer["id"], (drill["id"], 2))                 # placing
    assert api.get(sales).json["total_amount"] == "20.00"
    assert read_twice_is_a_hit(api, top)["items"][0]["name"] == "Drill"
    assert read_twice_is_a_hit(api, low)["items"] == []

    api.post(f"/api/v1/orders/{order['id']}/fulfill")                           # fulfilling
    open_orders = api.get("/api/v1/orders", params={"status": "placed"}).json["items"]
    assert open_orders == []
    second = api.placed_order(customer["id"], (drill["id"], 4))
    assert [p["sku"] for p in api.get(low).json["items"]] == ["DR-1"]           # stock moved
    api.post(f"/api/v1/orders/{second['id']}/cancel")                           # cancelling
    assert api.get(sales).json["total_amount"] == "20.00"
    assert api.get(low).json["items"] == []

    read_twice_is_a_hit(api, top)
    api.patch(f"/api/v1/products/{drill['id']}", {"name": "Cordless drill",      # renaming
                                                  "price": "12.00", "version": 1})  # price
    assert api.get(top).json["items"][0]["name"] == "Cordless drill"
    read_twice_is_a_hit(api, categories)
    api.patch(f"/api/v1/categories/{tools['id']}", {"name": "Power tools"})      # category
    assert api.get(categories).json["items"][0]["name"] == "Power tools"


def test_writes_that_change_nothing_in_a_report_leave_it_cached(cached_api):
    api = cached_api
    product = api.product("DR-1", stock=20)
    customer = api.customer("Ada")
    sales = "/api/v1/reports/sales"
    read_twice_is_a_hit(api, sales)
    hits = cache.stats.hits
    api.post("/api/v1/stock-adjustments", {"product_id": product["id"], "delta": 3,
                                           "reason": "delivery"}, status=201)
    api.order(customer["id"], (product["id"], 1))  # a draft is not a sale
    api.customer("Grace")
    api.get(sales)
    assert cache.stats.hits == hits + 1


def start_process(settings_flags: list[str], tmp_path, name: str) -> tuple:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TINYAPP_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "tinyapp", "serve", "--port", "0", "--log-level", "warning",
         "--data-dir", str(tmp_path / name), "--secret-key", "test", *settings_flags],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    banner = process.stdout.readline()
    found = re.search(r"serving (http://127.0.0.1:\d+/)", banner)
    if not found:
        process.kill()
        raise AssertionError(f"{name} did not start: {banner}{process.stderr.read()}")
    return process, found.group(1)


def call(base: str, path: str, token: str, method: str = "GET", body: dict | None = None):
    request = urllib.request.Request(
        base + path.lstrip("/"), method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as reply:
        return json.load(reply)


def test_two_processes_sharing_redis_and_one_database_see_fresh_reports(
        redis_url, migrated_url, database, make_user, tmp_path):
    RedisCache(redis_url).clear()
    user = make_user("staff")
    with db.database.connection_context():
        _, token = accounts.create_token(user, "two processes")
    flags = ["--database-url", migrated_url, "--cache-url", redis_url]
    first, first_url = start_process(flags, tmp_path, "a")
    second, second_url = start_process(flags, tmp_path, "b")
    try:
        product = call(second_url, "/api/v1/products", token, "POST",
                       {"sku": "TWO-1", "name": "Shared", "price": "5.00", "stock": 9})
        customer = call(second_url, "/api/v1/customers", token, "POST", {"name": "Ada"})
        before = call(first_url, "/api/v1/reports/sales", token)["total_amount"]
        assert call(first_url, "/api/v1/reports/sales", token)["total_amount"] == before

        order = call(second_url, "/api/v1/orders", token, "POST", {
            "customer_id": customer["id"], "lines": [{"product_id": product["id"],
                                                      "quantity": 3}]})
        call(second_url, f"/api/v1/orders/{order['id']}/place", token, "POST")

        after = call(first_url, "/api/v1/reports/sales", token)["total_amount"]
        assert (before, after) == ("0.00", "15.00")
    finally:
        for process in (first, second):
            process.terminate()
            process.wait(timeout=15)
