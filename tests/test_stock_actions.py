"""Counting, receiving and removing stock, on every engine: the ledger always explains the
stock, a matching count is recorded as a check, and a count never loses a sale."""

import pytest
from marshmallow import ValidationError

from tests.test_concurrency import run_together
from tinyapp import db
from tinyapp.models import Order, Product, StockMovement
from tinyapp.services import catalog, customers, orders, stock
from tinyapp.services.stock import OutOfStock

THREADS = 20


@pytest.fixture
def settings(make_settings, migrated_url):
    return make_settings(DATABASE_URL=migrated_url, POOL_MAX_CONNECTIONS=THREADS + 5,
                         POOL_TIMEOUT=30)


@pytest.fixture
def drill(database):
    with db.database.connection_context():
        return catalog.create_product({"sku": "DR-1", "name": "Drill", "price": "9.00",
                                       "stock": 10})


def ledger(product) -> tuple[int, list[tuple[int, str]]]:
    with db.database.connection_context():
        moves = [(m.delta, m.reason) for m in StockMovement.for_product(product.id)
                 .order_by(StockMovement.id)]
        return Product.get_by_id(product.id).stock, moves


def test_a_count_sets_the_stock_and_the_difference_is_the_movement(drill):
    with db.database.connection_context():
        stock.count_stock(drill.id, 7, "monthly count")
        stock.count_stock(drill.id, 7, "spot check")
        stock.receive_stock(drill.id, 5, "delivery 4711")
        stock.remove_stock(drill.id, 2, "dropped")
    assert ledger(drill) == (10, [(10, "opening stock"), (-3, "monthly count"),
                                  (0, "spot check (count matches)"), (5, "delivery 4711"),
                                  (-2, "dropped")])


@pytest.mark.parametrize("action, args, field", [
    (stock.remove_stock, (11, "lost"), None),     # more than there is
    (stock.receive_stock, (0, "nothing"), "quantity"),
    (stock.count_stock, (-1, "typo"), "counted"),
    (stock.count_stock, (3, "  "), "reason"),
])
def test_an_impossible_stock_change_is_refused_and_changes_nothing(drill, action, args,
                                                                    field):
    with db.database.connection_context(), pytest.raises(
            OutOfStock if field is None else ValidationError) as refused:
        action(drill.id, *args)
    if field:
        assert field in refused.value.messages
    assert ledger(drill) == (10, [(10, "opening stock")])


def test_counts_racing_orders_leave_a_ledger_that_adds_up_to_the_stock(drill):
    with db.database.connection_context():
        buyer = customers.create_customer({"name": "Crowd"})
        drafts = [orders.create_order({"customer_id": buyer.id, "lines": [
            {"product_id": drill.id, "quantity": 1}]}).id for _ in range(THREADS // 2)]

    def work(i):
        if i % 2:
            return orders.place_order(drafts[i // 2])
        return stock.count_stock(drill.id, 10, f"count {i}")

    results = run_together(work, THREADS)
    unexpected = [r for r in results if not isinstance(r, (Order, StockMovement, OutOfStock))]
    assert unexpected == []
    level, moves = ledger(drill)
    assert level == sum(delta for delta, _ in moves) and level >= 0
