"""Peers: tinyapp beside Flask + SQLAlchemy, Django + DRF and the bare baselines (issue 15).

    pip install -e '.[bench]'
    python tests/bench/bench_peers.py [--seconds 10] [--rounds 3] [--only read|write]

One SQLite database built with tinyapp (10,000 products in 20 categories, 50 customers,
a staff user with an API token), then two measurements in interleaved rounds: in each
round every server is loaded once, in a shuffled order, so that a slow moment of the
machine falls on all of them alike.

READ: GET /api/v1/products?limit=20 with the bearer token, turning over 20 URLs (the
first page and 19 keyset pages, ``cursor=<product id>``, spread over the name order),
from wrk (2 threads, 8 connections; else a Python client) for each round's seconds.
Servers, all on the same file, all waitress with 8 threads: tinyapp with its list cache
off (``--no-cache-lists``, "uncached", what the targets are about), tinyapp with that
cache off and its API-token cache off too (every request looks its token up, as the
peers and the baseline do), tinyapp with its defaults ("cached"), the Flask and Django
peers (tests/bench/peers/), and the bare sqlite3 baseline (baseline_read.py). Before
loading, every server's answer to every URL is checked to carry the same products.

WRITE: 8 client threads each create a 3-line draft and place it (POST /api/v1/orders,
then .../place) over HTTP, against tinyapp, Flask and Django, and the same two
transactions through the raw driver in 8 threads (BaselineShop, no HTTP), each on a
fresh copy of the database every round (after a 1 s warm-up for the servers). CPU per
order counts the orders placed in the database meanwhile; each must have three stock
movements, else the round reports an error.

Prints one table per path: the median rate of the rounds, the median (and min-max) of
the per-round ratios to the baseline, server CPU per request from /proc/PID/stat
(user + system time over the round / requests answered; for the in-process write
baseline, this process's), and tinyapp / Flask and tinyapp / Django (medians of
per-round ratios), then issue 15's targets beside them. Exits 0 whatever the ratios
(it is a measurement), 1 when any server answered an error or a non-2xx under load.
"""

import argparse
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench import bench_read, bench_write  # noqa: E402
from tests.bench.common import (  # noqa: E402
    PYTHON,
    cpu_seconds,
    get,
    load_paths,
    start_server,
    start_tinyapp,
    stop,
)

HERE = Path(__file__).resolve().parent
THREADS = 8
CUSTOMERS = 50
PAGES = 20
STOCK = 100_000  # added to every product: no order runs short during a round
BASELINE = "baseline"
READ_TARGETS = [(tinyapp, other, target, what) for tinyapp in ("uncached", "no caches")
                for other, target, what in ((BASELINE, 0.30, "of bare sqlite3"),
                                            ("flask", 2.0, "x Flask + SQLAlchemy"),
                                            ("django", 3.0, "x Django + DRF"))]
WRITE_TARGETS = [("tinyapp", BASELINE, 0.30, "of the raw driver"),
                 ("tinyapp", "django", 3.0, "x Django + DRF")]


def build(folder: Path) -> tuple[str, str, tuple[list[int], list[int]]]:
    """bench_read's database, plus customers, stock for orders and a staff role."""
    from tinyapp import db
    from tinyapp.models import Customer, Product, User

    path, token = bench_read.build(folder)
    database = db.Database(f"sqlite:///{path}")
    with database.bound(), database.connection():
        with db.transaction():
            Customer.insert_many([(f"Customer {n}",) for n in range(CUSTOMERS)],
                                 fields=[Customer.name]).execute()
            Product.update(stock=Product.stock + STOCK).execute()
            User.update(role="staff").execute()
        ids = ([p.id for p in Product.select(Product.id)],
               [c.id for c in Customer.select(Customer.id)])
    database.close()
    return path, token, ids


def page_paths(path: str) -> list[str]:
    """The first page and keyset pages after products spread over the name order."""
    with closing(sqlite3.connect(path)) as connection:
        ids = [row[0] for row in connection.execute("SELECT id FROM products ORDER BY name, id")]
    step = len(ids) // PAGES
    return (["api/v1/products?limit=20"]
            + [f"api/v1/products?limit=20&cursor={ids[n * step]}" for n in range(1, PAGES)])


def copy_database(source: str, target: Path) -> str:
    """A consistent copy through SQLite's backup API (never cp a WAL database)."""
    with closing(sqlite3.connect(source)) as origin, closing(sqlite3.connect(target)) as copy:
        origin.backup(copy)
    return str(target)


# -- the servers --

