"""/api/v1/categories: the groups products belong to."""

from tinyapp.models import Category
from tinyapp.pagination import paginate
from tinyapp.schemas.catalog import CategorySchema
from tinyapp.schemas.common import ListQuery
from tinyapp.services import catalog
from tinyapp.services.common import get_row
from tinyapp.web.api.endpoint import Endpoint


def list_categories(query):
    """List categories by name."""
    return paginate(Category.select(), "name", query["limit"], query["cursor"])


def get_category(category_id):
    """Show one category."""
    return get_row(Category, category_id)


def create_category(body):
    """Add a category (names are unique)."""
    return catalog.create_category(body["name"])


def rename_category(category_id, body):
    """Rename a category."""
    return catalog.rename_category(category_id, body["name"])


def delete_category(category_id):
    """Delete a category that has no products."""
    catalog.delete_category(category_id)


ID = "/api/v1/categories/<category_id:int>"
ENDPOINTS = [
    Endpoint("GET", "/api/v1/categories", list_categories, "catalog:read", query=ListQuery,
             response=CategorySchema, many=True, cached_reads=("categories",)),
    Endpoint("POST", "/api/v1/categories", create_category, "catalog:write",
             body=CategorySchema, response=CategorySchema, status=201, errors=(409,)),
    Endpoint("GET", ID, get_category, "catalog:read", response=CategorySchema, errors=(404,)),
    Endpoint("PATCH", ID, rename_category, "catalog:write", body=CategorySchema,
             response=CategorySchema, errors=(404, 409)),
    Endpoint("DELETE", ID, delete_category, "catalog:write", status=204, errors=(404, 409)),
]
