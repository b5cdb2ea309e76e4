"""CSV export of products, customers and orders, and CSV import of products.

Every exported cell goes through ``csv_cells.to_cell``: no spreadsheet runs it as a formula.

Exports take the same filters as the lists (the list pages' "Export CSV" buttons pass
theirs on) and stream: rows are read in keyset batches on a connection of their own,
so a 100,000-product export never sits in memory. (The request's connection has
already gone back to the pool when Bottle starts sending the body.)
"""

import csv
import io

import bottle

from tinyapp import reports
from tinyapp.csv_cells import to_cell
from tinyapp.db import database
from tinyapp.models import Customer, Order, Product
from tinyapp.schemas.catalog import IMPORT_FILE_PATTERN, ImportResultSchema, ProductFilters
from tinyapp.schemas.reports import DateRangeQuery, SalesQuery, TopProductsQuery
from tinyapp.schemas.sales import CustomerFilters, OrderFilters
from tinyapp.services import orders, product_import
from tinyapp.services.product_import import COLUMNS
from tinyapp.web.api.endpoint import Endpoint, read_body
from tinyapp.web.errors import BadRequest

BATCH = 1000


def export_products(query):
    """The products (all, or those the filters select) as CSV: the columns the import reads."""
    found = Product.listing(category_id=query["category"], active=query["active"],
                            low_stock=query["low_stock"], search=query["q"])

    def rows():
        for p in _batches(found, Product):
            yield [p.sku, p.name, p.barcode or "", p.description,
                   p.category.name if p.category else "", f"{p.price:.2f}", p.stock,
                   p.reorder_level, str(p.is_active).lower()]
    return _csv_response("products.csv", COLUMNS, rows)


def export_customers(query):
    """The customers (all, or those the filters select) as CSV."""
    found = Customer.listing(active=query["active"], search=query["q"])

    def rows():
        for c in _batches(found, Customer):
            yield [c.name, c.email or "", c.phone, c.address, c.notes,
                   str(c.is_active).lower(), _iso(c.created_at)]
    header = ("name", "email", "phone", "address", "notes", "is_active", "created_at")
    return _csv_response("customers.csv", header, rows)


def export_orders(query):
    """The orders (all, or those the filters select) as CSV: number, status, customer,
    times and total."""
    found = orders.listing(status=query["status"], customer_id=query["customer"],
                           created_from=query["created_from"],
                           created_to=query["created_to"], search=query["q"])

    def rows():
        for o in _batches(found, Order):
            yield [o.number, o.status, o.customer.name, _iso(o.created_at),
                   _iso(o.placed_at), _iso(o.closed_at), f"{o.total:.2f}"]
    header = ("number", "status", "customer", "created_at", "placed_at", "closed_at", "total")
    return _csv_response("orders.csv", header, rows)


def _batches(query, model):
    """Yield the query's rows in id order, BATCH at a time (keyset: each batch starts
    after the last id of the one before)."""
    last = 0
    while True:
        batch = list(query.where(model.id > last).order_by(model.id).limit(BATCH))
        yield from batch
        if len(batch) < BATCH:
            return
        last = batch[-1].id


def export_sales(query):
    """Sales per day or month over a date range, as CSV (the reports page's numbers)."""
    report = reports.sales(query["period"], query["start"], query["end"])
    return _csv_response("sales.csv", ("period", "orders", "amount"), lambda: (
        [item["period"], item["orders"], item["amount"]] for item in report["items"]))


def export_top_products(query):
    """The products that brought in the most money over a date range, as CSV."""
    report = reports.top_products(query["start"], query["end"], query["limit"])
    return _csv_response("top-products.csv", ("sku", "name", "quantity", "amount"), lambda: (
        [item["sku"], item["name"], item["quantity"], item["amount"]]
        for item in report["items"]))


def export_categories(query):
    """Money and units sold per category over a date range, as CSV."""
    report = reports.sales_by_category(query["start"], query["end"])
    return _csv_response("categories.csv", ("category", "quantity", "amount"), lambda: (
        [item["name"], item["quantity"], item["amount"]] for item in report["items"]))


def import_products():
    """Create or update products from a CSV file (text/csv body): all rows, or none."""
    raw = read_body(("text/csv",))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadRequest("The CSV file is not UTF-8 text.") from None
    return product_import.import_products(text)


def _iso(moment) -> str:
    return moment.isoformat() if moment else ""


def _csv_response(filename: str, header, rows) -> bottle.HTTPResponse:
    def stream():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        with database.connection_context():
            for row in rows():
                writer.writerow([to_cell(value) for value in row])
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
             query=ProductFilters, produces="text/csv"),
    Endpoint("GET", "/api/v1/exports/customers.csv", export_customers, "customers:read",
             query=CustomerFilters, produces="text/csv"),
    Endpoint("GET", "/api/v1/exports/orders.csv", export_orders, "orders:read",
             query=OrderFilters, produces="text/csv"),
    Endpoint("GET", "/api/v1/exports/sales.csv", export_sales, "reports:read",
             query=SalesQuery, produces="text/csv"),
    Endpoint("GET", "/api/v1/exports/top-products.csv", export_top_products, "reports:read",
             query=TopProductsQuery, produces="text/csv"),
    Endpoint("GET", "/api/v1/exports/categories.csv", export_categories, "reports:read",
             query=DateRangeQuery, produces="text/csv"),
    Endpoint("POST", "/api/v1/imports/products", import_products, "catalog:write",
             consumes="text/csv", body_pattern=IMPORT_FILE_PATTERN,
             response=ImportResultSchema, errors=(409, 413, 415, 422)),
]
