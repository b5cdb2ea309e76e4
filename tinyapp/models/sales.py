"""Who buys and what they ordered: customers, orders and order lines."""

import datetime as dt

import peewee

from tinyapp.models.accounts import User
from tinyapp.models.base import BaseModel, MoneyField, UTCDateTimeField, utcnow
from tinyapp.models.catalog import Product
from tinyapp.models.search import SearchTerm

ORDER_STATUSES = ("draft", "placed", "fulfilled", "cancelled")


class Customer(BaseModel):
    name = peewee.CharField(max_length=200)
    email = peewee.CharField(max_length=254, null=True, index=True)
    phone = peewee.CharField(max_length=32, default="")
    address = peewee.TextField(default="")
    notes = peewee.TextField(default="")
    is_active = peewee.BooleanField(default=True)
    version = peewee.IntegerField(default=1)
    created_at = UTCDateTimeField(default=utcnow)

    class Meta:
        table_name = "customers"
        indexes = ((("name", "id"), False), (("created_at", "id"), False))

    @classmethod
    def listing(cls, active: bool | None = None, search: str | None = None
                ) -> peewee.ModelSelect:
        """Select customers, filtered as the customer list allows."""
        query = cls.select()
        if active is not None:
            query = query.where(cls.is_active == active)
        if search:
            query = query.where(cls.id.in_(SearchTerm.matching("customer", search)))
        return query


class Order(BaseModel):
    number = peewee.CharField(max_length=20, unique=True)
    customer = peewee.ForeignKeyField(Customer, backref="orders", on_delete="RESTRICT")
    status = peewee.CharField(max_length=10, default="draft", constraints=[
        peewee.Check("status IN ('draft', 'placed', 'fulfilled', 'cancelled')")])
    notes = peewee.TextField(default="")
    total = MoneyField(default=0)
    created_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = UTCDateTimeField(default=utcnow)
    placed_at = UTCDateTimeField(null=True, index=True)
    closed_at = UTCDateTimeField(null=True)  # when fulfilled or cancelled
    version = peewee.IntegerField(default=1)

    class Meta:
        table_name = "orders"
        indexes = ((("status", "placed_at"), False), (("created_at", "id"), False))

    @classmethod
    def listing(cls, status: str | None = None, customer_id: int | None = None,
                created_from: dt.date | None = None, created_to: dt.date | None = None
                ) -> peewee.ModelSelect:
        """Select orders with their customer (one query), filtered as the order list allows."""
        # LEFT JOIN (every order has a customer, so the rows are the same): MySQL then reads
        # orders first, in the order of the sort index, instead of starting from customers.
        query = cls.select(cls, Customer).join(Customer, peewee.JOIN.LEFT_OUTER)
        if status is not None:
            query = query.where(cls.status == status)
        if customer_id is not None:
            query = query.where(cls.customer == customer_id)
        if created_from is not None:
            query = query.where(cls.created_at >= _midnight(created_from))
        if created_to is not None:
            query = query.where(cls.created_at < _midnight(created_to + dt.timedelta(days=1)))
        return query

    @classmethod
    def with_lines(cls, order_id: int) -> "Order | None":
        """Fetch an order with its customer, lines and their products (two queries)."""
        order = (cls.select(cls, Customer.id, Customer.name)
                 .join(Customer, peewee.JOIN.LEFT_OUTER).where(cls.id == order_id).first())
        if order is not None:
            # Replaces the lazy ``order.lines`` query with the lines, products joined.
            order.lines = list(OrderLine.select(OrderLine, Product.id, Product.sku,
                                                Product.name)
                               .join(Product).where(OrderLine.order == order_id)
                               .order_by(OrderLine.id))
        return order


class OrderLine(BaseModel):
    order = peewee.ForeignKeyField(Order, backref="lines", on_delete="CASCADE")
    product = peewee.ForeignKeyField(Product, backref="order_lines", on_delete="RESTRICT")
    quantity = peewee.IntegerField(constraints=[peewee.Check("quantity > 0")])
    unit_price = MoneyField(constraints=[peewee.Check("unit_price >= 0")])

    class Meta:
        table_name = "order_lines"
        indexes = ((("order", "product"), True),)

    @property
    def line_total(self):
        return self.unit_price * self.quantity


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
