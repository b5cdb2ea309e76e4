"""Database faults provoked for real, under load: lost connections, first-of-day races.

Every request crosses a real socket to a real waitress, and tinyapp talks to the real
PostgreSQL or MariaDB server. Connections are killed on the server
(``pg_terminate_backend``, MariaDB ``KILL``), and only tinyapp's own: those to the
test's scratch database. The servers themselves are never stopped here (see
test_outage.py for that).
"""

import threading
import time
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
import requests

from tests.reliability.conftest import (
    OrderClient,
    check_stored_as_acknowledged,
    serve_in_thread,
)
from tests.support import databases, faults
from tests.support.polling import wait_until
from tests.support.tcpproxy import TCPProxy, through
from tinyapp import db
from tinyapp.services import accounts, catalog, customers

pytestmark = pytest.mark.slow

CLIENTS = 8


def open_shop(make_user, products: int, stock: int = 100_000) -> tuple[str, list[int], int]:
    """Products, a customer and a staff token: what the order clients need."""
    staff = make_user("staff")
    with db.database.connection_context():
        _, token = accounts.create_token(staff, "faults")
        ids = [catalog.create_product({"sku": f"F-{n:04d}", "name": f"Fault {n}",
                                       "price": Decimal("1.25"), "stock": stock}).id
               for n in range(products)]
        customer = customers.create_customer({"name": "Fault Customer"}).id
    return token, ids, customer


def run_clients(client: OrderClient, url: str, seconds: float, during=None,
                clients: int = CLIENTS) -> None:
    """Let clients threads place orders for this long; call during(stop, deadline) meanwhile."""
    stop = threading.Event()
    workers = [threading.Thread(target=client.run, args=(url, stop, n)) for n in range(clients)]
    for worker in workers:
        worker.start()
    try:
        wait_until(lambda: client.acknowledged >= 20 or client.unexpected, timeout=60,
                   what="orders flowing")
        deadline = time.monotonic() + seconds
        if during is not None:
            during(stop, deadline)
        while time.monotonic() < deadline and not client.unexpected:
            time.sleep(0.2)  # the load runs for a fixed time; nothing waits on this
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=60)


@pytest.mark.parametrize("engine", ["mysql"], indirect=True)
def test_eight_clients_placing_first_of_day_orders_on_mariadb_get_no_503(
        engine, database, make_settings, migrated_url, make_user):
    """Every (day, product) figures row is new: the first orders of a day race to create it.

    With 2,000 products the first-of-day inserts go on for the whole run. They used to
    deadlock on InnoDB's gap locks, which rolled the transaction back and took the
    savepoint with it: a 503 "SAVEPOINT ... does not exist" (1305).
    """
    seconds = faults.seconds("TINYAPP_FIRST_OF_DAY_SECONDS", 30)
    settings = make_settings(DATABASE_URL=migrated_url, POOL_TIMEOUT=10)
    token, products, customer = open_shop(make_user, 2000)
    client = OrderClient(token, products, customer)
    with serve_in_thread(settings, threads=CLIENTS) as (url, _):
        run_clients(client, url, seconds)

    assert client.unexpected == []
    assert len(client.unavailable) == 0, f"{len(client.unavailable)} answers of 503"
    check_stored_as_acknowledged(client.expected)
    faults.check_daily_figures()
    print(f"first-of-day on MariaDB, {CLIENTS} clients, {seconds:.0f} s: "
          f"{client.acknowledged} acknowledged changes, 0 answers of 503")


@pytest.mark.parametrize("engine", ["postgresql", "mysql"], indirect=True)
def test_killing_every_tinyapp_connection_under_load_fails_no_request(
        engine, database, make_settings, migrated_url, make_user, caplog):
    """pg_terminate_backend / KILL of all of tinyapp's connections, ten times, mid-load.

    Idle pooled connections are found closed when next handed out; a statement or
    transaction whose connection dies under it runs again on a fresh one. No client
    sees anything but success.
    """
    settings = make_settings(DATABASE_URL=migrated_url, POOL_TIMEOUT=10)
    token, products, customer = open_shop(make_user, 40)
    client = OrderClient(token, products, customer)
    kills: list[int] = []

    def kill_repeatedly(stop, deadline):
        for _ in range(10):
            before = client.acknowledged
            kills.append(faults.kill_connections(migrated_url))
            wait_until(lambda b=before: client.acknowledged >= b + 15 or client.unexpected,
                       timeout=30, what="orders flowing after a kill")

    with serve_in_thread(settings, threads=CLIENTS) as (url, _):
        run_clients(client, url, 1, during=kill_repeatedly)

    assert client.unexpected == []
    assert len(client.unavailable) == 0, f"{len(client.unavailable)} answers of 503"
    assert sum(kills) >= 10, kills  # the kills really ended connections
    check_stored_as_acknowledged(client.expected)
    faults.check_daily_figures()
    receipts = [r.getMessage() for r in caplog.records if "receipt says" in r.getMessage()]
    print(f"{engine}: {len(kills)} rounds killed {sum(kills)} connections under load; "
          f"{client.acknowledged} acknowledged changes, 0 failed requests; "
          f"{len(receipts)} COMMITs whose answer was lost, settled by their receipt "
          f"({sum('did not' not in r for r in receipts)} had committed)")


STATEMENT_TIMEOUT = 2
POOL_TIMEOUT = 2
# The documented bound: a statement's answer is awaited STATEMENT_TIMEOUT + 1 s, a new
# connection POOL_TIMEOUT; whichever gives up first answers 503. Plus 0.5 s of slack for
# this busy 2-core machine.
LONGEST_WAIT = max(STATEMENT_TIMEOUT + db.ANSWER_MARGIN, POOL_TIMEOUT) + 0.5
BACK_WITHIN = 2.0  # seconds from the fault's end to tinyapp serving again


