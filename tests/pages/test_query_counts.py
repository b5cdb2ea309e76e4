"""No N+1 in the pages: a list shows 3 rows or 25 with the same number of queries."""

from tests.support.api import queries_of
from tinyapp import cache, db
from tinyapp.services import catalog, customers, orders, stock

PAGES = ["/", "/products", "/products?q=nut", "/customers", "/orders", "/orders?q=buyer",
         "/categories", "/products/{drill}", "/customers/{customer}", "/orders/new",
         "/orders/new?customer={customer}", "/orders/new?customer={customer}&find=nut",
         "/orders/{draft}", "/imports/products", "/reports", "/users"]


def queries_for(client, path: str) -> int:
    """The query count the app reports in its Server-Timing header."""
    cache.current().clear()  # compare the work done, not what a cache remembered
    return queries_of(client.get(path))


def add(count: int, shop: dict) -> None:
    """Add count products, customers and orders (each also with the drill on it)."""
    with db.database.connection_context():
        stock.adjust_stock(shop["drill"].id, count, "delivery")
        for n in range(count):
            product = catalog.create_product({"sku": f"N{n}-{count}", "name": f"Nut {n}",
                                              "price": "1.00", "stock": 50,
                                              "category_id": shop["category"].id})
            buyer = customers.create_customer({"name": f"Buyer {n}-{count}"})
            order = orders.create_order({"customer_id": buyer.id, "lines": [
                {"product_id": product.id, "quantity": 1},
                {"product_id": shop["drill"].id, "quantity": 1}]})
            orders.place_order(order.id)
            orders.create_order({"customer_id": shop["customer"].id,
                                 "lines": [{"product_id": product.id, "quantity": 1}]})


def test_pages_run_as_many_queries_for_many_rows_as_for_few(client, sign_in, shop):
    sign_in("admin")
    with db.database.connection_context():
        draft = orders.create_order({"customer_id": shop["customer"].id, "lines": [
            {"product_id": shop["drill"].id, "quantity": 1}]})
    paths = [p.format(drill=shop["drill"].id, customer=shop["customer"].id, draft=draft.id)
             for p in PAGES]
    add(2, shop)
    few = {path: queries_for(client, path) for path in paths}
    add(20, shop)
    assert {path: queries_for(client, path) for path in paths} == few
