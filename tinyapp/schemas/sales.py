"""Customers and orders: what the API, the forms and the CSV export speak."""

from marshmallow import fields, validate

from tinyapp.models import ORDER_STATUSES
from tinyapp.models.base import MAX_QUANTITY
from tinyapp.schemas.common import Id, ListQuery, RefSchema, StrictSchema, sort_choices
from tinyapp.schemas.fields import (
    Day,
    EmailOrBlank,
    Flag,
    Money,
    Name,
    Text,
    UTCDateTime,
    WholeNumber,
)

PHONE_PATTERN = r"^\+?[0-9][0-9 ()./-]{3,30}$"


class CustomerSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    name = Name(200, required=True)
    email = EmailOrBlank(allow_none=True, load_default=None)
    phone = Text(32, load_default="", validate=[validate.Regexp(
        PHONE_PATTERN + "|^$", error="Use digits, spaces and + ( ) . / -, e.g. "
                                     "+44 20 7946 0958.")])
    address = Text(1000, multiline=True, load_default="")
    notes = Text(5000, multiline=True, load_default="")
    is_active = Flag(load_default=True)
    version = fields.Integer(dump_only=True)
    created_at = UTCDateTime(dump_only=True)


class CustomerPatchSchema(CustomerSchema):
    version = WholeNumber(1, 2**31 - 1, required=True)


class CustomerFilters(StrictSchema):
    """What a customer list or export may be narrowed to."""

    active = Flag(load_default=None)
    q = Text(100, load_default=None, metadata={
        "description": "Words, or parts of words, of the name or e-mail address."})


class CustomerListQuery(CustomerFilters, ListQuery):
    sort = fields.String(load_default="name", validate=sort_choices("name", "created_at"))


class OrderLineInSchema(StrictSchema):
    product_id = Id(required=True)
    quantity = WholeNumber(1, MAX_QUANTITY, required=True)


class OrderCreateSchema(StrictSchema):
    customer_id = Id(required=True)
    lines = fields.List(fields.Nested(OrderLineInSchema), required=True,
                        validate=validate.Length(min=1, max=100,
                                                 error="An order has 1 to 100 lines."))
    notes = Text(5000, multiline=True, load_default="")


class OrderPatchSchema(StrictSchema):
    """Change a draft order: its customer, notes or lines (the new lines replace the old)."""

    customer_id = Id()
    lines = fields.List(fields.Nested(OrderLineInSchema),
                        validate=validate.Length(min=1, max=100,
                                                 error="An order has 1 to 100 lines."))
    notes = Text(5000, multiline=True)
    version = WholeNumber(1, 2**31 - 1, required=True)


class ProductRefSchema(RefSchema):
    sku = fields.String()


class OrderLineSchema(StrictSchema):
    id = fields.Integer()
    product = fields.Nested(ProductRefSchema)
    quantity = fields.Integer()
    unit_price = Money()
    line_total = Money()


class OrderSchema(StrictSchema):
    id = fields.Integer()
    number = fields.String()
    status = fields.String(validate=validate.OneOf(ORDER_STATUSES))
    customer = fields.Nested(RefSchema)
    notes = fields.String()
    total = Money()
    lines = fields.List(fields.Nested(OrderLineSchema))
    version = fields.Integer()
    created_at = UTCDateTime()
    placed_at = UTCDateTime(allow_none=True)
    closed_at = UTCDateTime(allow_none=True)


class OrderSummarySchema(OrderSchema):
    """An order in a list: everything but its lines."""

    class Meta:
        exclude = ("lines",)


class OrderFilters(StrictSchema):
    """What an order list or export may be narrowed to."""

    status = fields.String(load_default=None, validate=validate.OneOf(ORDER_STATUSES))
    customer = Id(load_default=None)
    created_from = Day(load_default=None, data_key="from")
    created_to = Day(load_default=None, data_key="to")
    q = Text(100, load_default=None, metadata={
        "description": "Words, or parts of words, of the order number or the customer's "
                       "name."})


class OrderListQuery(OrderFilters, ListQuery):
    sort = fields.String(load_default="-created_at",
                         validate=sort_choices("created_at", "number"))
