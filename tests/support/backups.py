"""Helpers for the backup tests: rows of every kind through the services, and table checksums."""

import datetime as dt
import hashlib
import json
from decimal import Decimal

import peewee

from tinyapp import db
from tinyapp.backup.common import pointed_at
from tinyapp.models import MODELS, Product, StockMovement
from tinyapp.services import accounts, catalog, customers, orders, stock

PASSWORD = "correct horse battery staple"
# Quotes, semicolons, brackets, backslashes and line breaks: what dump parsers trip on.
AWKWARD = "Crème brûlée 🍰 «quoted» 'single' \"double\" (paren; semi) back\\slash\nline two"


def fill(size: int = 3) -> dict:
    """Write users, sessions, tokens, categories, products, customers and orders of each status.

    Values cover the types a backup must keep: money from 0.01 up, NULLs, false
    booleans, unicode, microsecond times, JSON text. Runs on the proxy's database.
    """
    with db.database.connection_context():
        admin = accounts.create_user("zoë@example.com", "Zoë Ångström", PASSWORD, role="admin")
        accounts.set_preferences(admin, {"page_size": 20, "theme": "dark ☾"})
        accounts.log_in("zoë@example.com", PASSWORD, ip="192.0.2.7", user_agent="tests/1.0")
        accounts.create_token(admin, "nightly script")
        tools = catalog.create_category(AWKWARD[:60])
        made = []
        for number in range(size):
            made.append(catalog.create_product({
                "sku": f"SKU-{number:03d}", "name": f"Product {number} ✓",
                "description": AWKWARD, "price": Decimal("0.01") + Decimal(number) * 1234,
                "stock": 50, "reorder_level": number, "category_id": tools.id}, user=admin))
        made.append(catalog.create_product({"sku": "NO-CAT", "name": "Uncategorised",
                                            "price": Decimal("99999.99"), "stock": 0}))
        catalog.archive_product(made[-1].id, user=admin)
        buyer = customers.create_customer({"name": "Ada «Byron»", "address": AWKWARD},
                                          user=admin)
        customers.create_customer({"name": "No e-mail", "email": None})
        statuses = {}
        for index, action in enumerate(("draft", "placed", "fulfilled", "cancelled")):
            lines = [{"product_id": made[i].id, "quantity": index + 1} for i in range(size)]
            order = orders.create_order({"customer_id": buyer.id, "lines": lines,
                                         "notes": AWKWARD}, user=admin)
            if action != "draft":
                orders.place_order(order.id, user=admin)
            if action == "fulfilled":
                orders.fulfill_order(order.id, user=admin)
            if action == "cancelled":
                orders.cancel_order(order.id, user=admin)
            statuses[action] = order.id
        stock.adjust_stock(made[0].id, 7, "delivery ✓", user=admin)
    return {"admin": admin.id, "products": [p.id for p in made], "orders": statuses}


def _plain(value):
    """A value as text that is the same whichever engine it was read from."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return value


def table_checksums() -> dict[str, tuple[int, str]]:
    """(row count, sha256) per table, over the rows as the models read them.

    Models turn each engine's storage into the same Python values (Decimal money,
    aware UTC times, bools), and the rows are sorted here rather than by the engine,
    whose collations differ: equal checksums mean equal data on any engine.
    """
    sums = {}
    with db.database.connection_context():
        for model in MODELS:
            rows = sorted(json.dumps([_plain(v) for v in row], sort_keys=True, default=str)
                          for row in model.select().tuples())
            digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
            sums[model._meta.table_name] = (len(rows), digest)
    return sums


def checksums_at(url: str) -> dict[str, tuple[int, str]]:
    """table_checksums() of the database at url."""
    with pointed_at(url):
        return table_checksums()


def stock_matches_movements() -> list[str]:
    """Name every product whose stock is not the sum of its movements (empty: all agree)."""
    with db.database.connection_context():
        sums = dict(StockMovement.select(StockMovement.product, peewee.fn.SUM(StockMovement.delta))
                    .group_by(StockMovement.product).tuples())
        return [f"{p.sku}: stock {p.stock}, movements {sums.get(p.id, 0)}"
                for p in Product.select() if p.stock != sums.get(p.id, 0)]