def tinyapp_serve(path: str, data_dir: Path, extra: list[str], token_cache: bool = True):
    if token_cache:
        return start_tinyapp(f"sqlite:///{path}", data_dir, threads=THREADS, extra=extra)
    return start_server([PYTHON, str(HERE / "tinyapp_no_token_cache.py"), "--port", "0",
                         "--threads", str(THREADS), "--database-url", f"sqlite:///{path}",
                         "--data-dir", str(data_dir), "--secret-key", "bench", *extra])


def script_serve(script: str, path: str):
    return start_server([PYTHON, str(HERE / script), path, "0", str(THREADS)])


READERS = {  # name -> (label, start(path, folder))
    "uncached": ("tinyapp, list cache off",
                 lambda p, f: tinyapp_serve(p, f / "uncached", ["--no-cache-lists"])),
    "no caches": ("tinyapp, list + token cache off",
                  lambda p, f: tinyapp_serve(p, f / "nocache", ["--no-cache-lists"],
                                             token_cache=False)),
    "cached": ("tinyapp, defaults (cached)", lambda p, f: tinyapp_serve(p, f / "cached", [])),
    "flask": ("Flask + SQLAlchemy", lambda p, f: script_serve("peers/flask_sqlalchemy_app.py", p)),
    "django": ("Django + DRF", lambda p, f: script_serve("peers/django_drf_app.py", p)),
    BASELINE: ("bare sqlite3 (baseline)", lambda p, f: script_serve("baseline_read.py", p)),
}
WRITERS = {
    "tinyapp": ("tinyapp", lambda p, f: tinyapp_serve(p, f, [])),
    "flask": READERS["flask"],
    "django": READERS["django"],
    BASELINE: ("raw sqlite3, no HTTP (baseline)", None),
}


def same_answers(url: str, paths: list[str], headers: dict, expected: dict | None) -> dict:
    """Each page's product ids and next cursor; raise if they differ from expected."""
    seen = {}
    for path in paths:
        page = json.loads(get(url + path, headers))
        seen[path] = ([(item["id"], item["price"], item["category"]["name"])
                       for item in page["items"]], page["next_cursor"])
    if expected is not None and seen != expected:
        wrong = next(path for path in paths if seen[path] != expected[path])
        raise RuntimeError(f"{url}{wrong} answers other products than tinyapp")
    return seen


# -- the measurements --

def measure_read(path: str, folder: Path, token: str, seconds: int, rounds: int) -> dict:
    """Rounds of read load on every server; return name -> list of (rate, cpu, errors)."""
    headers = {"Authorization": f"Bearer {token}"}
    paths = page_paths(path)
    servers, results = {}, {name: [] for name in READERS}
    try:
        for name, (_, start) in READERS.items():
            servers[name] = start(path, folder)
        expected = None
        for _, url in servers.values():  # the same work, then a warm-up
            expected = same_answers(url, paths, headers, expected)
            tool = load_paths(url, paths, headers, seconds=2).tool
        for number in range(rounds):
            order = random.sample(list(servers), len(servers))
            print(f"  read round {number + 1}: {', '.join(order)}", flush=True)
            for name in order:
                process, url = servers[name]
                before = cpu_seconds(process.pid)
                run = load_paths(url, paths, headers, seconds)
                cpu = cpu_seconds(process.pid) - before
                results[name].append((run.rate, cpu / max(run.requests, 1), run.errors))
    finally:
        for process, _ in servers.values():
            stop(process)
    return {"results": results, "tool": tool, "pages": len(paths)}


def measure_write(path: str, folder: Path, token: str, ids, seconds: int,
                  rounds: int) -> dict:
    """Rounds of order placement on fresh copies; return name -> list of (rate, cpu, errors)."""
    results = {name: [] for name in WRITERS}
    for number in range(rounds):
        order = random.sample(list(WRITERS), len(WRITERS))
        print(f"  write round {number + 1}: {', '.join(order)}", flush=True)
        for name in order:
            copy = copy_database(path, folder / f"write-{number}-{name.replace(' ', '_')}.db")
            try:
                results[name].append(_write_round(name, copy, folder, token, ids, seconds))
            finally:
                for suffix in ("", "-wal", "-shm"):
                    Path(copy + suffix).unlink(missing_ok=True)
    return {"results": results}


