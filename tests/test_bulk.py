"""Many rows at once (tinyapp/bulk.py), on every engine: the rows stored are exactly
what peewee's own insert_many stores."""

import datetime as dt
from decimal import Decimal

import peewee
import pytest

from tinyapp import bulk, db, querylog
from tinyapp.models import Category, Change, Product
from tinyapp.unit_of_work import values_of


def stored(model) -> list[dict]:
    return [values_of(row) for row in model.select().order_by(model.id)]


def test_an_insert_stores_what_insert_many_stores_defaults_included(database):
    at = dt.datetime(2026, 3, 4, 5, 6, 7, 890123)
    with db.database.connection_context(), db.transaction():
        tools = Category.create(name="Tools")
        rows = [{"sku": f"B-{n}", "name": f"Bulk {n}", "price": Decimal("1.50") * n,
                 "category": tools if n % 2 else tools.id, "stock": n,
                 "is_active": bool(n % 3), "created_at": at, "updated_at": at}
                for n in range(1, 1201)]  # three batches, the last a short one
        bulk.insert(Product, rows)
        by_bulk = stored(Product)
        Product.delete().execute()
        Product.insert_many(rows).execute()
        by_peewee = stored(Product)
    assert len(by_bulk) == 1200
    assert by_bulk == by_peewee


def test_json_values_and_nothing_at_all(database):
    with db.database.connection_context(), db.transaction():
        bulk.insert(Change, [{"at": dt.datetime.now(dt.UTC), "entity": "product",
                              "entity_id": "1", "action": "update",
                              "changes": {"name": ["Á", "B"]}, "details": {}}])
        bulk.insert(Change, [])
        change = Change.get()
    assert change.changes == {"name": ["Á", "B"]}


def test_one_row_inserted_says_its_new_id_as_peewee_would(database):
    with db.database.connection_context(), db.transaction():
        first = bulk.insert_one(Category, {"name": "Tools"})
        second = bulk.insert_one(Category, {"name": "Garden"})
        by_peewee = Category.create(name="Kitchen").id
        names = dict(Category.select(Category.id, Category.name).tuples())
    assert names == {first: "Tools", second: "Garden", by_peewee: "Kitchen"}
    assert first < second < by_peewee


def test_new_rows_say_their_ids_where_the_engine_can_return_them(database):
    with db.database.connection_context(), db.transaction():
        rows = [{"sku": f"R-{n}", "name": f"Returned {n}", "price": Decimal("2.00")}
                for n in range(1, 701)]  # two batches
        said = bulk.insert(Product, rows, returning=("id", "sku"))
        ids = {p.sku: p.id for p in Product.select(Product.sku, Product.id)}
    if db.current_engine() == "mysql":  # no RETURNING for many rows: the caller reads them
        assert said is None
    else:
        assert {row["sku"]: row["id"] for row in said} == ids
        assert len(said) == 700


def test_a_statement_on_the_kept_cursor_is_counted_noted_and_fails_as_peewee_fails(database):
    """bulk and prepared statements run on one cursor per connection
    (engines.execute_and_read): still in the query log and the tables written, a
    driver's error still peewee's own, and a fresh connection gets a fresh cursor."""
    with db.database.connection_context():
        with querylog.track() as queries, db.recording_writes() as written:
            bulk.insert_one(Category, {"name": "Tools"})
        assert (queries.count, written) == (1, {"categories"})
        with pytest.raises(peewee.IntegrityError):  # a second "Tools": the name is unique
            with db.transaction():
                bulk.insert(Category, [{"name": "Tools"}])
    with db.database.connection_context():  # another connection (or the same, reopened)
        assert bulk.insert_one(Category, {"name": "Garden"}) > 0
        assert [c.name for c in Category.select().order_by(Category.id)] == ["Tools", "Garden"]
