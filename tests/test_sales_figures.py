"""The per-day sales figures an order adds to when placed and takes back when cancelled.

They are what the sales reports read (tinyapp/services/figures.py): one row per day,
one per day and product. Orders are placed for real, on every engine.
"""

from decimal import Decimal

from tinyapp import db, querylog
from tinyapp.models import DailySales, ProductDailySales
from tinyapp.services import catalog, customers, orders


def _product(sku: str, price: str):
    return catalog.create_product({"sku": sku, "name": sku, "price": Decimal(price),
                                   "stock": 100})


def _placed(customer, lines) -> int:
    order = orders.create_order({"customer_id": customer.id, "lines": [
        {"product_id": product.id, "quantity": quantity} for product, quantity in lines]})
    return orders.place_order(order.id).id


def _by_product() -> dict[int, tuple[int, Decimal]]:
    return {row.product_id: (row.quantity, row.amount) for row in ProductDailySales.select()}


def test_orders_sharing_a_product_add_up_in_its_row_and_a_cancelled_one_comes_off(database):
    with db.database.connection_context():
        saw, drill, tape = _product("SAW", "10.00"), _product("DRILL", "2.50"), _product(
            "TAPE", "0.75")
        buyer = customers.create_customer({"name": "Builder"})
        first = _placed(buyer, [(saw, 1), (drill, 2)])
        _placed(buyer, [(drill, 3), (tape, 4)])  # drill's row exists, tape's is new

        assert _by_product() == {saw.id: (1, Decimal("10.00")),
                                 drill.id: (5, Decimal("12.50")),
                                 tape.id: (4, Decimal("3.00"))}
        day, = DailySales.select()
        assert (day.orders, day.amount) == (2, Decimal("25.50"))

        orders.cancel_order(first)
        assert _by_product() == {saw.id: (0, Decimal("0.00")),
                                 drill.id: (3, Decimal("7.50")),
                                 tape.id: (4, Decimal("3.00"))}
        day, = DailySales.select()
        assert (day.orders, day.amount) == (1, Decimal("10.50"))


def test_an_order_adds_to_the_figures_of_all_its_products_in_one_statement(database):
    """One upsert for the day's row, one for all of its products' rows: a statement per
    line was two of the twenty an order placed cost, inside SQLite's write lock."""
    with db.database.connection_context():
        products = [_product(f"P-{n}", "1.00") for n in range(5)]
        buyer = customers.create_customer({"name": "Many lines"})
        draft = orders.create_order({"customer_id": buyer.id, "lines": [
            {"product_id": product.id, "quantity": 1} for product in products]})
        with querylog.track(keep_statements=True) as log:
            orders.place_order(draft.id)
        writes = [query.sql for query in log.statements
                  if "daily_sales" in query.sql.split("(")[0]]
        assert len(writes) == 2, writes
        assert [quantity for quantity, _ in _by_product().values()] == [1] * 5
