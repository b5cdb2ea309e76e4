"""The EXPLAIN guard: no list, search or report query reads a whole large table.

A medium demo database (20,000 products, 30,000 orders, ~90,000 lines, ~110,000 stock
movements) is built once per engine and analysed, so each planner has real statistics;
then every list and report endpoint is called with the query inspector on, and each
SELECT it ran is EXPLAINed. A plan that reads a table of 20,000 rows or more from end
to end fails the test, naming the query and showing the plan.

Search is checked the same way on a database of its own with 100,000 products,
customers and orders: at 20,000 rows a planner may rightly prefer to read a table
whole over a few thousand index lookups, and the point is that it need never do so.
"""

import peewee
import pytest
import webtest

from tests.conftest import PASSWORD
from tests.support import databases, search_data
from tinyapp import cache, db, migrations
from tinyapp.demo import load_demo
from tinyapp.explain import explain, full_scans, unseeked
from tinyapp.models import Product
from tinyapp.services import accounts
from tinyapp.web.app import create_app

CANDIDATES = {"products", "customers", "orders", "order_lines", "stock_movements",
              "search_terms", "search_documents", "product_daily_sales"}
# Rows from which reading a whole table is a problem. Below it (customers here), the
# planners rightly prefer a scan of a few hundred pages to thousands of index lookups.
LARGE = 20_000
ENDPOINTS = [
    "/api/v1/products", "/api/v1/products?sort=-price", "/api/v1/products?sort=stock",
    "/api/v1/products?sort=sku", "/api/v1/products?sort=-created_at",
    "/api/v1/products?category=3", "/api/v1/products?low_stock=true",
    "/api/v1/products?active=true",
    "/api/v1/products/1234", "/api/v1/products/1234/movements",
    "/api/v1/products/1234/suggestions",
    "/api/v1/customers", "/api/v1/customers?sort=-created_at",
    "/api/v1/customers/42",
    "/api/v1/orders", "/api/v1/orders?status=placed", "/api/v1/orders?customer=42",
    "/api/v1/orders?sort=number", "/api/v1/orders/777",
    "/api/v1/reports/sales", "/api/v1/reports/sales?period=month",
    "/api/v1/reports/top-products", "/api/v1/reports/categories",
    "/api/v1/reports/low-stock",
]
SEARCH_ENDPOINTS = [  # substrings (3+ letters), word starts (shorter), both at once
    "/api/v1/products?q=driver", "/api/v1/products?q=cordless%20dri",
    "/api/v1/products?q=driver%2012&sort=-price", "/api/v1/products?q=sku-0123",
    "/api/v1/products?q=rewdri&sort=stock", "/api/v1/products?q=zzzz",
    "/api/v1/customers?q=ackus", "/api/v1/customers?q=ada", "/api/v1/customers?q=ada%20lo",
    "/api/v1/orders?q=ackus", "/api/v1/orders?q=so%20000123", "/api/v1/orders?q=00012",
    "/api/v1/orders?q=lovelace&status=placed",
    "/api/v1/search?q=driver", "/api/v1/search?q=steel%20ham",
]


@pytest.fixture(scope="session")
def medium_url(server_url, tmp_path_factory):
    """A medium demo database on the engine under test, with fresh planner statistics."""
    url = databases.create_scratch(server_url, tmp_path_factory.mktemp("plans"))
    from tinyapp.config import load_settings

    database = db.Database.from_settings(load_settings(
        {"DATABASE_URL": url, "LOG_LEVEL": "warning"}, environ={}))
    with database.bound(), database.connection():
        migrations.upgrade()
        load_demo("medium")
        analyse()
    database.close()
    yield url
    databases.drop_scratch(url)


def analyse() -> None:
    if db.current_engine() == "mysql":
        for table in db.database.get_tables():
            db.database.execute_sql(f"ANALYZE TABLE {table}").fetchall()
    else:
        db.database.execute_sql("ANALYZE")


