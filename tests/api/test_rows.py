"""The fast path of the product list dumps plain rows exactly as ProductSchema dumps objects."""

from tinyapp import db
from tinyapp.models import Product
from tinyapp.schemas.catalog import ProductSchema
from tinyapp.schemas.rows import RowDumper


def test_rows_dump_as_the_schema_dumps_the_same_products(api):
    tools = api.category("Tools")
    api.product("DR-1", price="12.50", name="Drill «S» ✓", category_id=tools["id"],
                barcode="4006381333931", description="two\nlines")
    api.product("BT-1", price="0", stock=0, name="Bits")  # no category: a LEFT JOIN miss
    with db.database.connection_context():
        rows = list(Product.listing_rows().order_by(Product.id))
        objects = list(Product.listing().order_by(Product.id))
    assert RowDumper(ProductSchema()).dump_many(rows) == ProductSchema(many=True).dump(objects)


def test_the_list_answers_the_fields_of_the_schema_in_its_order(api):
    api.product("DR-1")
    item = api.get("/api/v1/products").json["items"][0]
    assert list(item) == list(ProductSchema().dump_fields)
