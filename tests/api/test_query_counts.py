"""No N+1: every list runs the same number of queries for 5 rows as for 500."""

import datetime as dt

import pytest

from tests.support.api import queries_of
from tinyapp import cache, db
from tinyapp.models import (
    ApiToken,
    Category,
    Customer,
    Order,
    OrderLine,
    Product,
    SearchTerm,
    Session,
    StockMovement,
    User,
    utcnow,
)


def add_rows(count: int, user: User, first: Product | None = None) -> Product:
    """Insert count rows into every listed table (directly: speed, not behaviour)."""
    now = utcnow()
    with db.database.connection_context(), db.transaction():
        start = Category.select().count()
        categories = [Category.create(name=f"Cat {start + n}") for n in range(count)]
        first = first or Product.create(sku=f"FIRST-{start}", name="First", price=1)
        Product.insert_many([{"sku": f"S-{start + n}", "name": f"P {n}", "price": 1,
                              "category": categories[n % len(categories)].id}
                             for n in range(count)]).execute()
        SearchTerm.insert_many([{"kind": "product", "term": "p", "ref_id": p.id}
                                for p in Product.select().where(Product.name.startswith("P "))
                                ], ).on_conflict_ignore().execute()
        customer = Customer.create(name=f"Buyer {start}")
        Customer.insert_many([{"name": f"C {start + n}"} for n in range(count)]).execute()
        for n in range(count):
            order = Order.create(number=f"N-{start}-{n}", customer=customer, status="placed",
                                 placed_at=now)
            OrderLine.create(order=order, product=first, quantity=1, unit_price=1)
        StockMovement.insert_many([{"product": first.id, "delta": 1, "reason": "r"}
                                   for _ in range(count)]).execute()
        User.insert_many([{"email": f"u{start + n}@x.org", "name": "U", "password_hash": "x"}
                          for n in range(count)]).execute()
        ApiToken.insert_many([{"user": user.id, "name": f"t{n}", "token_hash": f"{start}-{n}",
                               "prefix": "tk_", "created_at": now} for n in range(count)]
                             ).execute()
        Session.insert_many([{"user": user.id, "token_hash": f"s{start}-{n}", "csrf_token": "c",
                              "created_at": now, "last_seen_at": now,
                              "expires_at": now + dt.timedelta(days=1)}
                             for n in range(count)]).execute()
    return first




LISTS = ["/api/v1/products?limit=500", "/api/v1/categories?limit=500",
         "/api/v1/customers?limit=500", "/api/v1/orders?limit=500",
         "/api/v1/products/{first}/movements?limit=500", "/api/v1/users?limit=500",
         "/api/v1/tokens", "/api/v1/me/sessions", "/api/v1/search?q=p&limit=50",
         "/api/v1/reports/top-products?limit=100", "/api/v1/reports/low-stock?limit=500",
         "/api/v1/reports/categories"]


@pytest.mark.parametrize("path", LISTS)
def test_a_list_runs_as_many_queries_for_500_rows_as_for_5(api_as, path):
    admin = api_as("admin")
    admin.get("/api/v1/me")  # the token's first use also records last_used_at
    with db.database.connection_context():
        user = User.get(User.role == "admin")
    first = add_rows(5, user)
    url = path.format(first=first.id)
    cache.current().clear()  # rows were added behind the services' back: measure fresh work
    small = admin.get(url)
    add_rows(495, user, first)
    cache.current().clear()
    large = admin.get(url)
    assert len(large.json.get("items", large.json.get("products"))) > \
        len(small.json.get("items", small.json.get("products"))) or "reports" in path
    assert queries_of(large) == queries_of(small)