@pytest.mark.parametrize("fault", ["stall", "drop"])
@pytest.mark.parametrize("engine", ["postgresql", "mysql"], indirect=True)
def test_a_stalled_or_dropped_network_means_bounded_503s_then_quick_recovery(
        engine, fault, database, make_settings, migrated_url, make_user):
    """A real TCP proxy between tinyapp and the server stops forwarding for 3 bounds.

    stall: every connection stays open and nothing passes (a hung network or server);
    drop: every connection is cut and new ones are refused. Each request answers (a
    503 with Retry-After) within the documented bound, never a 500; the server ends
    the transactions left open (their locks with them); within 2 s of the fault's end
    tinyapp serves again, and nothing it acknowledged is lost.
    """
    token, products, customer = open_shop(make_user, 20)
    parts = urlsplit(migrated_url)
    proxy = TCPProxy(parts.hostname, parts.port)
    settings = make_settings(DATABASE_URL=through(proxy, migrated_url),
                             POOL_TIMEOUT=POOL_TIMEOUT, STATEMENT_TIMEOUT=STATEMENT_TIMEOUT)
    client = OrderClient(token, products, customer)
    seen: dict[str, float] = {}

    def fault_for_a_while(stop, deadline):
        started = time.monotonic()
        proxy.stall() if fault == "stall" else proxy.stop()
        seen["open transactions ended after"] = wait_until(
            lambda: faults.open_transactions(migrated_url) == 0 and
            time.monotonic() - started, timeout=STATEMENT_TIMEOUT + 3,
            what="the server ending tinyapp's open transactions")
        time.sleep(max(0.0, 3 * LONGEST_WAIT - (time.monotonic() - started)))  # the fault lasts
        proxy.resume() if fault == "stall" else proxy.start()
        ended = time.monotonic()
        wait_until(lambda: _reads_ok(client, proxy_url), timeout=BACK_WITHIN, interval=0.05,
                   what=f"tinyapp serving within {BACK_WITHIN} s of the fault's end")
        seen["serving again after"] = time.monotonic() - ended
        before = client.acknowledged
        wait_until(lambda: client.acknowledged >= before + 20 or client.unexpected,
                   timeout=30, what="orders flowing again")

    try:
        with serve_in_thread(settings, threads=CLIENTS + 2) as (proxy_url, _):
            run_clients(client, proxy_url, 1, during=fault_for_a_while)
    finally:
        proxy.close()

    assert client.unexpected == []  # no 500, no 5xx without Retry-After, no time-out
    assert client.unavailable, "the fault produced no 503 at all"
    assert client.slowest < LONGEST_WAIT, \
        f"an answer took {client.slowest:.2f} s: {client.slowest_request}"
    databases.use(migrated_url)
    check_stored_as_acknowledged(client.expected)
    print(f"{engine} {fault}: {len(client.unavailable)} answers of 503, slowest answer "
          f"{client.slowest:.2f} s (bound {LONGEST_WAIT:.1f} s), "
          + ", ".join(f"{what} {value:.2f} s" for what, value in seen.items()))


def _reads_ok(client: OrderClient, url: str) -> bool:
    reply = requests.get(f"{url}/api/v1/products", headers=client.headers, timeout=10)
    return reply.status_code == 200


WRITER_WAIT = 2.0  # the README's bound for a writer's wait on SQLite during any import


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_a_10000_row_import_on_sqlite_keeps_every_writer_within_the_bound(
        engine, database, make_settings, migrated_url, make_user):
    """4 clients place orders while a 10,000-row CSV import runs: nobody waits long.

    SQLite has one write lock. The import used to hold it for its whole run (12-40 s),
    so every placement meanwhile waited POOL_TIMEOUT and got a 503.
    """
    settings = make_settings(DATABASE_URL=migrated_url, POOL_TIMEOUT=10)
    token, products, customer = open_shop(make_user, 20)
    client = OrderClient(token, products, customer)
    csv_text = "sku,name,price,stock\n" + "".join(
        f"IMP-{n:05d},Imported {n},{n % 90 + 1}.50,{n % 50}\n" for n in range(10_000))
    imported: dict = {}

    def import_meanwhile(stop, deadline):
        started = time.monotonic()
        reply = requests.post(f"{url}/api/v1/imports/products", data=csv_text.encode(),
                              headers={**client.headers, "Content-Type": "text/csv"},
                              timeout=120)
        imported.update(status=reply.status_code, body=reply.json(),
                        seconds=time.monotonic() - started)
        before = client.acknowledged
        wait_until(lambda: client.acknowledged >= before + 20 or client.unexpected,
                   timeout=30, what="orders after the import")

    with serve_in_thread(settings, threads=6) as (url, _):
        run_clients(client, url, 1, during=import_meanwhile, clients=4)

    assert imported["status"] == 200, imported
    assert imported["body"]["created"] == 10_000
    assert client.unexpected == []
    assert len(client.unavailable) == 0, f"{len(client.unavailable)} answers of 503"
    assert client.slowest < WRITER_WAIT, \
        f"a writer waited {client.slowest:.2f} s: {client.slowest_request}"
    check_stored_as_acknowledged(client.expected)
    print(f"10,000-row import in {imported['seconds']:.2f} s while 4 clients placed orders: "
          f"0 answers of 503, slowest order request {client.slowest:.2f} s "
          f"(bound {WRITER_WAIT} s), {client.acknowledged} acknowledged changes")
