"""Figures kept up to date as orders are placed and cancelled, so reports stay fast.

Summing order lines over a date range means joining every line of every order in it,
which grows with the shop's history. This table holds one row per product per day
with what was sold, written in the same transaction as the order it counts, so top
products and sales per category read a few rows per day instead (a classic
denormalisation for reporting; the order lines stay the source of truth).
"""

import peewee

from tinyapp.models.base import BaseModel, MoneyField
from tinyapp.models.catalog import Category, Product


class ProductDailySales(BaseModel):
    day = peewee.DateField()  # the UTC day the order was placed
    product = peewee.ForeignKeyField(Product, on_delete="RESTRICT", index=False)
    # The category when sold: reports show history as it was, whatever moves later.
    category = peewee.ForeignKeyField(Category, null=True, on_delete="SET NULL")
    quantity = peewee.IntegerField(default=0)
    amount = MoneyField(default=0)

    class Meta:
        table_name = "product_daily_sales"
        primary_key = peewee.CompositeKey("day", "product")
        indexes = ((("product", "day"), False),)
