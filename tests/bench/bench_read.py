"""Read path: tinyapp's product list against a bare sqlite3 WSGI app, same waitress settings.

    python tests/bench/bench_read.py [--seconds 10] [--rounds 2]

Builds a SQLite database with 10,000 products (and a user with an API token), starts
the servers in their own processes with the same waitress options (8 threads), warms
them up, then alternates load rounds: GET /api/v1/products?limit=20 with the bearer
token, from wrk (2 threads, 8 connections) on 127.0.0.1. Prints requests/s of each and
tinyapp / baseline, for tinyapp as configured by default (list pages cached until a
write changes them) and, for the record, with CACHE_LISTS off (every request compiles
the query, builds the rows and dumps them through marshmallow), and that once more
with one worker thread instead of 8: under the GIL, waking a worker per request and
handing the GIL between workers costs CPU of its own. Target: >= 0.6.
"""

import argparse
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.common import PYTHON, get, load, start_server, start_tinyapp, stop  # noqa: E402

PRODUCTS = 10_000


def build(folder: Path) -> tuple[str, str]:
    """Create the database: 10,000 products in 20 categories, one admin with a token."""
    from tinyapp import db, migrations
    from tinyapp.models import Category, Product
    from tinyapp.services import accounts

    path = folder / "read.db"
    url = f"sqlite:///{path}"
    database = db.Database(url)
    with database.bound(), database.connection():
        migrations.upgrade()
        with db.transaction():
            Category.insert_many([(f"Category {n}",) for n in range(20)],
                                 fields=[Category.name]).execute()
            for start in range(0, PRODUCTS, 1000):
                Product.insert_many(
                    [(f"SKU-{n:05d}", f"Product {n * 7919 % PRODUCTS:05d}", "A fine thing",
                      n % 20 + 1, Decimal(n % 5000) / 100 + 1, n % 90, 5)
                     for n in range(start, start + 1000)],
                    fields=[Product.sku, Product.name, Product.description, Product.category,
                            Product.price, Product.stock, Product.reorder_level]).execute()
        user = accounts.create_user("bench@example.org", "Bench", "benchmark passphrase",
                                    role="viewer")
        _, token = accounts.create_token(user, "bench")
    database.close()
    return str(path), token


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="per round (default 10)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds each (default 2)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path, token = build(folder)
        headers = {"Authorization": f"Bearer {token}"}
        servers = {
            "tinyapp": start_tinyapp(f"sqlite:///{path}", folder / "a", threads=8),
            "tinyapp, CACHE_LISTS off": start_tinyapp(f"sqlite:///{path}", folder / "b",
                                                      threads=8,
                                                      extra=["--no-cache-lists"]),
            # What handing requests between 8 worker threads (and the GIL) costs.
            "tinyapp, CACHE_LISTS off, 1 thread": start_tinyapp(
                f"sqlite:///{path}", folder / "c", threads=1, extra=["--no-cache-lists"]),
            "baseline": start_server([PYTHON, str(Path(__file__).with_name(
                "baseline_read.py")), path, "0", "8"]),
        }
        results = {name: [] for name in servers}
        try:
            path_query = "api/v1/products?limit=20"
            for _, url in servers.values():  # warm-up: connections, caches, pages
                assert get(url + path_query, headers)[:9] == b'{"items":'
                load(url + path_query, headers, seconds=2)
            for _ in range(args.rounds):
                for name, (_, url) in servers.items():
                    results[name].append(round(load(url + path_query, headers, args.seconds)))
        finally:
            for process, _ in servers.values():
                stop(process)
    best = {name: max(rounds) for name, rounds in results.items()}
    print(f"read path, GET /api/v1/products?limit=20, {PRODUCTS:,} products on SQLite, "
          "waitress 8 threads, wrk -t2 -c8")
    for name, rounds in results.items():
        ratio = best[name] / best["baseline"]
        print(f"  {name:36s} {best[name]:8.0f} req/s  ratio {ratio:.2f}  (rounds {rounds})")
    ratio = best["tinyapp"] / best["baseline"]
    print(f"  ratio (default settings): {ratio:.2f}  (target >= 0.60)")
    return 0 if ratio >= 0.6 else 1


if __name__ == "__main__":
    sys.exit(main())
