"""Who buys and what they ordered: customers, orders and order lines."""

import peewee

from tinyapp.models.accounts import User
from tinyapp.models.base import BaseModel, MoneyField, UTCDateTimeField, utcnow
from tinyapp.models.catalog import Product

ORDER_STATUSES = ("draft", "placed", "fulfilled", "cancelled")


class Customer(BaseModel):
    name = peewee.CharField(max_length=200, index=True)
    email = peewee.CharField(max_length=254, null=True, index=True)
    phone = peewee.CharField(max_length=32, default="")
    address = peewee.TextField(default="")
    notes = peewee.TextField(default="")
    is_active = peewee.BooleanField(default=True)
    version = peewee.IntegerField(default=1)
    created_at = UTCDateTimeField(default=utcnow)

    class Meta:
        table_name = "customers"


class Order(BaseModel):
    number = peewee.CharField(max_length=20, unique=True)
    customer = peewee.ForeignKeyField(Customer, backref="orders", on_delete="RESTRICT")
    status = peewee.CharField(max_length=10, default="draft", constraints=[
        peewee.Check("status IN ('draft', 'placed', 'fulfilled', 'cancelled')")])
    notes = peewee.TextField(default="")
    total = MoneyField(default=0)
    created_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = UTCDateTimeField(default=utcnow, index=True)
    placed_at = UTCDateTimeField(null=True, index=True)
    closed_at = UTCDateTimeField(null=True)  # when fulfilled or cancelled
    version = peewee.IntegerField(default=1)

    class Meta:
        table_name = "orders"
        indexes = ((("status", "placed_at"), False),)


class OrderLine(BaseModel):
    order = peewee.ForeignKeyField(Order, backref="lines", on_delete="CASCADE")
    product = peewee.ForeignKeyField(Product, backref="order_lines", on_delete="RESTRICT")
    quantity = peewee.IntegerField(constraints=[peewee.Check("quantity > 0")])
    unit_price = MoneyField(constraints=[peewee.Check("unit_price >= 0")])

    class Meta:
        table_name = "order_lines"
        indexes = ((("order", "product"), True),)
