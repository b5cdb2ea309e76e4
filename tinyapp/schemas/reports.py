"""Report parameters (a date range) and the shapes reports and search answer with."""

import datetime as dt

from marshmallow import ValidationError, fields, post_load, validate

from tinyapp.schemas.common import StrictSchema
from tinyapp.schemas.fields import Money, Text, WholeNumber

DEFAULT_DAYS = 30
MAX_DAYS = {"day": 366, "month": 3660}


class DateRangeQuery(StrictSchema):
    """``from`` and ``to`` (inclusive, YYYY-MM-DD); by default the last 30 days."""

    start = fields.Date(data_key="from", load_default=None)
    end = fields.Date(data_key="to", load_default=None)

    @post_load
    def _fill_and_check(self, data, **kwargs):
        end = data["end"] or dt.datetime.now(dt.UTC).date()
        start = data["start"] or end - dt.timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            raise ValidationError({"from": ["Must not be after 'to'."]})
        longest = MAX_DAYS[data.get("period", "month")]
        if (end - start).days >= longest:
            raise ValidationError({"from": [f"The range may span at most {longest} days"
                                            + (" per day" if longest < 3660 else "") + "."]})
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
    amount = Money()


class SalesReportSchema(StrictSchema):
    period = fields.String()
    start = fields.String(data_key="from", attribute="from")
    end = fields.String(data_key="to", attribute="to")
    items = fields.List(fields.Nested(SalesPointSchema))
    total_orders = fields.Integer()
    total_amount = Money()


class ProductFigureSchema(StrictSchema):
    product_id = fields.Integer()
    sku = fields.String()
    name = fields.String()
    quantity = fields.Integer()
    amount = Money()


class TopProductsSchema(StrictSchema):
    start = fields.String(data_key="from", attribute="from")
    end = fields.String(data_key="to", attribute="to")
    items = fields.List(fields.Nested(ProductFigureSchema))


class CategoryFigureSchema(StrictSchema):
    category_id = fields.Integer(allow_none=True)
    name = fields.String()
    quantity = fields.Integer()
    amount = Money()


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


