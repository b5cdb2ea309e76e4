"""Where an order's time goes on SQLite: pages written per order, and the commits' cost.

    python tests/bench/bench_write_pages.py [--orders 200]

A commit in WAL mode appends every page the transaction changed to the WAL and waits
for it to reach the disk (synchronous=FULL); its cost grows with those pages. This
script places the same 3-line orders, one thread, no HTTP, through tinyapp's services
and through the raw-driver baseline (tests/bench/baseline_write.py), each on a fresh
database with automatic checkpoints off, and prints the WAL pages each order wrote
and the time per order. The difference is tinyapp's extra database work: the journal
and the day's figures (the orders' search entries are written a hundred at a time
after them, tinyapp/services/search.py, and cost next to nothing per order here).
"""

import argparse
import collections
import os
import random
import sqlite3
import struct
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.baseline_write import BaselineShop  # noqa: E402
from tests.bench.bench_write import prepare  # noqa: E402
from tests.support import databases  # noqa: E402

WAL_HEADER, FRAME_HEADER = 32, 24  # bytes (sqlite.org/fileformat.html#the_write_ahead_log)


def wal_pages(path: str) -> float:
    """The pages in the WAL file (each frame is a 24-byte header and one page)."""
    return max(0, os.path.getsize(path + "-wal") - WAL_HEADER) / (page_size(path) + FRAME_HEADER)


def page_size(path: str) -> int:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("PRAGMA page_size").fetchone()[0]
    finally:
        connection.close()


def pages_by_table(path: str) -> collections.Counter:
    """How many WAL frames each table or index wrote: frame headers name their page,
    and SQLite's dbstat table says which table or index a page belongs to."""
    size = page_size(path)
    with open(path + "-wal", "rb") as wal:
        wal.seek(WAL_HEADER)
        frames = collections.Counter()
        while header := wal.read(FRAME_HEADER):
            frames[struct.unpack(">I", header[:4])[0]] += 1
            wal.seek(size, os.SEEK_CUR)
    connection = sqlite3.connect(path)
    try:
        owner = dict(connection.execute("SELECT pageno, name FROM dbstat"))
    finally:
        connection.close()
    named = collections.Counter()
    for page, count in frames.items():
        named[owner.get(page, "(free or new)")] += count
    return named


Result = tuple[float, float, collections.Counter]  # pages, seconds per order; pages by table


def file_of(url: str) -> str:
    return url.split("///", 1)[1]


def tinyapp_side(url: str, ids, orders_: int) -> Result:
    from tinyapp import db, engines
    from tinyapp.models import Product
    from tinyapp.services import orders

    engines.SQLITE_PRAGMAS["wal_autocheckpoint"] = 0  # this process only: the WAL grows
    products, customers = ids
    rng, database = random.Random(1), db.Database(url)
    try:
        with database.bound(), database.connection():
            Product._meta.database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            before, started = wal_pages(file_of(url)), time.perf_counter()
            for _ in range(orders_):
                lines = [{"product_id": p, "quantity": rng.randint(1, 3)}
                         for p in rng.sample(products, 3)]
                order = orders.create_order({"customer_id": rng.choice(customers),
                                             "lines": lines})
                orders.place_order(order.id)
            return _result(url, before, time.perf_counter() - started, orders_)
    finally:
        del engines.SQLITE_PRAGMAS["wal_autocheckpoint"]
        database.close()


def baseline_side(url: str, ids, orders_: int) -> Result:
    products, customers = ids
    rng, shop = random.Random(1), BaselineShop(url)
    try:
        connection = shop._connection()
        connection.execute("PRAGMA wal_autocheckpoint=0")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        before, started = wal_pages(file_of(url)), time.perf_counter()
        for _ in range(orders_):
            lines = [(p, rng.randint(1, 3)) for p in rng.sample(products, 3)]
            shop.place_order(shop.create_order(rng.choice(customers), lines))
        return _result(url, before, time.perf_counter() - started, orders_)
    finally:
        shop.close()


def _result(url: str, before: float, seconds: float, orders_: int) -> Result:
    """Pages and time per order, and the pages by table (read while the WAL is there)."""
    path = file_of(url)
    return (wal_pages(path) - before) / orders_, seconds / orders_, pages_by_table(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        results, tables = {}, {}
        for side, run in (("tinyapp services", tinyapp_side), ("baseline", baseline_side)):
            url = databases.create_scratch("sqlite://", Path(tmp))
            _, ids = prepare(url)
            *results[side], tables[side] = run(url, ids, args.orders)
    print(f"SQLite, {args.orders} 3-line orders (create + place), one thread, no HTTP:")
    for side, (pages, seconds) in results.items():
        print(f"  {side:18s} {pages:5.1f} WAL pages per order  {seconds * 1000:5.2f} ms per order")
    print("WAL pages per order, by table or index:")
    names = sorted(set().union(*tables.values()), key=lambda n: -tables["tinyapp services"][n])
    print(f"  {'':34s} {'tinyapp':>8s} {'baseline':>8s}")
    for name in names:
        print(f"  {name:34s} {tables['tinyapp services'][name] / args.orders:8.1f} "
              f"{tables['baseline'][name] / args.orders:8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
