"""An order's cost counted in instructions (valgrind's callgrind), not timed.

    python tests/bench/bench_write_instructions.py [--orders 200]

On a shared or busy machine the same run's CPU time moves by 20% and more from one
minute to the next, more than most changes to the write path are worth; the count of
instructions a run executes does not (the same to within half a percent, run after
run). So this is the figure to compare before and after such a change.

Each way of placing the same 3-line orders as bench_write.py (a draft created, then
placed, SQLite) runs in a process of its own under ``valgrind --tool=callgrind``,
twice: with the warm-up orders only, and with ``--orders`` more; the difference divided
by ``--orders`` is one order, whatever starting Python and preparing the database cost:

- the raw driver (``BaselineShop``): the statements tinyapp's services run, and nothing else;
- tinyapp's services alone (``orders.create_order``, ``orders.place_order``);
- the whole WSGI app in process, no sockets: the services and the web layer;
- tinyapp's server (waitress, 8 threads) and one HTTP client: all that and serving.

With ``strace`` installed it also counts the server's system calls per order with one
client and with 8 (futex calls are threads waking each other: the GIL and locks changing
hands). A diagnosis, no target. Needs valgrind (``apt-get install valgrind strace``).
"""

import argparse
import http.client
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench import bench_write  # noqa: E402
from tests.bench.common import PYTHON, ROOT, clean_env, start_tinyapp, stop  # noqa: E402

WARM = 20  # orders before counting: imports done, statements prepared, pool filled
HERE = Path(__file__).resolve()


def child(way: str, url: str, token: str, ids, orders: int) -> None:
    """Place WARM + orders orders one way, in this process (run under callgrind)."""
    from tests.bench.baseline_write import BaselineShop
    from tests.bench.bench_write_cpu import _call
    from tinyapp.config import load_settings
    from tinyapp.services import orders as order_service
    from tinyapp.web.app import create_app

    products, customers = ids
    rng = random.Random(1)

    def lines():
        return [(p, rng.randint(1, 3)) for p in rng.sample(products, 3)]

    if way == "raw":
        shop = BaselineShop(url)

        def place():
            shop.place_order(shop.create_order(rng.choice(customers), lines()))
    else:
        data = str(Path(url.split("///")[1]).parent / "data")
        app = create_app(load_settings({"DATABASE_URL": url, "SECRET_KEY": "bench",
                                        "DATA_DIR": data}, environ={}))

        def body():
            return {"customer_id": rng.choice(customers),
                    "lines": [{"product_id": p, "quantity": q} for p, q in lines()]}

        def place():
            if way == "services":
                with app.database.bound(), app.database.connection():
                    order = order_service.create_order(body())
                    order_service.place_order(order.id)
            else:
                order = json.loads(_call(app, token, "POST", "/api/v1/orders", body()))
                _call(app, token, "POST", f"/api/v1/orders/{order['id']}/place", None)
    for _ in range(WARM + orders):
        place()


def counted(command: list[str], **popen) -> tuple[subprocess.Popen, Path]:
    """Start command under callgrind; return the process and where its count is written."""
    out = Path(tempfile.mkstemp(prefix="callgrind.")[1])
    process = subprocess.Popen(["valgrind", "--tool=callgrind", f"--log-file={out}",
                                "--callgrind-out-file=/dev/null", *command], cwd=ROOT,
                               env=clean_env(), **popen)
    return process, out


def instructions(log: Path) -> int:
    found = re.findall(r"Collected : (\d+)", log.read_text())
    log.unlink()
    if not found:
        raise RuntimeError("valgrind printed no count")
    return int(found[-1])


def in_process(way: str, tmp: Path, orders: int) -> float:
    """Instructions per order of one in-process way: (with orders) - (warm-up only)."""
    totals = []
    for n in (0, orders):
        url = f"sqlite:///{tmp}/{way}-{n}.db"
        token, ids = bench_write.prepare(url)
        process, log = counted([PYTHON, str(HERE), "--child", way, url, token,
                                json.dumps(ids), str(n)])
        if process.wait() != 0:
            raise RuntimeError(f"{way}: the counted run failed")
        totals.append(instructions(log))
    return (totals[1] - totals[0]) / orders


