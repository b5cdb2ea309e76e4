"""Where an order's CPU goes: the services, the web layer, and serving it over HTTP.

    python tests/bench/bench_write_cpu.py [--orders 1000] [--seconds 8]

The same 3-line orders as bench_write.py (a draft created, then placed), on SQLite,
measured four ways in one run:

- the services alone (``orders.create_order``, ``orders.place_order``), one thread;
- the whole WSGI app called in this process, no sockets, one thread: the services
  plus tinyapp's web layer (middleware, routing, authentication, loading the body,
  dumping the answer);
- tinyapp's server (waitress, 8 threads) with 1 and with 8 HTTP clients: the server
  process' CPU per order from /proc, user and system; and the same server with one
  worker thread, 8 clients (the hand-offs between worker threads taken away);
- a WSGI app that does nothing under waitress (``trivial_wsgi.py``), 8 clients, two
  POSTs per "order": what serving two requests costs by itself.

CPU time, not wall time: the WAL's fsync at every commit is waiting, not work. The
difference between the server and the in-process app is what serving adds: waitress'
parsing and its hand-offs between threads, sockets, the GIL changing hands. A
diagnosis, no target: it says which part a change has to shrink.
"""

import argparse
import io
import json
import os
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench import bench_write  # noqa: E402
from tests.bench.common import (  # noqa: E402
    PYTHON,
    start_server,
    start_tinyapp,
    stop,
    user_and_system_seconds,
)

HERE = Path(__file__).resolve().parent
THREADS = 8


def in_process(url: str, token: str, ids, orders: int) -> tuple[float, float]:
    """CPU ms per order of the services alone, and of the whole WSGI app, one thread."""
    from tinyapp.config import load_settings
    from tinyapp.services import orders as order_service
    from tinyapp.web.app import create_app

    settings = load_settings({"DATABASE_URL": url, "SECRET_KEY": "bench",
                              "DATA_DIR": str(Path(url.split("///")[1]).parent / "data")},
                             environ={})
    app = create_app(settings)
    products, customers = ids
    rng = random.Random(1)

    def lines():
        return [{"product_id": p, "quantity": rng.randint(1, 3)}
                for p in rng.sample(products, 3)]

    def by_services():
        with app.database.bound(), app.database.connection():
            order = order_service.create_order({"customer_id": rng.choice(customers),
                                                "lines": lines()})
            order_service.place_order(order.id)

    def by_wsgi():
        body = {"customer_id": rng.choice(customers), "lines": lines()}
        order = json.loads(_call(app, token, "POST", "/api/v1/orders", body))
        _call(app, token, "POST", f"/api/v1/orders/{order['id']}/place", None)

    try:
        return _cpu_per_run(by_services, orders), _cpu_per_run(by_wsgi, orders)
    finally:
        app.close()


def _cpu_per_run(run, times: int) -> tuple[float, float]:
    """(user, system) CPU ms per run of this process."""
    for _ in range(20):  # warm: imports, prepared statements, the pool
        run()
    before = os.times()
    for _ in range(times):
        run()
    after = os.times()
    return ((after.user - before.user) / times * 1000,
            (after.system - before.system) / times * 1000)


def _call(app, token: str, method: str, path: str, body) -> bytes:
    """One request through the WSGI app, with the environ waitress would give it."""
    data = json.dumps(body).encode() if body is not None else b""
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "",
               "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8080", "REMOTE_ADDR": "127.0.0.1",
               "HTTP_HOST": "127.0.0.1:8080", "SERVER_PROTOCOL": "HTTP/1.1",
               "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(data),
               "wsgi.errors": sys.stderr, "wsgi.version": (1, 0), "wsgi.multithread": True,
               "wsgi.multiprocess": False, "wsgi.run_once": False,
               "CONTENT_LENGTH": str(len(data)), "CONTENT_TYPE": "application/json",
               "HTTP_AUTHORIZATION": f"Bearer {token}"}
    status = []
    answer = b"".join(app(environ, lambda line, headers, exc_info=None: status.append(line)))
    if not status[0].startswith("20"):
        raise RuntimeError(f"{method} {path}: {status[0]} {answer[:200]!r}")
    return answer


