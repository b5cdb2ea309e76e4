"""A backup taken while orders are being placed holds one moment, on every engine.

Placing an order changes products (stock) and stock_movements in one transaction. A
backup that read those tables at different moments would restore products whose stock
is not the sum of their movements; a consistent one never does.
"""

import threading
from decimal import Decimal

import pytest

from tests.support.backups import pointed_at, stock_matches_movements
from tinyapp import db
from tinyapp.backup import make_backup, restore_backup
from tinyapp.models import Order, Product, StockMovement
from tinyapp.services import catalog, customers, orders

PRODUCTS = 40
LEDGER_ROWS = 6000  # enough rows that reading them takes a while


@pytest.fixture
def settings(make_settings, migrated_url):
    return make_settings(DATABASE_URL=migrated_url, POOL_MAX_CONNECTIONS=10, POOL_TIMEOUT=30)


def _shop() -> tuple[list[int], int]:
    """Products with a long stock ledger (zero-sum pairs keep stock == sum) and a buyer."""
    with db.database.connection_context():
        ids = [catalog.create_product({"sku": f"C-{i:03d}", "name": f"Busy {i}",
                                       "price": Decimal("2.50"), "stock": 100_000}).id
               for i in range(PRODUCTS)]
        with db.transaction():
            rows = [{"product": ids[i % PRODUCTS], "delta": 1 if (i // PRODUCTS) % 2 else -1,
                     "reason": "count"} for i in range(LEDGER_ROWS)]
            for start in range(0, LEDGER_ROWS, 500):
                StockMovement.insert_many(rows[start:start + 500]).execute()
        buyer = customers.create_customer({"name": "Steady buyer"}).id
    assert stock_matches_movements() == []
    return ids, buyer


class OrderPlacer(threading.Thread):
    """Place two-line orders, one after another, until told to stop."""

    def __init__(self, product_ids: list[int], customer_id: int):
        super().__init__(name="placer")
        self.product_ids, self.customer_id = product_ids, customer_id
        self.placed = 0
        self.error: Exception | None = None
        self.progress = threading.Condition()
        self.stopping = threading.Event()
        self.database = db.current()  # the test's: bound again in this thread

    def run(self):
        try:
            with self.database.bound(), db.database.connection_context():
                while not self.stopping.is_set():
                    first = self.product_ids[self.placed % PRODUCTS]
                    second = self.product_ids[(self.placed + 7) % PRODUCTS]
                    order = orders.create_order({"customer_id": self.customer_id, "lines": [
                        {"product_id": first, "quantity": 1},
                        {"product_id": second, "quantity": 2}]})
                    orders.place_order(order.id)
                    with self.progress:
                        self.placed += 1
                        self.progress.notify_all()
        except Exception as exc:  # noqa: BLE001 - the test reports it
            self.error = exc
            with self.progress:
                self.progress.notify_all()

    def wait_for(self, count: int) -> None:
        with self.progress:
            assert self.progress.wait_for(lambda: self.placed >= count or self.error, 60)
        assert self.error is None, self.error


@pytest.mark.parametrize("portable", [False, True], ids=["native", "portable"])
def test_a_backup_taken_while_orders_are_placed_restores_stock_equal_to_movements(
        database, settings, scratch_url, portable):
    placer = OrderPlacer(*_shop())
    placer.start()
    try:
        placer.wait_for(3)
        for _attempt in range(30):  # until an order was placed while a backup ran
            before = placer.placed
            info = make_backup(settings, portable=portable)
            if placer.placed > before:
                break
        overlapped = placer.placed > before
        placer.wait_for(placer.placed + 2)  # and the orders carry on afterwards
    finally:
        placer.stopping.set()
        placer.join(60)
    assert placer.error is None, placer.error
    assert overlapped, "no order was placed while a backup ran: the test proved nothing"

    restore_backup(info.path, settings, database_url=scratch_url)
    with pointed_at(scratch_url):
        assert stock_matches_movements() == []
        placed = Order.select().where(Order.status == "placed").count()
        assert 3 <= placed < placer.placed
        sold = 100_000 * PRODUCTS - sum(p.stock for p in Product.select())
        assert sold == 3 * placed
