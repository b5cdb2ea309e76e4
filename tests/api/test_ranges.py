"""Every stored number stays inside its documented range: schema and database alike.

Stock is 0 to 1,000,000 per product; an order's total, like every price, is at most
99,999,999.99. A write that would leave a range is refused (409/422 naming the field),
whatever arithmetic led there, and the database refuses it too.
"""

import peewee
import pytest

from tinyapp import db
from tinyapp.models import Order, OrderLine, Product

MAX_STOCK = 1_000_000
MAX_PRICE = "99999999.99"


def adjust(api, product_id: int, delta: int, status: int = 201):
    return api.post("/api/v1/stock-adjustments", {"product_id": product_id, "delta": delta,
                                                  "reason": "delivery"}, status=status)


def test_stock_adjustments_stop_at_the_documented_maximum(api):
    product = api.product("BIG-1", stock=0)
    adjust(api, product["id"], MAX_STOCK)
    problem = adjust(api, product["id"], MAX_STOCK, status=409).json
    assert problem["field"] == "delta"
    assert "1,000,000" in problem["detail"]
    adjust(api, product["id"], 1, status=409)
    assert api.get(f"/api/v1/products/{product['id']}").json["stock"] == MAX_STOCK


def test_cancelling_an_order_refuses_to_push_stock_past_the_maximum(api):
    product = api.product("BIG-2", stock=10)
    customer = api.customer()
    order = api.placed_order(customer["id"], (product["id"], 10))
    adjust(api, product["id"], MAX_STOCK)
    problem = api.post(f"/api/v1/orders/{order['id']}/cancel", status=409).json
    assert problem["field"] == "stock" and "BIG-2" in problem["detail"]
    assert api.get(f"/api/v1/orders/{order['id']}").json["status"] == "placed"


def test_an_order_whose_total_leaves_the_money_range_is_refused(api):
    product = api.product("GOLD-1", price=MAX_PRICE, stock=5)
    customer = api.customer()
    problem = api.post("/api/v1/orders", {"customer_id": customer["id"], "lines": [
        {"product_id": product["id"], "quantity": 2}]}, status=422).json
    assert list(problem["errors"]) == ["lines"]
    assert MAX_PRICE in " ".join(problem["errors"]["lines"])


def test_placing_refuses_a_total_that_todays_prices_push_out_of_range(api):
    cheap = api.product("GOLD-2", price="1.00", stock=5)
    customer = api.customer()
    order = api.order(customer["id"], (cheap["id"], 2))
    api.patch(f"/api/v1/products/{cheap['id']}", {"price": MAX_PRICE, "version": 1})
    problem = api.post(f"/api/v1/orders/{order['id']}/place", status=409).json
    assert problem["field"] == "total"
    after = api.get(f"/api/v1/orders/{order['id']}").json
    assert after["status"] == "draft"
    assert api.get(f"/api/v1/products/{cheap['id']}").json["stock"] == 5


def test_every_money_and_stock_figure_in_answers_fits_the_document(api):
    product = api.product("FIT-1", price=MAX_PRICE, stock=MAX_STOCK)
    customer = api.customer()
    order = api.placed_order(customer["id"], (product["id"], 1))
    assert order["total"] == MAX_PRICE
    assert order["lines"][0]["line_total"] == MAX_PRICE


@pytest.mark.parametrize("table, values", [
    (Product, {"stock": MAX_STOCK + 1}),
    (Product, {"reorder_level": MAX_STOCK + 1}),
    (Product, {"price": 10**8}),
    (Order, {"total": 10**8}),
    (Order, {"total": -1}),
    (OrderLine, {"quantity": 10_001}),
    (OrderLine, {"unit_price": 10**8}),
])
def test_the_database_refuses_numbers_outside_their_range(api, table, values):
    customer = api.customer()
    product = api.product("DB-1", stock=5)
    api.order(customer["id"], (product["id"], 1))
    with db.database.connection_context(), pytest.raises(peewee.IntegrityError):
        with db.database.atomic():
            table.update(values).execute()
