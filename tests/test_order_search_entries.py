"""Orders' search entries are written after the orders (tinyapp/services/search.py), on
every engine: a search still finds every order there is, and nothing is lost or doubled."""

import subprocess
import sys
import textwrap
from decimal import Decimal

import pytest

from tests.test_concurrency import run_together
from tinyapp import db
from tinyapp.models import OrderSearchEntryDue, SearchDocument
from tinyapp.services import catalog, customers, orders
from tinyapp.services import search as order_search


@pytest.fixture
def settings(make_settings, migrated_url):
    return make_settings(DATABASE_URL=migrated_url, POOL_MAX_CONNECTIONS=12, POOL_TIMEOUT=30)


@pytest.fixture
def shop(database):
    with db.database.connection_context():
        return {"product": catalog.create_product({"sku": "SE-1", "name": "Spanner",
                                                   "price": Decimal("4.00")}),
                "ada": customers.create_customer({"name": "Ada Lovelace"}),
                "grace": customers.create_customer({"name": "Grace Hopper"})}


def make_order(shop, customer="ada"):
    return orders.create_order({"customer_id": shop[customer].id, "lines": [
        {"product_id": shop["product"].id, "quantity": 1}]})


def found(text: str) -> list[str]:
    with db.database.connection_context():
        return [order.number for order in orders.listing(search=text)]


def entries(number: str) -> int:
    """How many search entries the order with this number has."""
    with db.database.connection_context():
        return SearchDocument.select().where(SearchDocument.kind == "order",
                                             SearchDocument.body.contains(number[3:])).count()


def due() -> int:
    with db.database.connection_context():
        return OrderSearchEntryDue.select().count()


def test_a_new_order_is_due_and_the_next_search_finds_it(shop):
    with db.database.connection_context():
        order = make_order(shop)
    assert due() == 1 and entries(order.number) == 0  # the order's transaction wrote neither
    assert found("lovelace") == [order.number]
    assert found(order.number) == [order.number]
    assert due() == 0 and entries(order.number) == 1


def test_an_order_given_another_customer_is_found_by_the_new_name_only(shop):
    with db.database.connection_context():
        order = make_order(shop)
        assert found("lovelace") == [order.number]
        orders.update_order(order.id, {"customer_id": shop["grace"].id}, order.version)
    assert found("lovelace") == []
    assert found("hopper") == [order.number]
    assert entries(order.number) == 1


def test_a_draft_changed_while_its_entry_is_still_due_is_found_as_it_is_now(shop):
    with db.database.connection_context():
        order = make_order(shop)
        orders.update_order(order.id, {"customer_id": shop["grace"].id}, order.version)
    assert due() == 1  # noted once
    assert found("lovelace") == []
    assert found("hopper") == [order.number]


def test_a_renamed_customers_orders_are_found_by_the_new_name(shop):
    with db.database.connection_context():
        numbers = [make_order(shop).number for _ in range(3)]
        assert sorted(found("lovelace")) == sorted(numbers)
        customers.update_customer(shop["ada"].id, {"name": "Ada King"}, 1)
    assert found("lovelace") == []
    assert sorted(found("king")) == sorted(numbers)


def test_a_deleted_draft_takes_its_due_entry_with_it(shop):
    with db.database.connection_context():
        order = make_order(shop)
        orders.delete_order(order.id)
    assert due() == 0
    assert found("lovelace") == []


def test_every_batch_of_orders_has_its_entries_written_without_a_search(shop):
    with db.database.connection_context():
        for _ in range(order_search.BATCH):
            make_order(shop)
    assert due() < order_search.BATCH  # the BATCH-th order's unit wrote the entries due


def test_orders_made_by_a_process_killed_before_their_entries_are_found(shop, migrated_url):
    """The process exits by SIGKILL right after its commit: what is due is in the
    database, and the next search, in this process, writes it."""
    script = textwrap.dedent("""
        import os, signal, sys
        from tinyapp import db
        from tinyapp.services import orders
        database = db.Database(sys.argv[1])
        with database.bound(), database.connection():
            order = orders.create_order({"customer_id": int(sys.argv[2]), "lines": [
                {"product_id": int(sys.argv[3]), "quantity": 1}]})
        print(order.number, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    killed = subprocess.run([sys.executable, "-c", script, migrated_url,
                             str(shop["ada"].id), str(shop["product"].id)],
                            capture_output=True, text=True, timeout=60)
    assert killed.returncode == -9, killed.stderr
    number = killed.stdout.strip()
    assert due() == 1
    assert found("lovelace") == [number]


def test_searches_at_once_write_each_due_entry_once(shop):
    with db.database.connection_context():
        numbers = [make_order(shop).number for _ in range(30)]
        if due() == 0:  # the last one was a BATCH-th order, and wrote the entries due
            numbers.append(make_order(shop).number)
    assert due() >= 1

    results = run_together(lambda i: len(found("lovelace")), 8)

    assert results == [len(numbers)] * 8
    assert due() == 0
    assert all(entries(number) == 1 for number in numbers[::10])
