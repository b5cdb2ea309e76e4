"""Categories, products and stock: what the API, the forms and the CSV import accept."""

from marshmallow import ValidationError, fields, post_load, validate, validates_schema

from tinyapp.models.base import MAX_STOCK
from tinyapp.schemas.common import Id, ListQuery, RefSchema, StrictSchema, sort_choices
from tinyapp.schemas.fields import (
    BIDI_CONTROLS,
    CONTROLS,
    INVISIBLE,
    LINE_BREAKS,
    SPACES,
    Flag,
    Money,
    Name,
    OptionalText,
    Text,
    UTCDateTime,
    WholeNumber,
)

SKU_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$"
BARCODE_PATTERN = r"^[!-~]{1,64}$"  # printable ASCII without spaces: EAN, UPC, Code 128


class CategorySchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    name = Name(100, required=True)
    created_at = UTCDateTime(dump_only=True)


class ProductSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    sku = Text(32, min_length=1, required=True, validate=[validate.Regexp(
        SKU_PATTERN, error="Use 1-32 letters, digits, '.', '_' or '-', starting with a "
                           "letter or digit.")])
    name = Name(200, required=True)
    barcode = OptionalText(64, allow_none=True, load_default=None, validate=[validate.Regexp(
        BARCODE_PATTERN, error="Type the code as printed under the bars: letters, digits "
                               "or symbols, no spaces.")],
        metadata={"description": "EAN, UPC or any code a scanner reads; unique."})
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


class ProductFilters(StrictSchema):
    """What a product list or export may be narrowed to."""

    category = Id(load_default=None)
    active = Flag(load_default=None)
    low_stock = Flag(load_default=False)
    q = Text(100, load_default=None, metadata={
        "description": "Words, or parts of words, of the SKU, name or barcode."})


class ProductListQuery(ProductFilters, ListQuery):
    sort = fields.String(load_default="name", validate=sort_choices(
        "name", "sku", "price", "stock", "created_at"))


class StockAdjustmentSchema(StrictSchema):
    product_id = Id(required=True)
    delta = WholeNumber(-MAX_STOCK, MAX_STOCK, required=True, validate=[
        validate.NoneOf([0], error="Must not be zero.")], metadata={"not": {"enum": [0]}})
    reason = Text(200, min_length=3, required=True)


STOCK_ACTIONS = ("count", "receive", "remove")


class StockActionSchema(StrictSchema):
    """The product page's stock form: count what is there, receive units, or remove some."""

    action = fields.String(required=True, validate=validate.OneOf(
        STOCK_ACTIONS, error="Choose count, receive or remove."))
    quantity = WholeNumber(0, MAX_STOCK, required=True)
    reason = Text(200, min_length=3, required=True)

    @validates_schema
    def _some_units_move(self, data, **kwargs):
        if data.get("action") in ("receive", "remove") and data.get("quantity") == 0:
            raise ValidationError({"quantity": ["Must be at least 1."]})


class StockCountSchema(StrictSchema):
    product_id = Id(required=True)
    counted = WholeNumber(0, MAX_STOCK, required=True, metadata={
        "description": "How many are on the shelf: the stock becomes this number."})
    reason = Text(200, min_length=3, required=True)


class MovementSchema(StrictSchema):
    id = fields.Integer()
    product_id = fields.Integer()
    delta = fields.Integer()
    reason = fields.String()
    order_id = fields.Integer(allow_none=True)
    user_id = fields.Integer(allow_none=True)
    created_at = UTCDateTime()


def _import_file_pattern() -> str:
    """The CSV file the OpenAPI document shows for the import: a header and one product.

    The import reads much more (any of COLUMNS in any order, up to 10,000 rows); this
    is the part a regular expression can state exactly: every file it matches imports.
    Only the SKU, a name (no comma, quote or line break, not starting with a space or a
    quote) and a price.
    """
    cell = CONTROLS + BIDI_CONTROLS + INVISIBLE + LINE_BREAKS + ',"'
    first = f"[^{CONTROLS}{BIDI_CONTROLS}{INVISIBLE}{LINE_BREAKS}{SPACES},\"']"
    sku = SKU_PATTERN.strip("^$")
    return (f"^sku,name,price\r?\n{sku},{first}[^{cell}]{{0,199}},"
            "[0-9]{1,8}(\\.[0-9]{1,2})?(\r?\n)?$")


IMPORT_FILE_PATTERN = _import_file_pattern()


class ImportResultSchema(StrictSchema):
    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
