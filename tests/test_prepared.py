"""Queries built once per shape (tinyapp/prepared.py), on every engine: the same rows as
peewee's own ``.dicts()`` of the same query, values converted as peewee converts them,
and the query object built only the first time."""

import datetime as dt
from decimal import Decimal

import peewee
import pytest

from tinyapp import db
from tinyapp.models import Category, Product
from tinyapp.prepared import Prepared, as_model


@pytest.fixture
def shelf(database):
    at = dt.datetime(2026, 5, 6, 7, 8, 9, 123456, tzinfo=dt.UTC)
    with db.database.connection_context(), db.transaction():
        tools = Category.create(name="Tools")
        for n in range(6):
            Product.create(sku=f"P-{n}", name=f"Pliers {n}", price=Decimal("2.25") * n,
                           stock=n, category=tools if n % 2 else None, is_active=n != 3,
                           created_at=at + dt.timedelta(hours=n), updated_at=at)
    return tools


def listing(category, cheaper_than, since, limit):
    return (Product.select(Product, Category.name.alias("category__name"))
            .join(Category, peewee.JOIN.LEFT_OUTER, on=(Product.category == Category.id))
            .where(Product.category == category, Product.price < cheaper_than,
                   Product.created_at >= since)
            .order_by(Product.id).limit(limit).dicts())


def test_rows_are_what_peewee_reads_for_the_same_values(shelf):
    since = dt.datetime(2026, 5, 6, 8, 0, tzinfo=dt.UTC)
    prepared = Prepared(listing)
    with db.database.connection_context():
        for values in ({"category": shelf.id, "cheaper_than": Decimal("100"), "since": since,
                        "limit": 10},
                       {"category": shelf, "cheaper_than": Decimal("5"), "since": since,
                        "limit": 1}):
            assert prepared.rows(**values) == list(listing(**values))


def test_a_value_of_another_type_than_its_column_is_converted_as_peewee_converts_it(shelf):
    """Values of the column's own type go as they are; others through its db_value."""
    by_stock_and_sku = Prepared(lambda stock, sku: Product.select(Product.sku)
                                .where(Product.stock == stock, Product.sku == sku).dicts())
    with db.database.connection_context():
        for stock, sku in ((2, "P-2"), ("2", "P-2"), (Decimal("2"), "P-2"), (True, "P-1")):
            assert by_stock_and_sku.rows(stock=stock, sku=sku) == list(
                Product.select(Product.sku).where(Product.stock == stock,
                                                  Product.sku == sku).dicts())
        assert by_stock_and_sku.rows(stock="2", sku="P-2") == [{"sku": "P-2"}]


def test_a_row_made_an_object_is_the_object_peewee_reads(shelf):
    """as_model: the same values, nothing unsaved, the category loaded on first use, and
    a change saved as a change of that one field."""
    by_id = Prepared(lambda ids: Product.select().where(Product.id.in_(ids))
                     .order_by(Product.id).dicts())
    with db.database.connection_context():
        ids = [p.id for p in Product.select(Product.id)]
        made = [as_model(Product, row) for row in by_id.rows(ids=ids)]
        read = list(Product.select().where(Product.id.in_(ids)).order_by(Product.id))
        assert [p.__data__ for p in made] == [p.__data__ for p in read]
        assert not any(p.dirty_fields for p in made)
        assert [p.category and p.category.name for p in made] == [
            p.category and p.category.name for p in read]
        made[0].name = "Renamed"
        assert made[0].dirty_fields == [Product.name]
        made[0].save()
        assert Product.get_by_id(made[0].id).name == "Renamed"
        assert Product.get_by_id(made[0].id).stock == read[0].stock


def test_the_query_is_built_once_and_then_only_run(shelf):
    built = []

    def by_stock(at_least):
        built.append(at_least)
        return Product.select(Product.sku).where(Product.stock >= at_least).order_by(
            Product.sku).dicts()

    prepared = Prepared(by_stock)
    with db.database.connection_context():
        assert [r["sku"] for r in prepared.rows(at_least=4)] == ["P-4", "P-5"]
        assert [r["sku"] for r in prepared.rows(at_least=5)] == ["P-5"]
    assert len(built) == 1


