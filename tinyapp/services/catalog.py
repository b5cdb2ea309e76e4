"""Categories and products: create, change, archive; every write one transaction."""

from marshmallow import ValidationError

from tinyapp import cache
from tinyapp.db import transactional
from tinyapp.errors import Conflict
from tinyapp.models import Category, Product, SearchTerm, User, utcnow
from tinyapp.services import audit
from tinyapp.services.common import get_row, insert_row, stale_or_missing
from tinyapp.services.stock import move_stock

# -- categories --

@transactional
def create_category(name: str, user: User | None = None) -> Category:
    """Add a category; names are unique."""
    _require_free_category_name(name)
    return insert_row(Category, name=name)


@transactional
def rename_category(category_id: int, name: str, user: User | None = None) -> Category:
    """Rename a category."""
    category = get_row(Category, category_id)
    if name != category.name:
        _require_free_category_name(name)
        category.name = name
        category.save()
        cache.invalidate("catalog")
    return category


@transactional
def delete_category(category_id: int, user: User | None = None) -> None:
    """Delete an empty category; one that still has products is refused."""
    category = get_row(Category, category_id)
    count = Product.select().where(Product.category == category).count()
    if count:
        raise Conflict(f"Category {category.name!r} still has {count} product(s); move "
                       "them to another category first.")
    category.delete_instance()
    cache.invalidate("catalog")
    audit.record("category.delete", user, "category", category_id, name=category.name)


def _require_free_category_name(name: str) -> None:
    if Category.select().where(Category.name == name).exists():
        raise Conflict(f"A category named {name!r} already exists.")


# -- products --

@transactional
def create_product(data: dict, user: User | None = None) -> Product:
    """Add a product; its opening stock is recorded as the first StockMovement."""
    data = dict(data)
    opening_stock = data.pop("stock", 0)
    _require_category(data.get("category_id"))
    _require_free_sku(data["sku"])
    product = insert_row(Product, **data, stock=0,
                         needs_reorder=opening_stock <= data.get("reorder_level", 0))
    if opening_stock:
        move_stock(product.id, opening_stock, "opening stock", user=user)
        product.stock = opening_stock
    SearchTerm.replace("product", product.id, product.sku, product.name)
    cache.invalidate("catalog")
    return product


@transactional
def update_product(product_id: int, changes: dict, version: int,
                   user: User | None = None) -> Product:
    """Change a product if ``version`` is still current (else StaleVersion); stock excluded."""
    if "stock" in changes:
        raise ValidationError({"stock": ["Change stock with a stock adjustment."]})
    if "category_id" in changes:
        _require_category(changes["category_id"])
    if "sku" in changes:
        _require_free_sku(changes["sku"], except_id=product_id)
    values = {getattr(Product, name): value for name, value in changes.items()}
    values.update({Product.version: Product.version + 1, Product.updated_at: utcnow()})
    if "reorder_level" in changes:
        values[Product.needs_reorder] = Product.stock <= changes["reorder_level"]
    changed = (Product.update(values)
               .where(Product.id == product_id, Product.version == version).execute())
    if not changed:
        raise stale_or_missing(Product, product_id, version)
    product = Product.get_by_id(product_id)
    if "sku" in changes or "name" in changes:
        SearchTerm.replace("product", product.id, product.sku, product.name)
    cache.invalidate("catalog")
    return product


@transactional
def archive_product(product_id: int, user: User | None = None) -> Product:
    """Hide a product from new orders; its history stays (products are never deleted)."""
    product = get_row(Product, product_id)
    if product.is_active:
        Product.update(is_active=False, version=Product.version + 1,
                       updated_at=utcnow()).where(Product.id == product_id).execute()
        audit.record("product.archive", user, "product", product_id, sku=product.sku)
        cache.invalidate("catalog")
    return Product.get_by_id(product_id)


def _require_category(category_id: int | None) -> None:
    if category_id is not None and not Category.select().where(
            Category.id == category_id).exists():
        raise ValidationError({"category_id": [f"No category with id {category_id}."]})


def _require_free_sku(sku: str, except_id: int | None = None) -> None:
    query = Product.select().where(Product.sku == sku)
    if except_id is not None:
        query = query.where(Product.id != except_id)
    if query.exists():
        raise Conflict(f"A product with SKU {sku} already exists.", field="sku")
