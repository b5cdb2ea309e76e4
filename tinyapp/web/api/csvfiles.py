"""CSV export of products and orders, and CSV import of products.

Exports stream: rows are read in keyset batches on a connection of their own, so a
100,000-product export never sits in memory. (The request's connection has already
gone back to the pool when Bottle starts sending the body.)
"""

import csv
import io

import bottle

from tinyapp.db import database
from tinyapp.models import Customer, Order, Product
from tinyapp.schemas.catalog import ImportResultSchema
from tinyapp.services import product_import
from tinyapp.services.product_import import COLUMNS
from tinyapp.web.api.endpoint import Endpoint, read_body
from tinyapp.web.auth import current_user
from tinyapp.web.errors import BadRequest

BATCH = 1000


def export_products():
    """All products as CSV (the same columns the import reads)."""
    def rows():
        last = 0
        while True:
            batch = list(Product.listing().where(Product.id > last)
                         .order_by(Product.id).limit(BATCH))
            if not batch:
                return
            for p in batch:
                yield [p.sku, p.name, p.description, p.category.name if p.category else "",
                       f"{p.price:.2f}", p.stock, p.reorder_level, str(p.is_active).lower()]
            last = batch[-1].id
    return _csv_response("products.csv", COLUMNS, rows)


def export_orders():
    """All orders as CSV: number, status, customer, times and total."""
    def rows():
        last = 0
        while True:
            batch = list(Order.select(Order, Customer).join(Customer)
                         .where(Order.id > last).order_by(Order.id).limit(BATCH))
            if not batch:
                return
            for o in batch:
                yield [o.number, o.status, o.customer.name, _iso(o.created_at),
                       _iso(o.placed_at), _iso(o.closed_at), f"{o.total:.2f}"]
            last = batch[-1].id
    header = ("number", "status", "customer", "created_at", "placed_at", "closed_at", "total")
    return _csv_response("orders.csv", header, rows)


def import_products():
    """Create or update products from a CSV file (text/csv body): all rows, or none."""
    raw = read_body(("text/csv",))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadRequest("The CSV file is not UTF-8 text.") from None
    return product_import.import_products(text, user=current_user())


def _iso(moment) -> str:
    return moment.isoformat() if moment else ""


def _csv_response(filename: str, header, rows) -> bottle.HTTPResponse:
    def stream():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        with database.connection_context():
            for row in rows():
                writer.writerow(row)
                if buffer.tell() > 64_000:
                    yield buffer.getvalue().encode()
                    buffer.seek(0)
                    buffer.truncate()
        yield buffer.getvalue().encode()

    return bottle.HTTPResponse(stream(), headers={
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="{filename}"'})


ENDPOINTS = [
    Endpoint("GET", "/api/v1/exports/products.csv", export_products, "catalog:read",
             produces="text/csv"),
    Endpoint("GET", "/api/v1/exports/orders.csv", export_orders, "orders:read",
             produces="text/csv"),
    Endpoint("POST", "/api/v1/imports/products", import_products, "catalog:write",
             consumes="text/csv", response=ImportResultSchema, errors=(409, 413, 415, 422)),
]
