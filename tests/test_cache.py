"""The cache: both backends, and reports that are fresh right after each write that changes
them (and still cached after writes that do not), including across two processes."""

import json
import os
import subprocess
import sys
import threading
import urllib.request
from urllib.parse import urlsplit

import pytest

from tests.support import databases
from tests.support.live import served_url
from tinyapp import cache, db
from tinyapp.cache import MemoryCache, RedisCache
from tinyapp.engines import sqlite_path
from tinyapp.services import accounts


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
    databases.use(app.database)
    cache.current().clear()
    user = make_user("staff")
    with db.database.connection_context():
        _, secret = accounts.create_token(user, "cache")
    return ApiClient(webtest.TestApp(app), secret)


@pytest.mark.parametrize("lists_cached", [True, False], ids=["CACHE_LISTS on", "off"])
def test_a_list_page_asked_again_reads_the_database_only_when_lists_are_not_cached(
        make_settings, migrated_url, database, lists_cached):
    """The uncached benchmarks (tests/bench/) run with CACHE_LISTS off: each request
    must then do the database's work, and with it on, a repeat none."""
    from tests.support.api import client_as, queries_of
    from tinyapp.web.app import create_app

    app = create_app(make_settings(DATABASE_URL=migrated_url,
                                   CACHE_LISTS=str(lists_cached).lower()))
    databases.use(app.database)
    cache.current().clear()
    api = client_as(app)

    def queries_of_a_page() -> int:
        return queries_of(api.get("/api/v1/products?limit=20"))

    queries_of_a_page()  # the first: the token is looked up too
    repeats = [queries_of_a_page(), queries_of_a_page()]
    assert all(count == 0 for count in repeats) if lists_cached else \
        all(count > 0 for count in repeats)


def test_two_databases_sharing_one_redis_never_see_each_others_cached_rows(
        redis_url, make_settings, migrated_url, scratch_url, database):
    """A team may point a live and a staging tinyapp at one Redis. Each database's keys
    are its own, so a page cached for one is never served for the other."""
    from tests.support.api import ApiClient, client_as
    from tinyapp import migrations
    from tinyapp.web.app import create_app

    def client_of(url: str) -> ApiClient:
        app = create_app(make_settings(DATABASE_URL=url, CACHE_URL=redis_url))
        databases.use(app.database)
        with db.database.connection_context():
            migrations.upgrade()
        return client_as(app)

    def skus(api: ApiClient) -> list[str]:
        return [item["sku"] for item in api.get("/api/v1/products").json["items"]]

    live, staging = client_of(migrated_url), client_of(scratch_url)
    live.product("LIVE-1")
    assert skus(live) == skus(live) == ["LIVE-1"]  # the second from the cache
    assert skus(staging) == []
    staging.product("STAGING-1")
    assert skus(staging) == ["STAGING-1"] and skus(live) == ["LIVE-1"]


def lookups() -> tuple[int, int]:
    return cache.current().stats.hits, cache.current().stats.misses


def read_twice_is_a_hit(api, path) -> dict:
    first = api.get(path).json
    hits = cache.current().stats.hits
    assert api.get(path).json == first
    assert cache.current().stats.hits == hits + 1
    return first


def report_hits() -> int:
    return cache.current().stats.hits_of("sales")


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
    hits = report_hits()
    api.post("/api/v1/stock-adjustments", {"product_id": product["id"], "delta": 3,
                                           "reason": "delivery"}, status=201)
    api.order(customer["id"], (product["id"], 1))  # a draft is not a sale
    api.customer("Grace")
    api.get(sales)
    assert report_hits() == hits + 1  # the same entry: none of those writes touched sales


def start_process(settings_flags: list[str], tmp_path, name: str) -> tuple:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TINYAPP_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "tinyapp", "serve", "--port", "0", "--log-level", "warning",
         "--data-dir", str(tmp_path / name), "--secret-key", "test", *settings_flags],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        return process, served_url(process)
    except AssertionError:
        process.kill()
        raise


