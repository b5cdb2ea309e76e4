"""What is sold: categories and products."""

import peewee

from tinyapp.models.base import BaseModel, MoneyField, UTCDateTimeField, utcnow


class Category(BaseModel):
    name = peewee.CharField(max_length=100, unique=True)
    created_at = UTCDateTimeField(default=utcnow)

    class Meta:
        table_name = "categories"


class Product(BaseModel):
    sku = peewee.CharField(max_length=32, unique=True)
    name = peewee.CharField(max_length=200, index=True)
    description = peewee.TextField(default="")
    category = peewee.ForeignKeyField(Category, null=True, backref="products",
                                      on_delete="RESTRICT")
    price = MoneyField(constraints=[peewee.Check("price >= 0")])
    # Never written directly: stock changes go through services.stock, which also
    # writes the StockMovement that explains them (stock == sum of movements).
    stock = peewee.IntegerField(default=0, constraints=[peewee.Check("stock >= 0")])
    reorder_level = peewee.IntegerField(default=0, constraints=[
        peewee.Check("reorder_level >= 0")])
    is_active = peewee.BooleanField(default=True)
    version = peewee.IntegerField(default=1)  # optimistic locking: bumped on every edit
    created_at = UTCDateTimeField(default=utcnow, index=True)
    updated_at = UTCDateTimeField(default=utcnow)

    class Meta:
        table_name = "products"
        indexes = ((("price", "id"), False), (("stock", "id"), False))
