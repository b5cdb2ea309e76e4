"""/api/v1/products and /api/v1/stock-adjustments: the catalogue and its stock."""

from tinyapp import reports
from tinyapp.errors import NotFound
from tinyapp.models import Product, StockMovement
from tinyapp.pagination import paginate
from tinyapp.schemas.catalog import (
    MovementSchema,
    ProductListQuery,
    ProductPatchSchema,
    ProductSchema,
    StockAdjustmentSchema,
)
from tinyapp.schemas.common import ListQuery
from tinyapp.schemas.reports import SuggestionsSchema
from tinyapp.services import catalog, stock
from tinyapp.web.api.endpoint import Endpoint
from tinyapp.web.auth import current_user


def list_products(query):
    """List products, filtered and sorted, one page at a time."""
    products = Product.listing(category_id=query["category"], active=query["active"],
                               low_stock=query["low_stock"], search=query["q"])
    return paginate(products, query["sort"], query["limit"], query["cursor"])


def get_product(product_id):
    """Show one product."""
    return _product(product_id)


def create_product(body):
    """Add a product; its opening stock becomes its first stock movement."""
    product = catalog.create_product(body, user=current_user())
    return _product(product.id)


def update_product(product_id, body, version):
    """Change a product; send the version you read (409 if someone changed it since)."""
    catalog.update_product(product_id, body, version, user=current_user())
    return _product(product_id)


def archive_product(product_id):
    """Archive a product: it leaves the catalogue for new orders, its history stays."""
    catalog.archive_product(product_id, user=current_user())
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
    return stock.adjust_stock(body["product_id"], body["delta"], body["reason"],
                              user=current_user())


def _product(product_id: int) -> Product:
    product = Product.with_category(product_id)
    if product is None:
        raise NotFound(f"No product with id {product_id}.")
    return product


ID = "/api/v1/products/<product_id:int>"
ENDPOINTS = [
    Endpoint("GET", "/api/v1/products", list_products, "catalog:read",
             query=ProductListQuery, response=ProductSchema, many=True,
             cache_topics=("catalog", "stock")),
    Endpoint("POST", "/api/v1/products", create_product, "catalog:write",
             body=ProductSchema, response=ProductSchema, status=201, errors=(409,)),
    Endpoint("GET", ID, get_product, "catalog:read", response=ProductSchema, errors=(404,)),
    Endpoint("PATCH", ID, update_product, "catalog:write", body=ProductPatchSchema,
             patch=True, response=ProductSchema, errors=(404, 409)),
    Endpoint("DELETE", ID, archive_product, "catalog:write", response=ProductSchema,
             errors=(404,)),
    Endpoint("GET", ID + "/movements", list_movements, "catalog:read", query=ListQuery,
             response=MovementSchema, many=True, errors=(404,), cache_topics=("stock",)),
    Endpoint("GET", ID + "/suggestions", suggest_products, "catalog:read",
             response=SuggestionsSchema, errors=(404,)),
    Endpoint("POST", "/api/v1/stock-adjustments", adjust_stock, "catalog:write",
             body=StockAdjustmentSchema, response=MovementSchema, status=201,
             errors=(404, 409)),
]
