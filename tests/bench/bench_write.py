"""Write path: 3-line orders placed by 8 concurrent clients, tinyapp vs the raw driver.

    python tests/bench/bench_write.py [--seconds 10] [--rounds 3]
        [--engines sqlite,postgresql] [--postgresql-url postgresql://postgres@127.0.0.1:5432/test]

For each engine: a fresh database with 200 products (stock enough for the run) and 50
customers; tinyapp serves it (8 threads) and 8 client threads each create a draft with
3 lines and place it (POST /api/v1/orders, then .../place) for the given time. The
baseline runs the same two transactions per order (the statements tinyapp's services
issue) straight through sqlite3 / psycopg2 from 8 threads. For the record, tinyapp's
services are also driven directly from 8 threads (the same transactions without HTTP).
The three take turns, round after round (--rounds); printed are the median orders/s,
errors of any kind (e.g. "database is locked"), and the median and spread of each
side's ratio to the raw driver in the same round.
Targets (issue 15): on SQLite >= 0.30 over HTTP and >= 0.5 for the services alone;
PostgreSQL is reported; no errors anywhere. Exits 1 on errors only: the ratios depend
on the machine (tests/bench/bench_write_cpu.py tells where the time goes).

``--one-core`` adds a diagnosis, not a target: the same server again, allowed to run on
one CPU only (sched_setaffinity), in the same rounds. Its threads then hand the GIL to
each other on one core instead of waking one another across two; the difference is
what those cross-core wake-ups cost on this machine.
"""

import argparse
import contextlib
import functools
import http.client
import json
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.baseline_write import BaselineShop  # noqa: E402
from tests.bench.common import start_tinyapp, stop  # noqa: E402
from tests.support import databases  # noqa: E402

CLIENTS = 8
PRODUCTS = 200
TARGETS = {"tinyapp": 0.30, "services": 0.5}  # of the raw driver's orders/s, on SQLite
CUSTOMERS = 50


def prepare(url: str) -> str:
    """Migrate and fill the database; return an API token for the clients."""
    from tinyapp import db, migrations
    from tinyapp.models import Customer, Product
    from tinyapp.models.base import MAX_STOCK
    from tinyapp.services import accounts

    database = db.Database(url)
    with database.bound(), database.connection():
        migrations.upgrade()
        with db.transaction():
            Product.insert_many([(f"W-{n:04d}", f"Write {n}", Decimal("2.50") + n, MAX_STOCK)
                                 for n in range(PRODUCTS)],
                                fields=[Product.sku, Product.name, Product.price,
                                        Product.stock]).execute()
            Customer.insert_many([(f"Customer {n}",) for n in range(CUSTOMERS)],
                                 fields=[Customer.name]).execute()
        user = accounts.create_user(f"w{uuid.uuid4().hex[:6]}@example.org", "Writer",
                                    "benchmark passphrase", role="staff")
        _, token = accounts.create_token(user, "bench")
        ids = ([p.id for p in Product.select(Product.id)],
               [c.id for c in Customer.select(Customer.id)])
    database.close()
    return token, ids


def run_clients(work, seconds: float) -> tuple[int, list[str]]:
    """Run work(rng) in CLIENTS threads until the time is up; count orders and errors."""
    deadline = time.monotonic() + seconds
    counts, errors = [0] * CLIENTS, []

    def client(index):
        rng = random.Random(index)
        state = {}
        while time.monotonic() < deadline:
            try:
                work(rng, state)
                counts[index] += 1
            except Exception as exc:  # noqa: BLE001 - every error is reported
                errors.append(f"{type(exc).__name__}: {exc}"[:200])

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.monotonic() - started), errors


def tinyapp_orders(url: str, token: str, ids, seconds: float):
    host, port = url.split("//")[1].rstrip("/").split(":")
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    products, customers = ids

    def place(rng, state):
        if "connection" not in state:
            state["connection"] = http.client.HTTPConnection(host, int(port), timeout=60)
        connection = state["connection"]
        body = {"customer_id": rng.choice(customers),
                "lines": [{"product_id": p, "quantity": rng.randint(1, 3)}
                          for p in rng.sample(products, 3)]}
        order = _post(connection, "/api/v1/orders", body, headers, 201)
        _post(connection, f"/api/v1/orders/{order['id']}/place", None, headers, 200)

    return run_clients(place, seconds)


