"""The stock ledger: every change of a product's stock, and why."""

import peewee

from tinyapp.models.accounts import User
from tinyapp.models.base import BaseModel, UTCDateTimeField, utcnow
from tinyapp.models.catalog import Product
from tinyapp.models.sales import Order


class StockMovement(BaseModel):
    """One change of a product's stock, with the reason: the product's stock ledger."""

    # Indexed together with id below, which also serves lookups by product alone.
    product = peewee.ForeignKeyField(Product, backref="movements", on_delete="RESTRICT",
                                     index=False)
    delta = peewee.IntegerField()
    reason = peewee.CharField(max_length=200)
    order = peewee.ForeignKeyField(Order, null=True, backref="movements",
                                   on_delete="RESTRICT")
    user = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = UTCDateTimeField(default=utcnow)

    class Meta:
        table_name = "stock_movements"
        indexes = ((("product", "id"), False),)

    @classmethod
    def for_product(cls, product_id: int) -> "peewee.ModelSelect":
        """Select a product's movements (its stock ledger)."""
        return cls.select().where(cls.product == product_id)

