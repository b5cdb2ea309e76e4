"""Who buys and what they ordered: customers, orders and order lines."""

import datetime as dt

import peewee

from tinyapp.models.accounts import User
from tinyapp.models.base import (
    MAX_MONEY_CENTS,
    MAX_QUANTITY,
    BaseModel,
    MoneyField,
    UTCDateTimeField,
    start_of_business_day,
    utcnow,
)
from tinyapp.models.catalog import Product
from tinyapp.models.search import SearchDocument
from tinyapp.prepared import Prepared, as_model

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
            query = query.where(cls.id.in_(SearchDocument.matching("customer", search)))
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
        constraints = [peewee.Check("total >= 0"), peewee.Check(f"total <= {MAX_MONEY_CENTS}")]

    @classmethod
    def listing(cls, status: str | None = None, customer_id: int | None = None,
                created_from: dt.date | None = None, created_to: dt.date | None = None,
                search: str | None = None) -> peewee.ModelSelect:
        """Select orders with their customer (one query), filtered as the order list allows."""
        # LEFT JOIN (every order has a customer, so the rows are the same): MySQL then reads
        # orders first, in the order of the sort index, instead of starting from customers.
        query = cls.select(cls, Customer).join(Customer, peewee.JOIN.LEFT_OUTER)
        if status is not None:
            query = query.where(cls.status == status)
        if customer_id is not None:
            query = query.where(cls.customer == customer_id)
        if created_from is not None:
            query = query.where(cls.created_at >= start_of_business_day(created_from))
        if created_to is not None:
            query = query.where(
                cls.created_at < start_of_business_day(created_to + dt.timedelta(days=1)))
        if search:  # the order's number and its customer's name
            query = query.where(cls.id.in_(SearchDocument.matching("order", search)))
        return query

    @classmethod
    def with_customer(cls, order_id: int) -> "Order | None":
        """Fetch an order with its customer's id and name (one query, built once)."""
        rows = _ORDER_WITH_CUSTOMER.rows(order_id=order_id)
        if not rows:
            return None
        values, customer = _split(rows[0], "customer__")
        order = as_model(cls, values)
        order.customer = as_model(Customer, customer)
        return order

    @classmethod
    def with_lines(cls, order_id: int) -> "Order | None":
        """Fetch an order with its customer, lines and their products (two queries).

        Every order page and every order write's answer reads it: both queries are
        built once (tinyapp/prepared.py) and their rows made into the objects here.
        """
        order = cls.with_customer(order_id)
        if order is None:
            return None
        # Replaces the lazy ``order.lines`` query with the lines, products joined.
        order.lines = []
        for row in _LINES_WITH_PRODUCTS.rows(order_id=order_id):
            values, product = _split(row, "product__")
            line = as_model(OrderLine, values)
            line.product = as_model(Product, product)
            order.lines.append(line)
        return order


class OrderLine(BaseModel):
    # No index of its own: the unique (order, product) index below starts with it, and
    # every engine finds an order's lines through that one. A second index on order
    # alone would answer nothing new and cost every order placed a write.
    order = peewee.ForeignKeyField(Order, backref="lines", on_delete="CASCADE", index=False)
    product = peewee.ForeignKeyField(Product, backref="order_lines", on_delete="RESTRICT")
    quantity = peewee.IntegerField(constraints=[peewee.Check("quantity > 0")])
    unit_price = MoneyField(constraints=[peewee.Check("unit_price >= 0")])

    class Meta:
        table_name = "order_lines"
        indexes = ((("order", "product"), True),)
        constraints = [peewee.Check(f"quantity <= {MAX_QUANTITY}"),
                       peewee.Check(f"unit_price <= {MAX_MONEY_CENTS}")]

    @property
    def line_total(self):
        return self.unit_price * self.quantity


class OrderSearchEntryDue(BaseModel):
    """An order whose search entry is still to be written (tinyapp/services/search.py).

    Written in the order's own transaction, so it commits exactly when the order does
    (one small row, where the entry itself is a dozen pages of index); the entries are
    then written many at a time, and always before an order search runs.
    """

    order = peewee.ForeignKeyField(Order, primary_key=True, on_delete="CASCADE")

    class Meta:
        table_name = "order_search_entries_due"


def _split(row: dict, prefix: str) -> tuple[dict, dict]:
    """A joined row's own columns, and those of the row it joined (named prefix + name)."""
    own = {k: v for k, v in row.items() if not k.startswith(prefix)}
    return own, {k[len(prefix):]: v for k, v in row.items() if k.startswith(prefix)}


_ORDER_WITH_CUSTOMER = Prepared(lambda order_id: (
    Order.select(Order, Customer.id.alias("customer__id"), Customer.name.alias("customer__name"))
    .join(Customer, peewee.JOIN.LEFT_OUTER).where(Order.id == order_id).dicts()))
_LINES_WITH_PRODUCTS = Prepared(lambda order_id: (
    OrderLine.select(OrderLine, *[f.alias(f"product__{f.name}") for f in (
        Product.id, Product.sku, Product.name, Product.price, Product.stock, Product.is_active)])
    .join(Product).where(OrderLine.order == order_id).order_by(OrderLine.id).dicts()))
