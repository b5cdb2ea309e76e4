"""Depth: a keyset page at 90% of 100,000 products costs no more than the first page.

    python tests/bench/bench_depth.py [--engines sqlite://,postgresql://...,mysql://...]
                                      [--requests 200] [--products 100000]

For each engine (SQLite in a temporary file; a server URL gets a scratch database of
its own, dropped afterwards): 100,000 products are inserted, the tables analysed, and
the app (list cache off, in process, no HTTP) answers GET /api/v1/products?limit=20
in every sort order, for the first page and for the page after the row at 90% of
that order. Requests alternate between the two, so a slow moment falls on both.
Prints the median milliseconds of each and their ratio; issue 15's target is a deep
page at most 2x the first. Exits 0 whatever the ratios (it is a measurement).
"""

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import webtest  # noqa: E402

from tests.support import databases  # noqa: E402
from tinyapp import bulk, db, migrations  # noqa: E402
from tinyapp.config import load_settings  # noqa: E402
from tinyapp.models import Product, User, utcnow  # noqa: E402
from tinyapp.services import accounts  # noqa: E402
from tinyapp.web.app import create_app  # noqa: E402

SORTS = ["name", "-price", "stock", "sku", "-created_at"]
TARGET = 2.0


def fill(count: int) -> None:
    """count products with names, prices and stock in no particular order, and analyse.

    Each made a minute after the one before: a sort column where most rows tie (all
    made at one instant) makes a deep page walk the tied rows, on every engine.
    """
    start = utcnow() - dt.timedelta(minutes=count)
    bulk.insert(Product, [{"sku": f"D-{n:06d}", "name": f"Item {(n * 7919) % count:06d}",
                           "price": Decimal((n * 37) % 50_000) / 100, "stock": (n * 13) % 500,
                           "created_at": start + dt.timedelta(minutes=(n * 31) % count),
                           "updated_at": start} for n in range(count)])
    engine = db.current_engine()
    if engine == "mysql":
        db.database.execute_sql("ANALYZE TABLE products").fetchall()
    else:
        db.database.execute_sql("ANALYZE")


def deep_cursor(sort: str) -> int:
    column = getattr(Product, sort.lstrip("-"))
    order = [column.desc(), Product.id.desc()] if sort.startswith("-") else [column, Product.id]
    return (Product.select(Product.id).order_by(*order)
            .offset(int(Product.select().count() * 0.9)).limit(1).scalar())


def measure(server_url: str, products: int, requests: int, folder: Path) -> list[tuple]:
    url = databases.create_scratch(server_url, folder)
    try:
        settings = load_settings({"DATABASE_URL": url, "CACHE_LISTS": "false",
                                  "LOG_LEVEL": "warning", "DATA_DIR": str(folder)}, environ={})
        app = create_app(settings)
        with app.database.bound(), app.database.connection():
            migrations.upgrade()
            with db.transaction():
                fill(products)
            admin = accounts.create_user("depth@example.org", "Depth", "a long passphrase 3",
                                         role="admin")
            _, secret = accounts.create_token(User.get_by_id(admin.id), "depth")
            cursors = {sort: deep_cursor(sort) for sort in SORTS}
        client = webtest.TestApp(app)
        headers = {"Authorization": f"Bearer {secret}"}
        results = []
        for sort in SORTS:
            first, deep = [], []
            paths = [(first, f"/api/v1/products?limit=20&sort={sort}"),
                     (deep, f"/api/v1/products?limit=20&sort={sort}&cursor={cursors[sort]}")]
            for _, path in paths:  # warm up
                assert len(client.get(path, headers=headers).json["items"]) == 20
            for n in range(requests):
                times, path = paths[n % 2]
                started = time.perf_counter()
                client.get(path, headers=headers)
                times.append((time.perf_counter() - started) * 1000)
            results.append((sort, statistics.median(first), statistics.median(deep)))
        app.close()
        return results
    finally:
        databases.drop_scratch(url)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="sqlite://")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--products", type=int, default=100_000)
    args = parser.parse_args()
    print(f"depth: GET /api/v1/products?limit=20, first page vs the page at 90% of "
          f"{args.products:,} products, list cache off, in process, median of "
          f"{args.requests // 2} requests each (interleaved)")
    print(f"  {'engine':12} {'sort':12} {'first ms':>9} {'deep ms':>9} {'deep/first':>11}")
    worst = 0.0
    for server_url in args.engines.split(","):
        with tempfile.TemporaryDirectory() as folder:
            for sort, first, deep in measure(server_url, args.products, args.requests,
                                             Path(folder)):
                worst = max(worst, deep / first)
                print(f"  {db.engine_of(server_url):12} "
                      f"{sort:12} {first:9.2f} {deep:9.2f} {deep / first:11.2f}")
    print(f"  target: deep page <= {TARGET:.1f}x the first on every engine and sort: worst "
          f"{worst:.2f} {'met' if worst <= TARGET else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
