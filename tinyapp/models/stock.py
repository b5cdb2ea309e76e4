"""The stock ledger: every change of a product's stock, and why."""

import peewee

from tinyapp.models.accounts import User
from tinyapp.models.base import MAX_STOCK, BaseModel, UTCDateTimeField, utcnow
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
        # Stock is 0..MAX_STOCK, so no change of it can be larger than that either way.
        constraints = [peewee.Check(f"delta >= -{MAX_STOCK}"),
                       peewee.Check(f"delta <= {MAX_STOCK}")]

    @classmethod
    def for_product(cls, product_id: int) -> "peewee.ModelSelect":
        """Select a product's movements (its stock ledger)."""
        return cls.select().where(cls.product == product_id)

    @classmethod
    def history(cls, product_id: int) -> "peewee.ModelSelect":
        """Select a product's movements with the name of who made each (one query)."""
        return (cls.select(cls, User.id, User.name).join(User, peewee.JOIN.LEFT_OUTER)
                .where(cls.product == product_id))

    @classmethod
    def balance_after(cls, product_id: int, movement_id: int) -> int:
        """The product's stock right after this movement: the sum of the ledger up to it."""
        return (cls.select(peewee.fn.COALESCE(peewee.fn.SUM(cls.delta), 0))
                .where(cls.product == product_id, cls.id <= movement_id).scalar())

