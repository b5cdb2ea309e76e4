"""Crash durability: `tinyapp serve` on SQLite, killed with SIGKILL while orders are placed.

After each kill the same database is opened by a new tinyapp process. Nothing the
client was told succeeded may be missing, the file must pass SQLite's integrity
check, and every product's stock must equal the sum of its stock movements (and its
initial stock less what placed orders took). Five cycles on one database.
"""

import random
import sqlite3
import threading

import pytest

from tests.reliability.conftest import INITIAL_STOCK, OrderClient, ServerProcess
from tests.support.polling import wait_until

pytestmark = pytest.mark.slow

CYCLES = 5
CLIENTS = 6


def test_sigkill_during_order_placement_loses_nothing_acknowledged(sqlite_shop):
    settings, path, token, product_ids, customer_id = sqlite_shop
    client = OrderClient(token, product_ids, customer_id)
    rng = random.Random(8)
    url = f"sqlite:///{path}"
    for cycle in range(CYCLES):
        server = ServerProcess(settings.DATA_DIR, url, "--threads", "4")
        try:
            stop = threading.Event()
            workers = [threading.Thread(target=client.run, args=(server.url, stop, cycle * 10 + n))
                       for n in range(CLIENTS)]
            for worker in workers:
                worker.start()
            # Kill once writes are flowing, after a different number of them each cycle.
            target = client.acknowledged + rng.randint(40, 200)
            wait_until(lambda t=target: client.acknowledged >= t or client.unexpected,
                       timeout=120, what=f"{target} acknowledged changes")
            server.kill()
            stop.set()
            for worker in workers:
                worker.join(timeout=60)
        finally:
            server.stop()
        assert client.unexpected == [] and client.unavailable == []
        _check_database(path, client.expected)

    # A new process on the same file serves and takes orders as before.
    server = ServerProcess(settings.DATA_DIR, url)
    try:
        before, stop = client.acknowledged, threading.Event()
        worker = threading.Thread(target=client.run, args=(server.url, stop, 99))
        worker.start()
        wait_until(lambda: client.acknowledged >= before + 20 or client.unexpected,
                   timeout=60, what="orders after the last restart")
        stop.set()
        worker.join(timeout=60)
    finally:
        server.stop()
    assert client.unexpected == []
    _check_database(path, client.expected)
    print(f"{CYCLES} SIGKILLs: {len(client.expected)} orders, {client.acknowledged} "
          f"acknowledged changes, {client.cut} requests cut by a kill")


def _check_database(path, expected: dict[int, set[str]]) -> None:
    """Integrity, every acknowledged order as it was reported, stock = movements."""
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        stored = dict(connection.execute("SELECT id, status FROM orders"))
        missing = {o: s for o, s in expected.items() if stored.get(o) not in s}
        assert missing == {}, f"acknowledged but not stored as reported: {missing}"
        drift = connection.execute("""
            SELECT p.id, p.stock, COALESCE(SUM(m.delta), 0) FROM products p
            LEFT JOIN stock_movements m ON m.product_id = p.id
            GROUP BY p.id, p.stock HAVING p.stock != COALESCE(SUM(m.delta), 0)""").fetchall()
        assert drift == [], f"stock differs from its movements: {drift}"
        taken = dict(connection.execute("""
            SELECT l.product_id, SUM(l.quantity) FROM order_lines l
            JOIN orders o ON o.id = l.order_id
            WHERE o.status IN ('placed', 'fulfilled') GROUP BY l.product_id"""))
        for product_id, stock in connection.execute("SELECT id, stock FROM products"):
            assert stock == INITIAL_STOCK - taken.get(product_id, 0), product_id
    finally:
        connection.close()