def call(base: str, path: str, token: str, method: str = "GET", body: dict | None = None):
    request = urllib.request.Request(
        base + path.lstrip("/"), method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as reply:
        return json.load(reply)


def spelled_otherwise(url: str, tmp_path) -> str:
    """The same database by another name: the server as localhost instead of 127.0.0.1
    (or the other way round), an SQLite file through a symbolic link to its folder."""
    path = sqlite_path(url)
    if path is not None:
        (tmp_path / "linked").symlink_to(path.resolve().parent, target_is_directory=True)
        return f"sqlite:///{tmp_path / 'linked' / path.name}"
    host = urlsplit(url).hostname
    other = "localhost" if host == "127.0.0.1" else "127.0.0.1"
    assert host in ("127.0.0.1", "localhost"), "the test servers run on this machine"
    return url.replace(f"@{host}", f"@{other}", 1)


def test_two_processes_sharing_redis_and_one_database_see_fresh_reports(
        redis_url, migrated_url, database, make_user, tmp_path):
    """The second names the database otherwise (localhost, not 127.0.0.1): still one
    database to the cache, so the first one's cached report goes stale at its writes."""
    RedisCache(redis_url).clear()
    user = make_user("staff")
    with db.database.connection_context():
        _, token = accounts.create_token(user, "two processes")
    first, first_url = start_process(["--database-url", migrated_url, "--cache-url",
                                      redis_url], tmp_path, "a")
    second, second_url = start_process(["--database-url",
                                        spelled_otherwise(migrated_url, tmp_path),
                                        "--cache-url", redis_url], tmp_path, "b")
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


# -- caches hold no secrets; account changes act at once on every token --

def cached_text(backend) -> str:
    """Everything a cache holds, keys and values, as one text to search for secrets."""
    if isinstance(backend, MemoryCache):
        return json.dumps([[key, value] for key, (_, value, _) in backend._entries.items()],
                          default=str)
    raw = backend._redis
    return json.dumps([[key.decode(), (raw.get(key) or b"").decode()]
                       for key in raw.scan_iter(backend._prefix + "*")])


@pytest.fixture
def token_app(request, make_settings, migrated_url, database, make_user):
    """An app with the memory or Redis cache, a staff user, a bearer token and a session."""
    import webtest

    from tests.conftest import PASSWORD
    from tests.support.api import ApiClient
    from tinyapp.web.app import create_app

    url = "memory://" if request.param == "memory" else request.getfixturevalue("redis_url")
    app = create_app(make_settings(DATABASE_URL=migrated_url, CACHE_URL=url))
    databases.use(app.database)
    cache.current().clear()
    user = make_user("staff")
    with db.database.connection_context():
        _, secret = accounts.create_token(user, "script")
    browser = webtest.TestApp(app)
    csrf = browser.post_json("/api/v1/auth/login", {"email": user.email,
                                                    "password": PASSWORD}).json["csrf_token"]
    return app, user, ApiClient(webtest.TestApp(app), secret), browser, csrf


both_backends = pytest.mark.parametrize("token_app", ["memory", "redis"], indirect=True)


@both_backends
def test_the_cache_holds_no_password_hash_token_hash_or_session_secret(token_app):
    from tinyapp.models import ApiToken, Session, User
    from tinyapp.security.tokens import secret_hash

    app, user, script, browser, csrf = token_app
    script.get("/api/v1/me")
    script.get("/api/v1/products")
    browser.get("/api/v1/me")
    text = cached_text(cache.current())
    assert text != "[]"  # the token lookup and the list page were cached
    token = script.headers["Authorization"].split()[1]
    with db.database.connection_context():
        secrets = [User.get_by_id(user.id).password_hash, token, secret_hash(token),
                   *[t.token_hash for t in ApiToken.select()],
                   *[s.token_hash for s in Session.select()],
                   *[s.csrf_token for s in Session.select()]]
    for secret in secrets:
        assert secret not in text
    assert "password_hash" not in text and "token_hash" not in text


@both_backends
def test_after_a_password_change_no_token_can_confirm_the_old_password(token_app):
    from tests.conftest import PASSWORD

    app, user, script, browser, csrf = token_app
    script.get("/api/v1/me")  # the token and its user are cached now
    browser.post_json("/api/v1/me/password", {"current_password": PASSWORD,
                                              "new_password": "a brand new passphrase"},
                      headers={"X-CSRF-Token": csrf}, status=204)
    # The old password must not work anywhere: not as "current", not to sign in.
    script.post("/api/v1/me/password", {"current_password": PASSWORD,
                                        "new_password": "the attacker's phrase"},
                status=401)
    browser.get("/api/v1/me")  # the session that made the change stays signed in


@both_backends
def test_a_token_that_changes_the_password_stays_but_only_knows_the_new_one(token_app):
    from tests.conftest import PASSWORD

    app, user, script, browser, csrf = token_app
    with db.database.connection_context():
        _, other = accounts.create_token(user, "another script")
    script.get("/api/v1/me")
    script.post("/api/v1/me/password", {"current_password": PASSWORD,
                                        "new_password": "a brand new passphrase"},
                status=204)
    problem = script.post("/api/v1/me/password", {"current_password": PASSWORD,
                                                  "new_password": "the attacker's phrase"},
                          status=403).json
    assert problem["field"] == "current_password"
    script.app.get("/api/v1/me", headers={"Authorization": f"Bearer {other}"}, status=401)
    browser.get("/api/v1/me", status=401)  # every other session ended too


@both_backends
def test_a_deactivated_users_tokens_stay_dead_after_reactivation(token_app):
    app, user, script, browser, csrf = token_app
    script.get("/api/v1/me")
    with db.database.connection_context():
        admin = accounts.create_user("boss@example.com", "Boss", "the boss phrase 123",
                                     role="admin")
        accounts.update_user(user.id, {"is_active": False}, actor=admin)
    script.get("/api/v1/me", status=401)
    with db.database.connection_context():
        accounts.update_user(user.id, {"is_active": True}, actor=admin)
    script.get("/api/v1/me", status=401)
    browser.get("/api/v1/me", status=401)


@both_backends
def test_a_demoted_users_token_loses_the_role_at_once(token_app):
    app, user, script, browser, csrf = token_app
    script.post("/api/v1/categories", {"name": "Tools"}, status=201)
    with db.database.connection_context():
        admin = accounts.create_user("boss@example.com", "Boss", "the boss phrase 123",
                                     role="admin")
        accounts.update_user(user.id, {"role": "viewer"}, actor=admin)
    script.post("/api/v1/categories", {"name": "Toys"}, status=403)
    script.get("/api/v1/me")  # still signed in, as a viewer


@both_backends
def test_a_token_is_read_from_the_database_once_even_when_its_last_use_is_noted(token_app):
    """The first use writes last_used_at (api_tokens changes), which moves the table's
    generation on: the entry the lookup then caches must be under the new one, or every
    next request reads the token again (and none is served while the database is away)."""
    from tinyapp import querylog

    _, _, script, _, _ = token_app
    secret = script.headers["Authorization"].split()[1]
    with db.database.connection_context():
        first = accounts.find_token(secret)  # read, and last_used_at written
        with querylog.track(keep_statements=True) as log:
            again = accounts.find_token(secret)
    assert again.id == first.id
    assert [q.sql for q in log.statements] == []
