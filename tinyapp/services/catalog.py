"""Categories and products: create, change, archive; each write one unit of work."""

from marshmallow import ValidationError

from tinyapp.errors import Conflict
from tinyapp.models import Category, Product, SearchDocument, utcnow
from tinyapp.schemas.common import UnknownReference
from tinyapp.services import stock
from tinyapp.services.common import get_row, insert_row, update_row, update_versioned
from tinyapp.unit_of_work import Work, unit_of_work

# -- categories --

@unit_of_work
def create_category(work: Work, name: str) -> Category:
    """Add a category; names are unique."""
    _require_free_category_name(name)
    return insert_row(work, Category, name=name)


@unit_of_work
def rename_category(work: Work, category_id: int, name: str) -> Category:
    """Rename a category."""
    category = get_row(Category, category_id)
    if name != category.name:
        _require_free_category_name(name)
        update_row(work, category, name=name)
    return category


@unit_of_work
def delete_category(work: Work, category_id: int) -> None:
    """Delete an empty category; one that still has products is refused."""
    category = get_row(Category, category_id)
    count = Product.select().where(Product.category == category).count()
    if count:
        raise Conflict(f"Category {category.name!r} still has {count} product(s); move "
                       "them to another category first.")
    category.delete_instance()
    work.deleted(category)


def _require_free_category_name(name: str) -> None:
    if Category.select().where(Category.name == name).exists():
        raise Conflict(f"A category named {name!r} already exists.")


# -- products --

@unit_of_work
def create_product(work: Work, data: dict) -> Product:
    """Add a product; its opening stock is recorded as the first StockMovement."""
    data = dict(data)
    opening_stock = data.pop("stock", 0)
    _require_category(data.get("category_id"))
    _require_free_sku(data["sku"])
    _require_free_barcode(data.get("barcode"))
    product = insert_row(work, Product, **data, stock=0,
                         needs_reorder=opening_stock <= data.get("reorder_level", 0))
    if opening_stock:
        stock.move(work, [(product.id, opening_stock)], "opening stock")
        product.stock = opening_stock
    SearchDocument.add("product", product.id, product.sku, product.name, product.barcode or "")
    return product


@unit_of_work
def update_product(work: Work, product_id: int, changes: dict, version: int) -> Product:
    """Change a product if ``version`` is still current (else StaleVersion); stock excluded."""
    if "stock" in changes:
        raise ValidationError({"stock": ["Change stock with a stock adjustment."]})
    if "category_id" in changes:
        _require_category(changes["category_id"])
    if "sku" in changes:
        _require_free_sku(changes["sku"], except_id=product_id)
    if "barcode" in changes:
        _require_free_barcode(changes["barcode"], except_id=product_id)
    computed = {"updated_at": utcnow()}
    if "reorder_level" in changes:
        computed["needs_reorder"] = Product.stock <= changes["reorder_level"]
    product = update_versioned(work, Product, product_id, changes, version, **computed)
    if changes.keys() & {"sku", "name", "barcode"}:
        _index(product)
    return product


@unit_of_work
def archive_product(work: Work, product_id: int) -> Product:
    """Hide a product from new orders; its history stays (products are never deleted)."""
    product = get_row(Product, product_id)
    if product.is_active:
        update_row(work, product, "archive", is_active=False, version=product.version + 1,
                   updated_at=utcnow())
    return product


@unit_of_work
def restore_product(work: Work, product_id: int) -> Product:
    """Offer an archived product for new orders again (undoing an archive)."""
    product = get_row(Product, product_id)
    if not product.is_active:
        update_row(work, product, "restore", is_active=True, version=product.version + 1,
                   updated_at=utcnow())
    return product


def _index(product: Product) -> None:
    """Make the product findable by any part of its SKU, name or barcode."""
    SearchDocument.replace("product", product.id, product.sku, product.name,
                           product.barcode or "")


def _require_category(category_id: int | None) -> None:
    if category_id is not None and not Category.select().where(
            Category.id == category_id).exists():
        raise UnknownReference({"category_id": [f"No category with id {category_id}."]})


def _require_free_sku(sku: str, except_id: int | None = None) -> None:
    query = Product.select().where(Product.sku == sku)
    if except_id is not None:
        query = query.where(Product.id != except_id)
    if query.exists():
        raise Conflict(f"A product with SKU {sku} already exists.", field="sku")


def _require_free_barcode(barcode: str | None, except_id: int | None = None) -> None:
    if barcode is None:
        return
    query = Product.select(Product.sku).where(Product.barcode == barcode)
    if except_id is not None:
        query = query.where(Product.id != except_id)
    taken = query.first()
    if taken is not None:
        raise Conflict(f"Barcode {barcode} is already on product {taken.sku}.",
                       field="barcode")