def large_tables() -> set[str]:
    counts = {table: db.database.execute_sql(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
              for table in CANDIDATES}
    return {table for table, rows in counts.items() if rows >= LARGE}


@pytest.fixture(scope="session")
def search_url(server_url, tmp_path_factory):
    """100,000 products, customers and orders with their search index, analysed."""
    url = databases.create_scratch(server_url, tmp_path_factory.mktemp("search"))
    from tinyapp.config import load_settings

    database = db.Database.from_settings(load_settings(
        {"DATABASE_URL": url, "LOG_LEVEL": "warning"}, environ={}))
    with database.bound(), database.connection():
        migrations.upgrade()
        search_data.load()
        analyse()
    database.close()
    yield url
    databases.drop_scratch(url)


def client_for(url: str, make_settings):
    """A test client of an app on url, as an admin who sees the SQL (SHOW_SQL)."""
    app = create_app(make_settings(DATABASE_URL=url, SHOW_SQL="true"))
    databases.use(app.database)
    with db.database.connection_context():
        admin = accounts.create_user(f"plans{id(app)}@example.org", "Plans", PASSWORD,
                                     role="admin")
        _, secret = accounts.create_token(admin, "plans")
    return webtest.TestApp(app, extra_environ={"REMOTE_ADDR": "127.0.0.1"}), secret, admin


@pytest.fixture
def admin_client(medium_url, make_settings):
    client, secret, admin = client_for(medium_url, make_settings)
    yield client, secret
    with db.database.connection_context():
        admin.delete_instance(recursive=True)


@pytest.fixture
def search_client(search_url, make_settings):
    client, secret, admin = client_for(search_url, make_settings)
    yield client, secret
    with db.database.connection_context():
        admin.delete_instance(recursive=True)


def full_scans_of(client, secret: str, urls: list[str]) -> list[str]:
    """Call each URL; describe every SELECT it ran whose plan reads a large table whole."""
    with db.database.connection_context():
        large = large_tables()
    problems = []
    for url in urls:
        cache.current().clear()  # plan the real queries, not a cached answer
        response = client.get(url, headers={"Authorization": f"Bearer {secret}"},
                              status=(200, 404))
        statements = response.request.environ["tinyapp.queries"].statements
        assert statements, url
        with db.database.connection_context():
            for statement in statements:
                if not statement.sql.lstrip().upper().startswith("SELECT"):
                    continue
                plan = explain(statement.sql, statement.params)
                scanned = full_scans(statement.sql, plan, large)
                if scanned:
                    problems.append(f"{url}: full scan of {scanned}\n  {statement.sql}\n  "
                                    + "\n  ".join(plan))
    return problems


def test_no_list_or_report_reads_a_whole_large_table(admin_client):
    client, secret = admin_client
    with db.database.connection_context():
        assert {"products", "orders", "order_lines", "stock_movements"} <= large_tables()
    problems = full_scans_of(client, secret, ENDPOINTS)
    assert problems == [], "\n".join(problems)


DEEP_SORTS = ["name", "-name", "-price", "stock", "sku", "-created_at"]


def test_a_page_deep_in_the_product_list_seeks_its_cursor_in_the_index(admin_client):
    """At 90% of 20,000 products, in every sort order: the page's SELECT seeks the
    (sort, id) index to the cursor. ``(name > x) OR (name = x AND id > y)`` made SQLite
    walk that index from the first row (18,000 rows read for 20 shown), which the
    full-scan guard above allows: the walk follows the ORDER BY and has a LIMIT."""
    client, secret = admin_client
    problems = []
    for sort in DEEP_SORTS:
        column = getattr(Product, sort.lstrip("-"))
        order = [column.desc(), Product.id.desc()] if sort.startswith("-") else [column,
                                                                                Product.id]
        with db.database.connection_context():
            deep = (Product.select(Product.id).order_by(*order)
                    .offset(int(Product.select().count() * 0.9)).limit(1).scalar())
        response = client.get(f"/api/v1/products?sort={sort}&cursor={deep}&limit=20",
                              headers={"Authorization": f"Bearer {secret}"})
        assert len(response.json["items"]) == 20
        page = [s for s in response.request.environ["tinyapp.queries"].statements
                if " LIMIT " in s.sql.upper() and "ORDER BY" in s.sql.upper()]
        assert page, sort
        with db.database.connection_context():
            for statement in page:
                plan = explain(statement.sql, statement.params)
                if unseeked(statement.sql, plan, {"products"}):
                    problems.append(f"sort={sort}: no seek\n  {statement.sql}\n  "
                                    + "\n  ".join(plan))
    assert problems == [], "\n".join(problems)


def test_search_reads_the_engines_substring_index_not_whole_tables(search_client):
    client, secret = search_client
    with db.database.connection_context():
        assert {"products", "customers", "orders", "search_documents"} <= large_tables()
    problems = full_scans_of(client, secret, SEARCH_ENDPOINTS)
    assert problems == [], "\n".join(problems)
    # A rare word is looked up in the substring index itself.
    index = {"sqlite": "VIRTUAL TABLE", "postgresql": "search_documents_body_trgm",
             "mysql": "type=fulltext"}[db.current_engine()]
    for url in ("/api/v1/products?q=zzzz", "/api/v1/orders?q=000123"):
        cache.current().clear()
        response = client.get(url, headers={"Authorization": f"Bearer {secret}"})
        with db.database.connection_context():
            plans = [line for statement in response.request.environ["tinyapp.queries"].statements
                     for line in explain(statement.sql, statement.params)]
        assert any(index in line for line in plans), (url, plans)
    found = client.get("/api/v1/products?q=driver&limit=5",
                       headers={"Authorization": f"Bearer {secret}"}).json["items"]
    assert found and all("driver" in item["name"].lower() for item in found)


def test_the_guard_recognises_a_full_scan(medium_url, make_settings):
    """The detector itself must be able to fail: a LIKE '%...%' search reads every row."""
    databases.use(make_settings(DATABASE_URL=medium_url))
    sql, params = Product.select(Product.id, Product.name).where(
        Product.description.contains("drill")).sql()
    with db.database.connection_context():
        assert full_scans(sql, explain(sql, params), CANDIDATES) == ["products"]


def test_the_depth_guard_recognises_a_walk_from_the_first_row(medium_url, make_settings):
    """A page whose filter no index can seek, with a LIMIT: allowed by full_scans on SQLite
    (the walk follows the ORDER BY), but it reads from the first row on every engine.
    On SQLite the old keyset predicate, an OR, is such a walk too (PostgreSQL and MariaDB
    turn that OR into a range themselves)."""
    databases.use(make_settings(DATABASE_URL=medium_url))
    walk = (Product.select(Product.id, Product.name)
            .where(peewee.fn.LOWER(Product.name) > "t")
            .order_by(Product.name, Product.id).limit(21))
    old_keyset = (Product.select(Product.id, Product.name)
                  .where((Product.name > "T") | ((Product.name == "T") & (Product.id > 5)))
                  .order_by(Product.name, Product.id).limit(21))
    with db.database.connection_context():
        sql, params = walk.sql()
        plan = explain(sql, params)
        assert unseeked(sql, plan, CANDIDATES) == ["products"], plan
        if db.current_engine() == "sqlite":
            sql, params = old_keyset.sql()
            plan = explain(sql, params)
            assert full_scans(sql, plan, CANDIDATES) == [], plan
            assert unseeked(sql, plan, CANDIDATES) == ["products"], plan
