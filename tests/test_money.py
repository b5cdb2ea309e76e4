"""Money is exact on every engine: 10,000 lines at 0.10 sum to 1000.00, not 999.9999…"""

import datetime as dt
from decimal import Decimal

from tinyapp import db, reports
from tinyapp.models import Customer, Order, OrderLine, Product, utcnow


def test_ten_thousand_lines_at_ten_cents_sum_to_exactly_1000(database):
    today = utcnow()
    with db.database.connection_context(), db.transaction():
        customer = Customer.create(name="Many small orders")
        products = [Product.create(sku=f"C-{n}", name=f"Cent {n}", price=Decimal("0.10"))
                    for n in range(10)]
        orders = []
        for n in range(1000):
            orders.append(Order(number=f"SO-{n:06d}", customer=customer, status="placed",
                                placed_at=today, total=Decimal("1.00")))
        Order.bulk_create(orders, batch_size=500)
        ids = [o.id for o in Order.select(Order.id).order_by(Order.id)]
        OrderLine.insert_many(
            [{"order": order_id, "product": p.id, "quantity": 1, "unit_price": Decimal("0.10")}
             for order_id in ids for p in products]).execute()

    with db.database.connection_context():
        assert OrderLine.select().count() == 10_000
        day = today.date()
        sales = reports.sales("day", day - dt.timedelta(days=1), day)
        assert sales["total_amount"] == "1000.00"
        top = reports.top_products(day, day, limit=10)
        assert sum(Decimal(p["amount"]) for p in top["items"]) == Decimal("1000.00")
        assert all(p["amount"] == "100.00" for p in top["items"])
        by_category = reports.sales_by_category(day, day)
        assert by_category["items"][0]["amount"] == "1000.00"
