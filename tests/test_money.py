"""Money is exact on every engine: 10,000 lines at 0.10 sum to 1000.00, not 999.9999…"""

import datetime as dt
from decimal import Decimal

from peewee import fn

from tinyapp import db, reports
from tinyapp.models import OrderLine, utcnow
from tinyapp.services import catalog, customers, orders


def test_ten_thousand_lines_at_ten_cents_sum_to_exactly_1000(database):
    """100 orders of 100 lines at 0.10, placed through the order service."""
    today = utcnow().date()
    with db.database.connection_context():
        buyer = customers.create_customer({"name": "Many small lines"})
        products = [catalog.create_product({"sku": f"C-{n}", "name": f"Cent {n}",
                                            "price": Decimal("0.10"), "stock": 100})
                    for n in range(100)]
        lines = [{"product_id": p.id, "quantity": 1} for p in products]
        for _ in range(100):
            orders.place_order(orders.create_order({"customer_id": buyer.id,
                                                    "lines": lines}).id)

    with db.database.connection_context():
        assert OrderLine.select().count() == 10_000
        cents = OrderLine.select(fn.SUM(OrderLine.unit_price * OrderLine.quantity)
                                 .coerce(False)).scalar()
        assert int(cents) == 100_000
        sales = reports.sales("day", today - dt.timedelta(days=1), today)
        assert sales["total_amount"] == "1000.00"
        top = reports.top_products(today, today, limit=100)
        assert sum(Decimal(p["amount"]) for p in top["items"]) == Decimal("1000.00")
        assert all(p["amount"] == "10.00" for p in top["items"])
        assert reports.sales_by_category(today, today)["items"][0]["amount"] == "1000.00"
