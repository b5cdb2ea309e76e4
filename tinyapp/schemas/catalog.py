"""Categories, products and stock: what the API, the forms and the CSV import accept."""

from marshmallow import fields, post_load, validate

from tinyapp.schemas.common import Id, ListQuery, RefSchema, StrictSchema, sort_choices
from tinyapp.schemas.fields import Flag, Money, Text, UTCDateTime, WholeNumber

SKU_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$"
MAX_STOCK = 1_000_000


class CategorySchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    name = Text(100, min_length=1, required=True)
    created_at = UTCDateTime(dump_only=True)


class ProductSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    sku = Text(32, min_length=1, required=True, validate=[validate.Regexp(
        SKU_PATTERN, error="Use 1-32 letters, digits, '.', '_' or '-', starting with a "
                           "letter or digit.")])
    name = Text(200, min_length=1, required=True)
    description = Text(5000, multiline=True, load_default="")
    category_id = Id(allow_none=True, load_default=None)
    category = fields.Nested(RefSchema, dump_only=True, allow_none=True)
    price = Money(required=True)
    stock = WholeNumber(0, MAX_STOCK, load_default=0,
                        metadata={"description": "Initial stock on create; change it "
                                                 "later with a stock adjustment."})
    reorder_level = WholeNumber(0, MAX_STOCK, load_default=0)
    is_active = Flag(load_default=True)
    version = fields.Integer(dump_only=True)
    created_at = UTCDateTime(dump_only=True)
    updated_at = UTCDateTime(dump_only=True)

    @post_load
    def _upper_case_sku(self, data, **kwargs):
        """Store SKUs in capitals, so 'ab-1' and 'AB-1' are the same product."""
        if "sku" in data:
            data["sku"] = data["sku"].upper()
        return data


class ProductPatchSchema(ProductSchema):
    """Change some fields of a product; ``version`` must be the one you read."""

    version = WholeNumber(1, 2**31 - 1, required=True)

    class Meta:
        exclude = ("stock",)  # stock only changes through movements


class ProductListQuery(ListQuery):
    sort = fields.String(load_default="name", validate=sort_choices(
        "name", "sku", "price", "stock", "created_at"))
    category = Id(load_default=None)
    active = Flag(load_default=None)
    low_stock = Flag(load_default=False)
    q = Text(100, load_default=None)


class StockAdjustmentSchema(StrictSchema):
    product_id = Id(required=True)
    delta = WholeNumber(-MAX_STOCK, MAX_STOCK, required=True, validate=[
        validate.NoneOf([0], error="Must not be zero.")])
    reason = Text(200, min_length=3, required=True)


class MovementSchema(StrictSchema):
    id = fields.Integer()
    product_id = fields.Integer()
    delta = fields.Integer()
    reason = fields.String()
    order_id = fields.Integer(allow_none=True)
    user_id = fields.Integer(allow_none=True)
    created_at = UTCDateTime()


class ImportResultSchema(StrictSchema):
    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
