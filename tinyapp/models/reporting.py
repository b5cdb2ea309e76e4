"""Figures kept up to date as orders are placed and cancelled, so reports stay fast.

Summing orders and their lines over a date range reads every order in it, which grows
with the shop's history (a year at the large demo size: 170,000 orders). These tables
hold what was sold per day, and per product per day, written in the same transaction
as the order they count, so reports read a few rows per day instead: a classic
denormalisation for reporting. The orders and their lines stay the source of truth.
"""

import peewee

from tinyapp.models.base import BaseModel, MoneyField
from tinyapp.models.catalog import Category, Product


class DailySales(BaseModel):
    day = peewee.DateField(primary_key=True)  # the business day (TIMEZONE) of the orders
    orders = peewee.IntegerField(default=0)
    amount = MoneyField(default=0)

    class Meta:
        table_name = "daily_sales"


class ProductDailySales(BaseModel):
    day = peewee.DateField()  # the business day (TIMEZONE) the order was placed
    product = peewee.ForeignKeyField(Product, on_delete="RESTRICT", index=False)
    # The category when sold: reports show history as it was, whatever moves later.
    category = peewee.ForeignKeyField(Category, null=True, on_delete="SET NULL")
    quantity = peewee.IntegerField(default=0)
    amount = MoneyField(default=0)

    class Meta:
        table_name = "product_daily_sales"
        primary_key = peewee.CompositeKey("day", "product")
        indexes = ((("product", "day"), False),)


class AppState(BaseModel):
    """Facts about the stored data: ``figures_timezone``, the zone of the figures' days."""

    key = peewee.CharField(max_length=50, primary_key=True)
    value = peewee.CharField(max_length=200)

    class Meta:
        table_name = "app_state"

    @classmethod
    def get_value(cls, key: str, default: str) -> str:
        row = cls.get_or_none(cls.key == key)
        return default if row is None else row.value