def _write_round(name: str, copy: str, folder: Path, token: str, ids, seconds: int):
    if name == BASELINE:
        started = time.process_time()
        rate, errors = bench_write.baseline_orders(f"sqlite:///{copy}", ids, seconds)
        cpu = time.process_time() - started
    else:
        process, url = WRITERS[name][1](copy, folder / f"data-{Path(copy).stem}")
        try:
            bench_write.tinyapp_orders(url, token, ids, 1)  # warm-up: imports, connections
            placed_before = _placed(copy)
            before = cpu_seconds(process.pid)
            rate, errors = bench_write.tinyapp_orders(url, token, ids, seconds)
            cpu = cpu_seconds(process.pid) - before
        finally:
            stop(process)
    placed = _placed(copy)
    errors += _ledger_errors(copy)
    counted = placed - (0 if name == BASELINE else placed_before)
    return rate, cpu / max(counted, 1), errors


def _placed(path: str) -> int:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute("SELECT count(*) FROM orders WHERE status = 'placed'"
                                  ).fetchone()[0]


def _ledger_errors(path: str) -> list[str]:
    """What is wrong with the placed orders: each has three stock movements."""
    with closing(sqlite3.connect(path)) as connection:
        wrong = connection.execute(
            "SELECT count(*) FROM orders o WHERE o.status = 'placed' AND (SELECT count(*) "
            "FROM stock_movements m WHERE m.order_id = o.id) != 3").fetchone()[0]
    return [f"{wrong} placed orders without their 3 stock movements"] if wrong else []


# -- the tables --

def per_round(results: dict, a: str, b: str) -> list[float]:
    return [x[0] / y[0] for x, y in zip(results[a], results[b], strict=True) if y[0]]


def print_table(title: str, labels: dict, results: dict, unit: str, tinyapps: list[str]
                ) -> int:
    """Print one path's table; return how many errors the servers answered."""
    print(title)
    print(f"  {'server':34s} {unit + '/s':>9s}  {'/ baseline (min-max)':21s} "
          f"{'CPU ms/' + unit[:-1]:>12s}  {'÷Flask':>8s} {'÷Django':>8s}  errors")
    failures = 0
    for name, (label, *_) in labels.items():
        rounds = results[name]
        ratios = per_round(results, name, BASELINE)
        errors = [e for _, _, found in rounds for e in _as_list(found)]
        failures += len(errors)
        line = (f"  {label:34s} {statistics.median(r for r, _, _ in rounds):9.0f}  "
                f"{statistics.median(ratios):5.2f} ({min(ratios):.2f}-{max(ratios):.2f})"
                f"{'':7s}{1000 * statistics.median(c for _, c, _ in rounds):12.2f}  ")
        if name in tinyapps:
            line += (f"{statistics.median(per_round(results, name, 'flask')):8.2f} "
                     f"{statistics.median(per_round(results, name, 'django')):8.2f}  ")
        else:
            line += f"{'':8s} {'':8s}  "
        print(line + f"{len(errors)}{' ' + repr(errors[:2]) if errors else ''}")
    print("  (÷ baseline, ÷Flask, ÷Django: this row's rate over theirs in the same round, "
          "median of the rounds)")
    return failures


def _as_list(found) -> list:
    return found if isinstance(found, list) else ["non-2xx or socket error"] * found


def print_targets(results: dict, targets: list, labels: dict) -> None:
    print("  issue 15 targets (median of per-round ratios):")
    for name, other, target, what in targets:
        ratio = statistics.median(per_round(results, name, other))
        verdict = "met" if ratio >= target else "NOT met"
        print(f"    {labels[name][0]:31s} >= {target:.2f} {what:22s} {ratio:5.2f}  {verdict}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="per server per round "
                        "(default 10)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--only", choices=("read", "write"), help="one path (default both)")
    args = parser.parse_args(argv)
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path, token, ids = build(folder)
        setup = (f"{len(ids[0]):,} products, SQLite, waitress {THREADS} threads, "
                 f"{args.rounds} rounds x {args.seconds} s, {os.cpu_count()} CPUs")
        if args.only in (None, "read"):
            read = measure_read(path, folder, token, args.seconds, args.rounds)
            failures += print_table(
                f"read: GET /api/v1/products?limit=20, {read['pages']} keyset pages in turn, "
                f"{read['tool']}; {setup}", READERS, read["results"], "requests",
                ["uncached", "no caches", "cached"])
            print_targets(read["results"], READ_TARGETS, READERS)
        if args.only in (None, "write"):
            write = measure_write(path, folder, token, ids, args.seconds, args.rounds)
            failures += print_table(
                f"write: a 3-line draft created and placed, {bench_write.CLIENTS} client "
                f"threads (http.client); {setup}", WRITERS, write["results"], "orders",
                ["tinyapp"])
            print_targets(write["results"], WRITE_TARGETS, WRITERS)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
