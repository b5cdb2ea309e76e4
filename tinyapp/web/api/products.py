"""/api/v1/products and /api/v1/stock-adjustments: the catalogue and its stock."""

from tinyapp import reports
from tinyapp.errors import NotFound
from tinyapp.models import Product, StockMovement
from tinyapp.pagination import Shaped, paginate
from tinyapp.schemas.catalog import (
    MovementSchema,
    ProductListQuery,
    ProductPatchSchema,
    ProductSchema,
    StockAdjustmentSchema,
    StockCountSchema,
)
from tinyapp.schemas.common import ListQuery
from tinyapp.schemas.history import AsOfQuery
from tinyapp.schemas.reports import SuggestionsSchema
from tinyapp.services import catalog, history, stock
from tinyapp.web.api.endpoint import Endpoint


def list_products(query):
    """List products, filtered and sorted, one page at a time.

    Without a search, the query is one of a few shapes (which filters are used), each
    built and compiled once (pagination.Shaped); a search's SQL depends on its words.
    """
    if query["q"]:
        products = Product.listing_rows(category_id=query["category"], active=query["active"],
                                        low_stock=query["low_stock"], search=query["q"])
    else:
        low_stock = query["low_stock"]
        values = {name: query[key] for name, key in (("category_id", "category"),
                                                     ("active", "active"))
                  if query[key] is not None}
        products = Shaped(("products", low_stock, *sorted(values)), Product, values=values,
                          build=lambda **filters: Product.listing_rows(low_stock=low_stock,
                                                                       **filters))
    return paginate(products, query["sort"], query["limit"], query["cursor"])


def get_product(product_id, query):
    """Show one product, as it is or (``as_of``) as it was at a past time."""
    if query["as_of"] is not None:
        return history.product_as_of(product_id, query["as_of"])
    return _product(product_id)


def create_product(body):
    """Add a product; its opening stock becomes its first stock movement."""
    product = catalog.create_product(body)
    return _product(product.id)


def update_product(product_id, body, version):
    """Change a product; send the version you read (409 if someone changed it since)."""
    catalog.update_product(product_id, body, version)
    return _product(product_id)


def archive_product(product_id):
    """Archive a product: it leaves the catalogue for new orders, its history stays."""
    catalog.archive_product(product_id)
    return _product(product_id)


def restore_product(product_id):
    """Offer an archived product for new orders again."""
    catalog.restore_product(product_id)
    return _product(product_id)


def list_movements(product_id, query):
    """List a product's stock movements, newest first."""
    _product(product_id)
    return paginate(StockMovement.for_product(product_id), "-id", query["limit"],
                    query["cursor"])


def suggest_products(product_id):
    """Products most often bought together with this one."""
    _product(product_id)
    return reports.suggestions(product_id)


def adjust_stock(body):
    """Correct a product's stock (count, delivery, breakage), with the reason."""
    return stock.adjust_stock(body["product_id"], body["delta"], body["reason"])


def count_stock(body):
    """Record a stock count: the stock becomes the counted number (a match is recorded too)."""
    return stock.count_stock(body["product_id"], body["counted"], body["reason"])


def _product(product_id: int) -> Product:
    product = Product.with_category(product_id)
    if product is None:
        raise NotFound(f"No product with id {product_id}.")
    return product


ID = "/api/v1/products/<product_id:int>"
ENDPOINTS = [
    Endpoint("GET", "/api/v1/products", list_products, "catalog:read",
             query=ProductListQuery, response=ProductSchema, many=True, rows=True,
             cached_reads=("products", "categories",
                                                         "search_documents", "search_terms")),
    Endpoint("POST", "/api/v1/products", create_product, "catalog:write",
             body=ProductSchema, response=ProductSchema, status=201, errors=(409,)),
    Endpoint("GET", ID, get_product, "catalog:read", query=AsOfQuery, response=ProductSchema,
             errors=(404,)),
    Endpoint("PATCH", ID, update_product, "catalog:write", body=ProductPatchSchema,
             patch=True, response=ProductSchema, errors=(404, 409)),
    Endpoint("DELETE", ID, archive_product, "catalog:write", response=ProductSchema,
             errors=(404,)),
    Endpoint("POST", ID + "/restore", restore_product, "catalog:write",
             response=ProductSchema, errors=(404,)),
    Endpoint("GET", ID + "/movements", list_movements, "catalog:read", query=ListQuery,
             response=MovementSchema, many=True, errors=(404,), cached_reads=("stock_movements",)),
    Endpoint("GET", ID + "/suggestions", suggest_products, "catalog:read",
             response=SuggestionsSchema, errors=(404,)),
    Endpoint("POST", "/api/v1/stock-adjustments", adjust_stock, "catalog:write",
             body=StockAdjustmentSchema, response=MovementSchema, status=201,
             errors=(404, 409)),
    Endpoint("POST", "/api/v1/stock-counts", count_stock, "catalog:write",
             body=StockCountSchema, response=MovementSchema, status=201, errors=(404,)),
]