def test_a_value_the_query_does_not_use_is_refused(shelf):
    prepared = Prepared(lambda name: Product.select().where(Product.name == "Pliers 1"))
    with db.database.connection_context(), pytest.raises(ValueError, match="name"):
        prepared.rows(name="Pliers 1")


def test_a_prepared_update_tells_how_many_rows_each_run_changed(shelf):
    take = Prepared(lambda pk, delta: Product.update(stock=Product.stock + delta)
                    .where(Product.id == pk, Product.stock + delta >= 0))
    with db.database.connection_context(), db.transaction():
        ids = [p.id for p in Product.select(Product.id).order_by(Product.id)]
        changed = [take.execute(pk=ids[2], delta=-2), take.execute(pk=ids[1], delta=-9),
                   take.execute(pk=ids[5], delta=4)]
        stocks = [Product.get_by_id(pk).stock for pk in (ids[2], ids[1], ids[5])]
    assert changed == [1, 0, 1]
    assert stocks == [0, 1, 9]


def test_an_insert_converts_each_value_for_its_column(database):
    """peewee leaves a query node among an INSERT's values as it is: a slot there must
    say its column (stored_in), or money would be stored as 2.5 instead of 250 cents."""
    from tinyapp.models import DailySales

    day = dt.date(2026, 7, 1)
    add = Prepared(lambda day, amount: DailySales.insert(
        day=day.stored_in(DailySales.day), orders=1, amount=amount.stored_in(DailySales.amount)))
    with db.database.connection_context(), db.transaction():
        add.execute(day=day, amount=Decimal("2.50"))
        DailySales.insert(day=day + dt.timedelta(days=1), orders=1,
                          amount=Decimal("2.50")).execute()
        stored = db.database.execute_sql(
            "SELECT day, amount FROM daily_sales ORDER BY day").fetchall()
        read = [(r.day, r.amount) for r in DailySales.select().order_by(DailySales.day)]
    assert stored[0][1] == stored[1][1]  # the same raw value in the column
    assert read == [(day, Decimal("2.50")), (day + dt.timedelta(days=1), Decimal("2.50"))]


def test_a_list_is_one_slot_per_item_and_sql_per_length(shelf):
    built = []

    def by_skus(skus):
        built.append(len(skus))
        return Product.select(Product.sku).where(Product.sku.in_(skus)).order_by(
            Product.sku).dicts()

    prepared = Prepared(by_skus)
    with db.database.connection_context():
        assert [r["sku"] for r in prepared.rows(skus=["P-1", "P-4"])] == ["P-1", "P-4"]
        assert [r["sku"] for r in prepared.rows(skus=["P-5", "P-0"])] == ["P-0", "P-5"]
        assert [r["sku"] for r in prepared.rows(skus=["P-2", "P-3", "X"])] == ["P-2", "P-3"]
        assert prepared.rows(skus=[]) == []
    assert built == [2, 3, 0]


def test_an_order_is_created_and_placed_without_building_any_sql_again(database,
                                                                       monkeypatch):
    """The write path's statements are built once per shape: the second order placed
    runs SQL text made for the first (peewee makes a Context for every query it builds)."""
    from tinyapp.services import catalog, customers, orders

    with db.database.connection_context():
        ids = [catalog.create_product({"sku": f"W-{n}", "name": f"Wrench {n}",
                                       "price": Decimal("3.50"), "stock": 50}).id
               for n in range(3)]
        customer = customers.create_customer({"name": "Ada Lovelace"}).id

        def create_and_place():
            order = orders.create_order({"customer_id": customer, "lines": [
                {"product_id": product, "quantity": 2} for product in ids]})
            return orders.place_order(order.id)

        create_and_place()
        built = []
        make_context = peewee.Context.__init__
        monkeypatch.setattr(peewee.Context, "__init__",
                            lambda self, **settings: (built.append(1),
                                                      make_context(self, **settings))[1])
        placed = create_and_place()
        monkeypatch.undo()
        stock = [row.stock for row in Product.select().order_by(Product.id)]
    assert placed.status == "placed"
    assert stock == [46, 46, 46]
    assert built == []
