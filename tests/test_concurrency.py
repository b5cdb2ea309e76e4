"""Placing orders concurrently, on every engine: the last units are sold exactly once."""

import threading
from decimal import Decimal

import pytest

from tests.support import databases
from tinyapp import db
from tinyapp.models import Order, Product, StockMovement
from tinyapp.services import catalog, customers, orders
from tinyapp.services.stock import OutOfStock

THREADS = 50


@pytest.fixture
def settings(make_settings, migrated_url):
    return make_settings(DATABASE_URL=migrated_url, POOL_MAX_CONNECTIONS=THREADS + 5,
                         POOL_TIMEOUT=30)


def run_together(work, count: int) -> list:
    """Run work(i) in count threads released at the same instant; return what each did."""
    barrier = threading.Barrier(count)
    results: list = [None] * count
    database = db.current()  # the test's: each thread binds it too

    def worker(index):
        barrier.wait()
        try:
            with database.bound(), db.database.connection_context():
                results[index] = work(index)
        except Exception as exc:  # noqa: BLE001 - the test inspects what happened
            results[index] = exc

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_fifty_placements_for_ten_units_sell_exactly_ten(database):
    with db.database.connection_context():
        product = catalog.create_product({"sku": "LAST-10", "name": "Last ones",
                                          "price": Decimal("3.00"), "stock": 10})
        buyer = customers.create_customer({"name": "Crowd"})
        drafts = [orders.create_order({"customer_id": buyer.id, "lines": [
            {"product_id": product.id, "quantity": 1}]}).id for _ in range(THREADS)]

    results = run_together(lambda i: orders.place_order(drafts[i]), THREADS)

    placed = [r for r in results if isinstance(r, Order)]
    refused = [r for r in results if isinstance(r, OutOfStock)]
    assert len(placed) == 10, [r for r in results if not isinstance(r, (Order, OutOfStock))]
    assert len(refused) == THREADS - 10
    assert all("LAST-10" in str(r) for r in refused)
    with db.database.connection_context():
        assert Product.get_by_id(product.id).stock == 0
        ledger = [m.delta for m in StockMovement.for_product(product.id)]
        assert sum(ledger) == 0 and ledger.count(-1) == 10
        statuses = [o.status for o in Order.select().where(Order.id.in_(drafts))]
        assert statuses.count("placed") == 10 and statuses.count("draft") == THREADS - 10


def test_orders_sharing_products_in_opposite_order_do_not_deadlock(database):
    """Each order takes stock product by product; sorted by id, two orders never wait
    on each other in a circle."""
    with db.database.connection_context():
        first = catalog.create_product({"sku": "A-1", "name": "A", "price": 1, "stock": 100})
        second = catalog.create_product({"sku": "B-1", "name": "B", "price": 1, "stock": 100})
        buyer = customers.create_customer({"name": "Crowd"})
        drafts = []
        for i in range(20):
            lines = [{"product_id": first.id, "quantity": 1},
                     {"product_id": second.id, "quantity": 1}]
            drafts.append(orders.create_order({"customer_id": buyer.id,
                                               "lines": lines[::-1] if i % 2 else lines}).id)

    results = run_together(lambda i: orders.place_order(drafts[i]), 20)

    assert all(isinstance(r, Order) for r in results), results
    with db.database.connection_context():
        assert Product.get_by_id(first.id).stock == 80
        assert Product.get_by_id(second.id).stock == 80


def test_a_draft_placed_twice_at_once_is_placed_once(database):
    with db.database.connection_context():
        product = catalog.create_product({"sku": "ONE", "name": "One", "price": 1,
                                          "stock": 5})
        buyer = customers.create_customer({"name": "Twice"})
        draft = orders.create_order({"customer_id": buyer.id, "lines": [
            {"product_id": product.id, "quantity": 2}]}).id

    results = run_together(lambda i: orders.place_order(draft), 8)

    assert sum(isinstance(r, Order) for r in results) == 1
    with db.database.connection_context():
        assert Product.get_by_id(product.id).stock == 3


def test_a_steady_stream_of_writers_never_sees_database_is_locked(make_settings, migrated_url,
                                                                  database):
    """Eight threads adjust stock back to back for a few seconds, with a 1 s busy timeout.

    On SQLite the writers of a process queue for the write lock instead of polling it, so
    none waits past the timeout; the other engines lock rows and never block like that.
    """
    import time

    from tinyapp.services import stock

    databases.use(make_settings(DATABASE_URL=migrated_url, POOL_TIMEOUT=1,
                                   POOL_MAX_CONNECTIONS=12))
    with db.database.connection_context():
        product = catalog.create_product({"sku": "STREAM", "name": "Stream", "price": 1,
                                          "stock": 0})
    deadline = time.monotonic() + 4

    def keep_writing(index):
        done = 0
        while time.monotonic() < deadline:
            stock.adjust_stock(product.id, 1, f"writer {index}")
            done += 1
        return done

    results = run_together(keep_writing, 8)

    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    with db.database.connection_context():
        assert Product.get_by_id(product.id).stock == sum(results)


@pytest.mark.parametrize("change", [{"role": "staff"}, {"is_active": False}])
def test_two_admins_removing_each_other_at_once_leave_one_active_admin(database, change):
    """Each trial: A demotes (or deactivates) B while B does the same to A."""
    from tinyapp.errors import Conflict
    from tinyapp.models import User
    from tinyapp.services import accounts

    for trial in range(15):
        databases_empty_users()
        with db.database.connection_context():
            a = accounts.create_user(f"a{trial}@example.com", "A", "admin phrase one 1",
                                     role="admin")
            b = accounts.create_user(f"b{trial}@example.com", "B", "admin phrase two 2",
                                     role="admin")
        pairs = [(a, b), (b, a)]

        def remove_the_other(i, pairs=pairs):
            actor, target = pairs[i]
            return accounts.update_user(target.id, dict(change), actor=actor)

        results = run_together(remove_the_other, 2)
        assert sum(isinstance(r, User) for r in results) == 1, results
        assert sum(isinstance(r, Conflict) for r in results) == 1, results
        with db.database.connection_context():
            active_admins = User.select().where(User.role == "admin", User.is_active).count()
        assert active_admins == 1, f"trial {trial}: {active_admins} active admins"


def databases_empty_users():
    from tinyapp.models import ApiToken, Change, Session, User

    with db.database.connection_context():
        for model in (Session, ApiToken, Change, User):
            model.delete().execute()