def served(tmp: Path, orders: int) -> float:
    """Instructions per order of tinyapp's server with one HTTP client."""
    totals = []
    for n in (0, orders):
        url = f"sqlite:///{tmp}/served-{n}.db"
        token, ids = bench_write.prepare(url)
        process, log = counted([PYTHON, "-m", "tinyapp", "serve", "--port", "0",
                                "--threads", "8", "--database-url", url, "--data-dir",
                                f"{tmp}/data-{n}", "--secret-key", "bench"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        connection = http.client.HTTPConnection(*_served_at(process), timeout=600)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        products, customers = ids
        rng = random.Random(1)
        for _ in range(WARM + n):  # one client, order after order
            body = {"customer_id": rng.choice(customers),
                    "lines": [{"product_id": p, "quantity": rng.randint(1, 3)}
                              for p in rng.sample(products, 3)]}
            order = bench_write._post(connection, "/api/v1/orders", body, headers, 201)
            bench_write._post(connection, f"/api/v1/orders/{order['id']}/place", None,
                              headers, 200)
        connection.close()
        stop(process)
        totals.append(instructions(log))
    return (totals[1] - totals[0]) / orders


def _served_at(process: subprocess.Popen) -> tuple[str, int]:
    for line in process.stdout:
        found = re.search(r"serving http://(127\.0\.0\.1):(\d+)/", line)
        if found:
            threading.Thread(target=process.stdout.read, daemon=True).start()
            return found.group(1), int(found.group(2))
    raise RuntimeError("the server did not start under valgrind")


def system_calls(tmp: Path, clients: int, seconds: float) -> tuple[float, dict[str, float]]:
    """The server's system calls per order with ``clients`` HTTP clients (strace -c)."""
    url = f"sqlite:///{tmp}/strace-{clients}.db"
    token, ids = bench_write.prepare(url)
    process, base = start_tinyapp(url, tmp / f"strace-data-{clients}")
    bench_write.CLIENTS = clients
    bench_write.tinyapp_orders(base, token, ids, 1)  # warm
    summary = tmp / f"strace-{clients}.txt"
    tracer = subprocess.Popen(["strace", "-c", "-f", "-p", str(process.pid), "-o",
                               str(summary)], stderr=subprocess.DEVNULL)
    time.sleep(1)  # strace attaches to every thread before the clients start
    rate, errors = bench_write.tinyapp_orders(base, token, ids, seconds)
    tracer.send_signal(2)
    tracer.wait()
    stop(process)
    placed = rate * seconds
    calls = {}
    for line in summary.read_text().splitlines():
        fields = line.split()
        if len(fields) >= 5 and fields[3].isdigit() and fields[-1] != "total":
            calls[fields[-1]] = int(fields[3]) / placed
    return sum(calls.values()), calls


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        way, url, token, ids, orders = sys.argv[2:7]
        child(way, url, token, json.loads(ids), int(orders))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=200, help="counted orders per way")
    args = parser.parse_args()
    if not shutil.which("valgrind"):
        print("needs valgrind: apt-get install valgrind")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        counts = {way: in_process(way, tmp, args.orders) for way in ("raw", "services", "wsgi")}
        counts["server"] = served(tmp, args.orders)
        calls = ({clients: system_calls(tmp, clients, 4) for clients in (1, 8)}
                 if shutil.which("strace") else {})
    print(f"Instructions per 3-line order (created, then placed), SQLite, {args.orders} "
          "orders counted per way")
    labels = {"raw": "the raw driver (BaselineShop)", "services": "tinyapp's services alone",
              "wsgi": "the whole WSGI app, in process",
              "server": "tinyapp's server, 1 HTTP client"}
    for way, label in labels.items():
        print(f"  {label:40s} {counts[way] / 1e6:6.2f} M   {counts[way] / counts['raw']:5.1f}x raw")
    print(f"  web layer {(counts['wsgi'] - counts['services']) / 1e6:.2f} M, serving "
          f"{(counts['server'] - counts['wsgi']) / 1e6:.2f} M")
    for clients, (total, per_call) in calls.items():
        top = ", ".join(f"{name} {n:.0f}" for name, n in
                        sorted(per_call.items(), key=lambda item: -item[1])[:5])
        print(f"  server system calls per order, {clients} client(s): {total:.0f} ({top})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
