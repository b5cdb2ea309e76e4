"""What is sold: categories and products."""

import peewee

from tinyapp.models.base import (
    MAX_MONEY_CENTS,
    MAX_STOCK,
    BaseModel,
    MoneyField,
    UTCDateTimeField,
    utcnow,
)
from tinyapp.models.search import SearchDocument


class Category(BaseModel):
    name = peewee.CharField(max_length=100, unique=True)
    created_at = UTCDateTimeField(default=utcnow)

    class Meta:
        table_name = "categories"

    @classmethod
    def by_name(cls) -> peewee.ModelSelect:
        return cls.select().order_by(cls.name)


class Product(BaseModel):
    sku = peewee.CharField(max_length=32, unique=True)
    name = peewee.CharField(max_length=200)
    barcode = peewee.CharField(max_length=64, null=True, unique=True)  # EAN, UPC or any
    description = peewee.TextField(default="")
    category = peewee.ForeignKeyField(Category, null=True, backref="products",
                                      on_delete="RESTRICT")
    price = MoneyField(constraints=[peewee.Check("price >= 0")])
    # stock <= reorder_level, kept up to date by the services so an index can find the
    # products to reorder (no index can compare two columns of a row). Declared before
    # stock on purpose: see services.stock.change_stock.
    needs_reorder = peewee.BooleanField(default=False)
    # Never written directly: stock changes go through services.stock, which also
    # writes the StockMovement that explains them (stock == sum of movements).
    stock = peewee.IntegerField(default=0, constraints=[peewee.Check("stock >= 0")])
    reorder_level = peewee.IntegerField(default=0, constraints=[
        peewee.Check("reorder_level >= 0")])
    is_active = peewee.BooleanField(default=True)
    version = peewee.IntegerField(default=1)  # optimistic locking: bumped on every edit
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)

    class Meta:
        table_name = "products"
        # One (column, id) index per sort of the product list: a page is read in index
        # order and the id breaks ties, so "the next 50 after X" is a single range.
        indexes = ((("name", "id"), False), (("price", "id"), False),
                   (("stock", "id"), False), (("created_at", "id"), False),
                   (("needs_reorder", "stock"), False))
        constraints = [peewee.Check(f"price <= {MAX_MONEY_CENTS}"),
                       peewee.Check(f"stock <= {MAX_STOCK}"),
                       peewee.Check(f"reorder_level <= {MAX_STOCK}")]

    @classmethod
    def listing(cls, category_id: int | None = None, active: bool | None = None,
                low_stock: bool = False, search: str | None = None) -> peewee.ModelSelect:
        """Select products with their category (one query), filtered as the list allows."""
        query = (cls.select(cls, Category)
                 .join(Category, peewee.JOIN.LEFT_OUTER, on=(cls.category == Category.id)))
        if category_id is not None:
            query = query.where(cls.category == category_id)
        if active is not None:
            query = query.where(cls.is_active == active)
        if low_stock:
            query = query.where(cls.needs_reorder == True)  # noqa: E712 - SQL, not Python
        if search:
            query = query.where(cls.id.in_(SearchDocument.matching("product", search)))
        return query

    @classmethod
    def listing_rows(cls, **filters) -> peewee.ModelSelect:
        """The same selection as plain rows (dicts), for tinyapp/schemas/dumpers.py to dump.

        Every column of the product under its own name (``category_id``), and the
        category's as ``category__id`` and ``category__name``.
        """
        columns = [f.alias(f.column_name) if isinstance(f, peewee.ForeignKeyField) else f
                   for f in cls._meta.sorted_fields]
        return cls.listing(**filters).select(
            *columns, Category.id.alias("category__id"),
            Category.name.alias("category__name")).dicts()

    @classmethod
    def with_category(cls, product_id: int) -> "Product | None":
        return cls.listing().where(cls.id == product_id).first()

    @classmethod
    def by_code(cls, code: str) -> "Product | None":
        """Find the product a scanner or a person names: by barcode, else by SKU."""
        code = code.strip()
        if not code:
            return None
        rows = list(cls.select().where((cls.barcode == code) | (cls.sku == code.upper())))
        # A barcode wins over another product's SKU that happens to read the same.
        return next((p for p in rows if p.barcode == code), rows[0] if rows else None)

    @classmethod
    def by_skus(cls, skus: list[str]) -> dict[str, "Product"]:
        """Find products by SKU (typed in any case); key them by their stored SKU."""
        wanted = {sku.strip().upper() for sku in skus if sku.strip()}
        if not wanted:
            return {}
        return {product.sku: product for product in cls.select().where(cls.sku.in_(wanted))}
