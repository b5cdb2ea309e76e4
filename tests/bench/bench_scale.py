"""Scale: p50/p95 latency of lists, search, the dashboard and reports, small vs large data.

    python tests/bench/bench_scale.py [--requests 40] [--large-db PATH] [--keep]

Builds (or reuses, with --large-db) SQLite databases from `tinyapp demo --size small`
and `--size large` (100,000 products, ~1,000,000 order lines), serves each with a real
waitress server on 127.0.0.1, and times sequential requests with a bearer token:
uncached (the cache is emptied before every request, so the database does the work)
and cached (the same request again). The baseline in the same run is the small
database: the ratio large/small shows how latency grows with 2,000 times more data.
Targets at large: lists and search p95 < 100 ms; reports p95 < 250 ms uncached and
< 10 ms cached.
"""

import argparse
import http.client
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.common import percentile  # noqa: E402

LISTS = {
    "products, first page": "/api/v1/products?limit=50",
    "products, deep page": "/api/v1/products?limit=50&cursor={deep}",
    "products by price": "/api/v1/products?limit=50&sort=-price",
    "orders, first page": "/api/v1/orders?limit=50",
    "customers": "/api/v1/customers?limit=50",
    "search": "/api/v1/search?q=cordless%20dri",
}
PAGES = {"dashboard": "/"}
REPORTS = {
    "sales per day (30 days)": "/api/v1/reports/sales",
    "sales per month (1 year)": "/api/v1/reports/sales?period=month&from={year_ago}",
    "top products": "/api/v1/reports/top-products",
    "sales per category": "/api/v1/reports/categories",
    "low stock": "/api/v1/reports/low-stock",
}


def build(path: Path, size: str) -> None:
    from tinyapp import db, migrations
    from tinyapp.demo import load_demo

    database = db.Database(f"sqlite:///{path}")
    with database.bound(), database.connection():
        migrations.upgrade()
        load_demo(size)
        database.peewee.execute_sql("ANALYZE")
    database.close()


def measure(path: Path, requests: int) -> dict[str, tuple]:
    """Serve the database and time every endpoint; return {name: (p50, p95, cached p95)}."""
    import datetime as dt

    from tests.support.live import live_server
    from tinyapp.config import load_settings
    from tinyapp.models import Product
    from tinyapp.services import accounts

    settings = load_settings({"DATABASE_URL": f"sqlite:///{path}", "DATA_DIR": str(path.parent),
                              "SECRET_KEY": "bench", "LOG_LEVEL": "warning"}, environ={})
    with live_server(settings, threads=4) as (base, app):
        with app.database.bound(), app.database.connection():
            user = accounts.create_user(f"scale{time.time_ns()}@example.org", "Scale",
                                        "benchmark passphrase", role="admin")
            _, token = accounts.create_token(user, "scale")
            late = (Product.select(Product.name, Product.id).order_by(Product.name.desc())
                    .offset(Product.select().count() // 10).first())
        values = {"deep": str(late.id),  # a cursor is the id of the last row seen
                  "year_ago": (dt.date.today() - dt.timedelta(days=364)).isoformat()}
        host, port = base.split("//")[1].split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=60)
        headers = {"Authorization": f"Bearer {token}"}

        def timed(url: str) -> float:
            started = time.perf_counter()
            connection.request("GET", url, headers=headers)
            reply = connection.getresponse()
            reply.read()
            if reply.status != 200:
                raise RuntimeError(f"{url}: {reply.status}")
            return (time.perf_counter() - started) * 1000

        results = {}
        for name, url in {**LISTS, **PAGES, **REPORTS}.items():
            url = url.format(**values)
            timed(url)  # warm the connection and the page cache
            fresh, cached = [], []
            stats = app.database.cache.stats
            for _ in range(requests):
                app.database.cache.clear()  # the app's own: this thread has none bound
                misses = stats.misses
                fresh.append(timed(url))
                if stats.misses == misses:  # it was served from the cache after all
                    raise RuntimeError(f"{url}: the uncached request found a cached answer")
                cached.append(timed(url))
            results[name] = (percentile(fresh, 0.5), percentile(fresh, 0.95),
                             percentile(cached, 0.95))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40, help="per endpoint (default 40)")
    parser.add_argument("--large-db", type=Path, help="reuse a `demo --size large` SQLite file")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="tinyapp-scale-"))
    try:
        small = tmp / "small.db"
        build(small, "small")
        large = args.large_db
        if large is None:
            large = tmp / "large.db"
            started = time.monotonic()
            build(large, "large")
            print(f"built the large demo in {time.monotonic() - started:.0f} s, "
                  f"{large.stat().st_size / 1e6:.0f} MB")
        figures = {"small": measure(small, args.requests), "large": measure(large, args.requests)}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"\n{'endpoint':28s} {'small p50/p95':>15s} {'large p50/p95':>15s} "
          f"{'large/small':>11s} {'cached p95':>10s}  target")
    failures = 0
    for name in {**LISTS, **PAGES, **REPORTS}:
        s50, s95, _ = figures["small"][name]
        l50, l95, cached = figures["large"][name]
        is_report = name in REPORTS
        limit = 250 if is_report else 100
        ok = l95 < limit and (not is_report or cached < 10)
        failures += not ok
        print(f"{name:28s} {s50:6.1f}/{s95:6.1f} ms {l50:6.1f}/{l95:6.1f} ms "
              f"{l95 / s95:10.1f}x {cached:8.1f} ms  p95<{limit}"
              + (", cached<10" if is_report else "") + ("  ok" if ok else "  MISSED"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