def _post(connection, path, body, headers, expected):
    connection.request("POST", path, json.dumps(body) if body is not None else b"", headers)
    reply = connection.getresponse()
    data = reply.read()
    if reply.status != expected:
        raise RuntimeError(f"{path}: {reply.status} {data[:120]!r}")
    return json.loads(data)


def service_orders(url: str, ids, seconds: float):
    """The same transactions through tinyapp's services in 8 threads (no HTTP)."""
    from tinyapp import db
    from tinyapp.services import orders

    database = db.Database(url)
    products, customers = ids

    def place(rng, state):
        lines = [{"product_id": p, "quantity": rng.randint(1, 3)}
                 for p in rng.sample(products, 3)]
        with database.bound(), database.connection():
            order = orders.create_order({"customer_id": rng.choice(customers), "lines": lines})
            orders.place_order(order.id)

    try:
        return run_clients(place, seconds)
    finally:
        database.close()


def baseline_orders(url: str, ids, seconds: float):
    shop = BaselineShop(url)
    products, customers = ids

    def place(rng, state):
        lines = [(p, rng.randint(1, 3)) for p in rng.sample(products, 3)]
        order_id = shop.create_order(rng.choice(customers), lines)
        shop.place_order(order_id)

    try:
        return run_clients(place, seconds)
    finally:
        shop.close()


SIDES = {"tinyapp": "tinyapp over HTTP (2 requests/order)",
         "one_core": "  the same server, one CPU (diagnosis)",
         "services": "tinyapp services, no HTTP",
         "baseline": "baseline: raw driver"}


def measure(server_url: str, folder: Path, seconds: float, rounds: int,
            one_core: bool = False) -> dict:
    """Orders/s and errors of every side, round by round, the sides taking turns.

    Each side has its own database, made once; tinyapp's server runs throughout. A
    round runs each side once, one after the other (every other round in the reverse
    order), so a slower minute of the machine falls on all of them alike, and each ratio
    is taken within its own round.
    """
    folder.mkdir()
    with contextlib.ExitStack() as cleanup:
        runs = {}
        for side in SIDES:
            if side == "one_core" and not one_core:
                continue
            url = databases.create_scratch(server_url, folder)
            cleanup.callback(databases.drop_scratch, url)
            token, ids = prepare(url)
            if side in ("tinyapp", "one_core"):
                process, base = start_tinyapp(url, folder / side, threads=8,
                                              cpus={0} if side == "one_core" else None)
                cleanup.callback(stop, process)
                runs[side] = functools.partial(tinyapp_orders, base, token, ids, seconds)
            elif side == "services":
                runs[side] = functools.partial(service_orders, url, ids, seconds)
            else:
                runs[side] = functools.partial(baseline_orders, url, ids, seconds)
        results = {side: [] for side in runs}
        for round_number in range(rounds):
            order = list(runs.items())
            if round_number % 2:  # every other round backwards: no side always goes first
                order.reverse()
            for side, run in order:
                results[side].append(run())
        return results


def report(engine: str, results: dict, seconds: float) -> None:
    """Print the median orders/s and the median (min-max) ratio to the raw driver."""
    baseline = [rate for rate, _ in results["baseline"]]
    rounds = len(baseline)
    print(f"write path on {engine}: 3-line orders, {CLIENTS} clients, {rounds} interleaved "
          f"rounds of {seconds:.0f} s per side (medians; ratios per round, min-max)")
    for side, label in SIDES.items():
        if side not in results:
            continue
        rates = [rate for rate, _ in results[side]]
        ratios = [rate / theirs for rate, theirs in zip(rates, baseline, strict=True)]
        errors = [error for _, found in results[side] for error in found]
        print(f"  {label:38s} {statistics.median(rates):7.1f} orders/s  ratio "
              f"{statistics.median(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f})"
              f"  {len(errors)} errors {errors[:3]}")
        if engine == "sqlite" and side in TARGETS:
            met = statistics.median(ratios) >= TARGETS[side]
            print(f"    target >= {TARGETS[side]:.2f}: {'met' if met else 'NOT met'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10, help="per side and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--postgresql-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--one-core", action="store_true",
                        help="also serve pinned to one CPU (a diagnosis, see above)")
    args = parser.parse_args()
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        for engine in args.engines.split(","):
            server_url = "sqlite://" if engine == "sqlite" else args.postgresql_url
            results = measure(server_url, Path(tmp) / engine, args.seconds, args.rounds,
                              args.one_core)
            report(engine, results, args.seconds)
            failed |= any(errors for runs in results.values() for _, errors in runs)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
