"""Helpers for the backup tests: rows of every kind through the services, and table checksums."""

import contextlib
import datetime as dt
import gzip
import hashlib
import json
from collections.abc import Iterator
from decimal import Decimal

import peewee

from tinyapp import db
from tinyapp.backup.manifest import read_manifest, write_manifest
from tinyapp.db import Database
from tinyapp.models import MODELS, CommitReceipt, Product, StockMovement
from tinyapp.services import accounts, catalog, customers, orders, stock


@contextlib.contextmanager
def pointed_at(url: str) -> Iterator[peewee.Database]:
    """Bind the database at url for a while (its own pool), then the one before again.

    For tests that read a restored database through the models.
    """
    target = Database(url, max_connections=2, timeout=30)
    try:
        with target.bound(), target.connection():
            yield target.peewee
    finally:
        target.close()


PASSWORD = "correct horse battery staple"
# Quotes, semicolons, brackets, backslashes and line breaks: what dump parsers trip on.
AWKWARD = "Crème brûlée 🍰 «quoted» 'single' \"double\" (paren; semi) back\\slash\nline two"


# Names that are different text, and so may all exist at once, on every engine.
NAMES_THAT_DIFFER = ["Cafe", "Café", "ABC", "abc", "Tools", "Tools "]


def fill(size: int = 3) -> dict:
    """Write users, sessions, tokens, categories, products, customers and orders of each status.

    Values cover the types a backup must keep: money from 0.01 up, NULLs, false
    booleans, unicode, microsecond times, JSON text. Runs on the proxy's database.
    """
    with db.database.connection_context():
        admin = accounts.create_user("zoe@example.com", "Zoë Ångström", PASSWORD, role="admin")
        accounts.set_preferences(admin, {"page_size": 20, "theme": "dark ☾"})
        accounts.log_in("zoe@example.com", PASSWORD, ip="192.0.2.7", user_agent="tests/1.0")
        accounts.create_token(admin, "nightly script")
        tools = catalog.create_category(AWKWARD[:60])
        for name in NAMES_THAT_DIFFER:  # equal under MariaDB's default collation, not here
            catalog.create_category(name)
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
        customers.create_customer({"name": "Cafe Café CAFE"})  # search words cafe, café
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
    whose collations differ: equal checksums mean equal data on any engine. Commit
    receipts are left out: every write transaction on a server adds one (a restore's
    own too), and they tell of transactions, not of the shop's data.
    """
    sums = {}
    with db.database.connection_context():
        for model in MODELS:
            if model is CommitReceipt:
                continue
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


# -- crafting backups, as an attacker or an unlucky operator would --

def reseal(folder) -> None:
    """Make the manifest agree with an edited payload again: size and sha256.

    Whoever can edit a backup can recompute its checksum too; the checksum proves
    only that nothing was damaged by accident.
    """
    manifest = read_manifest(folder)
    payload = folder / manifest.payload
    manifest.payload_bytes = payload.stat().st_size
    manifest.sha256 = hashlib.sha256(payload.read_bytes()).hexdigest()
    write_manifest(folder, manifest)


def edit_text_payload(folder, edit) -> None:
    """Rewrite a gzipped text payload (a dump, a portable file) with edit(text) -> text."""
    payload = folder / read_manifest(folder).payload
    with gzip.open(payload, "rt", encoding="utf-8", newline="\n") as handle:
        text = handle.read()
    with gzip.open(payload, "wt", encoding="utf-8", newline="\n") as handle:
        handle.write(edit(text))
    reseal(folder)
