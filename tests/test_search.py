"""Search on every engine: any part of a word, any case, any accent, through each engine's
own substring index (FTS5 trigram, pg_trgm, FULLTEXT over trigrams)."""

import importlib

import pytest

from tinyapp import db
from tinyapp.models import Customer, Product, SearchDocument
from tinyapp.models.search import substring_index_sql
from tinyapp.services import catalog, customers, orders


@pytest.fixture
def shop(database):
    with db.database.connection_context():
        made = {
            "screwdriver": catalog.create_product({"sku": "SD-12", "name": "Cordless Screwdriver",
                                                   "price": "39.00", "stock": 5,
                                                   "barcode": "4006381333931"}),
            "drill": catalog.create_product({"sku": "DR-1", "name": "Drill", "price": "99.90"}),
            "fork": catalog.create_product({"sku": "FK-2", "name": "Garden fork",
                                            "price": "19.00"}),
            "other": catalog.create_product({"sku": "OT-9", "name": "The other thing",
                                             "price": "1.00"}),
            "backus": customers.create_customer({"name": "John Backus",
                                                 "email": "john@example.com"}),
            "muller": customers.create_customer({"name": "Grete Müller"}),
        }
        made["order"] = orders.create_order({"customer_id": made["backus"].id, "lines": [
            {"product_id": made["drill"].id, "quantity": 1}]})
    yield made


def products(text: str) -> list[str]:
    with db.database.connection_context():
        return sorted(p.sku for p in Product.listing(search=text))


def customer_names(text: str) -> list[str]:
    with db.database.connection_context():
        return sorted(c.name for c in Customer.listing(search=text))


def order_numbers(text: str) -> list[str]:
    with db.database.connection_context():
        return [o.number for o in orders.listing(search=text)]


@pytest.mark.parametrize("text, found", [
    ("driver", ["SD-12"]),          # the middle of a word
    ("SCREW", ["SD-12"]),           # any case
    ("cordless driv", ["SD-12"]),   # every word must match
    ("dr", ["DR-1"]),               # short words match the start of a word
    ("d", ["DR-1"]),
    ("81333", ["SD-12"]),           # part of the barcode
    ("sd-12", ["SD-12"]),           # the SKU as typed
    ("for", ["FK-2"]),              # trigrams InnoDB would drop as stopwords
    ("the", ["OT-9"]),
    ("rill", ["DR-1"]),
    ("ill", ["DR-1"]),
    ("xyz", []),
    ("driver xyz", []),
    ("!!", []),                     # no words: nothing, not everything
])
def test_products_are_found_by_any_part_of_their_sku_name_or_barcode(shop, text, found):
    assert products(text) == found


def test_customers_are_found_by_any_part_of_a_word_ignoring_case_and_accents(shop):
    assert customer_names("ackus") == ["John Backus"]
    assert customer_names("MULLER") == ["Grete Müller"]
    assert customer_names("müll") == ["Grete Müller"]
    assert customer_names("example") == ["John Backus"]


def test_orders_are_found_by_number_and_by_their_customers_name(shop):
    number = shop["order"].number
    assert order_numbers(number[-4:]) == [number]
    assert order_numbers("backus") == [number]
    with db.database.connection_context():
        customers.update_customer(shop["backus"].id, {"name": "John W. Backhouse"}, 1)
    assert order_numbers("backus") == []
    assert order_numbers("backhouse") == [number]


def test_a_renamed_product_is_found_by_its_new_name_only(shop):
    with db.database.connection_context():
        catalog.update_product(shop["drill"].id, {"name": "Hammer drill"}, 1)
    assert products("hammer") == ["DR-1"]
    with db.database.connection_context():
        catalog.update_product(shop["drill"].id, {"name": "Mallet"}, 2)
    assert products("hammer") == []
    assert products("mallet") == ["DR-1"]


def test_a_deleted_draft_leaves_the_search(shop):
    with db.database.connection_context():
        orders.delete_order(shop["order"].id)
        assert not SearchDocument.select().where(SearchDocument.kind == "order").exists()
    assert order_numbers("backus") == []


def test_the_migration_builds_the_same_substring_index_as_the_models(database):
    migration = importlib.import_module("tinyapp.migrations.0006_barcodes_and_substring_search")
    assert migration._substring_index_sql(database) == substring_index_sql(database)
