"""Report parameters (a date range) and the shapes reports and search answer with."""

import datetime as dt
from decimal import Decimal

from marshmallow import fields, post_load, validate

from tinyapp.models import business_today
from tinyapp.schemas.common import StrictSchema
from tinyapp.schemas.fields import Day, Money, Text, WholeNumber

DEFAULT_DAYS = 30
# Sums over many orders: up to what a BIGINT of cents holds (17 digits and cents).
MAX_SUM = Decimal(2**63 - 1) / 100


class DateRangeQuery(StrictSchema):
    """``from`` and ``to`` (inclusive, YYYY-MM-DD); by default the last 30 days.

    Each is a day from 2000 to 2099, whatever the other says: a range whose start is
    after its end holds no days, and its report is empty (a rule the OpenAPI document
    can state, as it cannot state one between two parameters).
    """

    start = Day(data_key="from", load_default=None, metadata={
        "description": "First day (default: 29 days before 'to'). After 'to': no days."})
    end = Day(data_key="to", load_default=None, metadata={
        "description": "Last day, included (default: today, UTC)."})

    @post_load
    def _fill_defaults(self, data, **kwargs):
        end = data["end"] or business_today()
        start = data["start"] or end - dt.timedelta(days=DEFAULT_DAYS - 1)
        return {**data, "start": start, "end": end}


class SalesQuery(DateRangeQuery):
    period = fields.String(load_default="day", validate=validate.OneOf(["day", "month"]))


class TopProductsQuery(DateRangeQuery):
    limit = WholeNumber(1, 100, load_default=10)


class LimitQuery(StrictSchema):
    limit = WholeNumber(1, 500, load_default=50)


class SalesPointSchema(StrictSchema):
    period = fields.String()
    orders = fields.Integer()
    amount = Money(MAX_SUM)


class SalesReportSchema(StrictSchema):
    period = fields.String()
    start = fields.String(data_key="from", attribute="from")
    end = fields.String(data_key="to", attribute="to")
    items = fields.List(fields.Nested(SalesPointSchema))
    total_orders = fields.Integer()
    total_amount = Money(MAX_SUM)


class ProductFigureSchema(StrictSchema):
    product_id = fields.Integer()
    sku = fields.String()
    name = fields.String()
    quantity = fields.Integer()
    amount = Money(MAX_SUM)


class TopProductsSchema(StrictSchema):
    start = fields.String(data_key="from", attribute="from")
    end = fields.String(data_key="to", attribute="to")
    items = fields.List(fields.Nested(ProductFigureSchema))


class CategoryFigureSchema(StrictSchema):
    category_id = fields.Integer(allow_none=True)
    name = fields.String()
    quantity = fields.Integer()
    amount = Money(MAX_SUM)


class CategoriesReportSchema(StrictSchema):
    start = fields.String(data_key="from", attribute="from")
    end = fields.String(data_key="to", attribute="to")
    items = fields.List(fields.Nested(CategoryFigureSchema))


class LowStockItemSchema(StrictSchema):
    id = fields.Integer()
    sku = fields.String()
    name = fields.String()
    stock = fields.Integer()
    reorder_level = fields.Integer()


class LowStockSchema(StrictSchema):
    items = fields.List(fields.Nested(LowStockItemSchema))


class SuggestionSchema(StrictSchema):
    product_id = fields.Integer()
    sku = fields.String()
    name = fields.String()
    orders = fields.Integer(metadata={"description": "Sold orders that had both products."})


class SuggestionsSchema(StrictSchema):
    product_id = fields.Integer()
    items = fields.List(fields.Nested(SuggestionSchema))


class SearchQuery(StrictSchema):
    q = Text(100, min_length=1, required=True)
    limit = WholeNumber(1, 50, load_default=10)


class SearchHitSchema(StrictSchema):
    id = fields.Integer()
    name = fields.String()
    sku = fields.String(allow_none=True)
    email = fields.String(allow_none=True)


class SearchResultSchema(StrictSchema):
    q = fields.String()
    products = fields.List(fields.Nested(SearchHitSchema))
    customers = fields.List(fields.Nested(SearchHitSchema))