def over_http(process, base: str, token: str, ids, seconds: float, clients: int,
              place=None) -> tuple[float, float, int]:
    """Orders/s, the server's (user, system) CPU ms per order, errors: ``clients``
    clients for ``seconds``."""
    bench_write.CLIENTS = clients
    place = place or bench_write.tinyapp_orders
    place(base, token, ids, 1)  # warm
    before = user_and_system_seconds(process.pid)
    rate, errors = place(base, token, ids, seconds)
    used = [(after - earlier) / (rate * seconds) * 1000
            for after, earlier in zip(user_and_system_seconds(process.pid), before,
                                              strict=True)]
    return rate, tuple(used), len(errors)


def trivial_orders(base: str, token: str, ids, seconds: float):
    """Two POSTs with an order's body per "order", against the trivial app."""
    import http.client

    host, port = base.split("//")[1].rstrip("/").split(":")
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    products, customers = ids

    def place(rng, state):
        connection = state.setdefault("connection",
                                      http.client.HTTPConnection(host, int(port), timeout=60))
        body = {"customer_id": rng.choice(customers),
                "lines": [{"product_id": p, "quantity": 1} for p in rng.sample(products, 3)]}
        bench_write._post(connection, "/api/v1/orders", body, headers, 200)
        bench_write._post(connection, "/api/v1/orders/1/place", None, headers, 200)

    return bench_write.run_clients(place, seconds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1000, help="in-process orders per way")
    parser.add_argument("--seconds", type=float, default=8, help="per HTTP measurement")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/inprocess.db"
        token, ids = bench_write.prepare(url)
        services, wsgi = in_process(url, token, ids, args.orders)

        url = f"sqlite:///{tmp}/served.db"
        token, ids = bench_write.prepare(url)
        process, base = start_tinyapp(url, Path(tmp) / "data", threads=THREADS)
        try:
            one = over_http(process, base, token, ids, args.seconds, 1)
            eight = over_http(process, base, token, ids, args.seconds, THREADS)
        finally:
            stop(process)

        # The same server with one worker thread: what handing requests between
        # THREADS workers (and the GIL between them) costs by itself.
        url = f"sqlite:///{tmp}/single.db"
        token, ids = bench_write.prepare(url)
        process, base = start_tinyapp(url, Path(tmp) / "data1", threads=1)
        try:
            single = over_http(process, base, token, ids, args.seconds, THREADS)
        finally:
            stop(process)

        process, base = start_server([PYTHON, str(HERE / "trivial_wsgi.py"), "0",
                                      str(THREADS)])
        try:
            trivial = over_http(process, base, token, ids, args.seconds, THREADS,
                                place=trivial_orders)
        finally:
            stop(process)

    print("CPU per 3-line order (created, then placed), SQLite, "
          f"{os.cpu_count()} CPUs; in process: {args.orders} orders, one thread")
    print(f"  {'':56s} {'user':>6s} + {'system':>6s} = {'CPU':>6s} ms")
    rows = [("tinyapp's services alone, in process", services, ""),
            ("the whole WSGI app, in process (no sockets)", wsgi,
             f"web layer {sum(wsgi) - sum(services):.2f} ms"),
            ("tinyapp's server, 1 HTTP client", one[1],
             f"{one[0]:.0f} orders/s, {one[2]} errors; serving adds "
             f"{sum(one[1]) - sum(wsgi):.2f} ms"),
            (f"tinyapp's server, {THREADS} HTTP clients", eight[1],
             f"{eight[0]:.0f} orders/s, {eight[2]} errors; serving adds "
             f"{sum(eight[1]) - sum(wsgi):.2f} ms"),
            (f"tinyapp's server, 1 worker thread, {THREADS} HTTP clients", single[1],
             f"{single[0]:.0f} orders/s, {single[2]} errors; serving adds "
             f"{sum(single[1]) - sum(wsgi):.2f} ms"),
            (f"an app that does nothing, same waitress, {THREADS} clients", trivial[1],
             f"{trivial[0]:.0f} pairs of requests/s, {trivial[2]} errors")]
    for label, (user, system), note in rows:
        print(f"  {label:56s} {user:6.2f} + {system:6.2f} = {user + system:6.2f}  {note}")
    return 1 if one[2] or eight[2] or single[2] or trivial[2] else 0


if __name__ == "__main__":
    sys.exit(main())
