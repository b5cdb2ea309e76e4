"""The EXPLAIN guard: no list, search or report query reads a whole large table.

A medium demo database (20,000 products, 30,000 orders, ~90,000 lines, ~110,000 stock
movements) is built once per engine and analysed, so each planner has real statistics;
then every list, search and report endpoint is called with the query inspector on, and
each SELECT it ran is EXPLAINed. A plan that reads a table of 20,000 rows or more from
end to end fails the test, naming the query and showing the plan.
"""

import pytest
import webtest

from tests.conftest import PASSWORD
from tests.support import databases
from tinyapp import cache, db, migrations
from tinyapp.demo import load_demo
from tinyapp.explain import explain, full_scans
from tinyapp.models import Product
from tinyapp.services import accounts
from tinyapp.web.app import create_app

CANDIDATES = {"products", "customers", "orders", "order_lines", "stock_movements",
              "search_terms", "product_daily_sales"}
# Rows from which reading a whole table is a problem. Below it (customers here), the
# planners rightly prefer a scan of a few hundred pages to thousands of index lookups.
LARGE = 20_000
ENDPOINTS = [
    "/api/v1/products", "/api/v1/products?sort=-price", "/api/v1/products?sort=stock",
    "/api/v1/products?sort=sku", "/api/v1/products?sort=-created_at",
    "/api/v1/products?category=3", "/api/v1/products?low_stock=true",
    "/api/v1/products?active=true", "/api/v1/products?q=cordless%20dri",
    "/api/v1/products/1234", "/api/v1/products/1234/movements",
    "/api/v1/products/1234/suggestions",
    "/api/v1/customers", "/api/v1/customers?sort=-created_at", "/api/v1/customers?q=ada",
    "/api/v1/customers/42",
    "/api/v1/orders", "/api/v1/orders?status=placed", "/api/v1/orders?customer=42",
    "/api/v1/orders?sort=number", "/api/v1/orders/777",
    "/api/v1/search?q=steel%20ham",
    "/api/v1/reports/sales", "/api/v1/reports/sales?period=month",
    "/api/v1/reports/top-products", "/api/v1/reports/categories",
    "/api/v1/reports/low-stock",
]


@pytest.fixture(scope="session")
def medium_url(server_url, tmp_path_factory):
    """A medium demo database on the engine under test, with fresh planner statistics."""
    url = databases.create_scratch(server_url, tmp_path_factory.mktemp("plans"))
    from tinyapp.config import load_settings

    db.init_database(load_settings({"DATABASE_URL": url, "LOG_LEVEL": "warning"},
                                   environ={}))
    with db.database.connection_context():
        migrations.upgrade()
        load_demo("medium")
        analyse()
    db.database.close_all()
    yield url
    if db.database.obj is not None:
        db.database.close_all()
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


@pytest.fixture
def admin_client(medium_url, make_settings):
    app = create_app(make_settings(DATABASE_URL=medium_url, SHOW_SQL="true"))
    with db.database.connection_context():
        admin = accounts.create_user(f"plans{id(app)}@example.org", "Plans", PASSWORD,
                                     role="admin")
        _, secret = accounts.create_token(admin, "plans")
    yield webtest.TestApp(app, extra_environ={"REMOTE_ADDR": "127.0.0.1"}), secret
    with db.database.connection_context():
        admin.delete_instance(recursive=True)


def test_no_list_search_or_report_reads_a_whole_large_table(admin_client):
    client, secret = admin_client
    with db.database.connection_context():
        large = large_tables()
    assert {"products", "orders", "order_lines", "stock_movements"} <= large
    problems = []
    for url in ENDPOINTS:
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
    assert problems == [], "\n".join(problems)


def test_the_guard_recognises_a_full_scan(medium_url, make_settings):
    """The detector itself must be able to fail: a LIKE '%...%' search reads every row."""
    create_app(make_settings(DATABASE_URL=medium_url))
    sql, params = Product.select(Product.id, Product.name).where(
        Product.description.contains("drill")).sql()
    with db.database.connection_context():
        assert full_scans(sql, explain(sql, params), CANDIDATES) == ["products"]
