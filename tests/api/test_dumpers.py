"""The API's dumpers answer exactly what marshmallow's schema.dump answers."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from marshmallow import Schema, fields, post_dump
from marshmallow.utils import get_value

from tests.api.test_query_counts import LISTS, add_rows
from tinyapp import db
from tinyapp.models import Product, User
from tinyapp.schemas.catalog import ProductSchema
from tinyapp.schemas.dumpers import ObjectDumper, RowDumper
from tinyapp.schemas.fields import Money, UTCDateTime
from tinyapp.web.api import endpoint


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


# -- every kind of field, against marshmallow itself --

class Shouting(fields.String):
    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else f"{value.upper()}! ({attr})"


class Ref(Schema):
    id = fields.Integer()
    name = fields.String()


class EveryKind(Schema):
    text = fields.String()
    number = fields.Integer()
    truth = fields.Boolean()
    as_text = fields.Integer(as_string=True)
    shouted = Shouting()
    money = Money()
    moment = UTCDateTime(allow_none=True)
    renamed = fields.String(data_key="called")
    elsewhere = fields.String(attribute="other")
    dotted = fields.String(attribute="ref.name")
    absent = fields.String()
    absent_with_default = fields.String(dump_default="none given")
    absent_with_callable = fields.Integer(dump_default=lambda: 7)
    method = fields.Method("describe")
    function = fields.Function(lambda obj: f"function of {get_value(obj, 'text')}")
    ref = fields.Nested(Ref)
    no_ref = fields.Nested(Ref, allow_none=True)
    refs = fields.Nested(Ref, many=True)
    ref_list = fields.List(fields.Nested(Ref, allow_none=True))
    only_names = fields.Nested(Ref, only=("name",))
    plucked = fields.Pluck(Ref, "name", attribute="ref", dump_only=True)
    words = fields.List(fields.String())
    amounts = fields.List(Money())
    mapping = fields.Dict()

    def describe(self, obj):
        return f"method of {get_value(obj, 'text')}"


def every_kind(**changes):
    ref = SimpleNamespace(id=1, name="one")
    values = {"text": "plain", "number": True, "truth": 1, "as_text": 12, "shouted": "hey",
              "money": Decimal("3.5"), "moment": dt.datetime(2026, 1, 2, 3, 4, 5),
              "renamed": "r", "other": "o", "ref": ref, "no_ref": None,
              "refs": [ref, SimpleNamespace(id=2, name="two")], "ref_list": [ref, None],
              "only_names": ref, "words": ["a", 1], "amounts": [1, Decimal("2.25")],
              "mapping": {"k": [1]}, **changes}
    return values


@pytest.mark.parametrize("shape", [SimpleNamespace, dict], ids=["object", "dict"])
def test_an_object_dumper_answers_every_kind_of_field_as_marshmallow(shape):
    objects = [shape(**every_kind()), shape(**every_kind(number=3, truth=False, moment=None,
                                                          words=None, money=None))]
    dumper = ObjectDumper(EveryKind())
    assert dumper.dump(objects[0]) == EveryKind().dump(objects[0])
    assert dumper.dump_many(objects) == EveryKind(many=True).dump(objects)
    assert "absent" not in dumper.dump(objects[0])  # not found, no default: left out
    assert list(dumper.dump(objects[0])) == list(EveryKind().dump(objects[0]))


class Hooked(Schema):
    id = fields.Integer()

    @post_dump(pass_collection=True)
    def wrap(self, data, **kwargs):
        return {"wrapped": data}


def test_a_schema_with_dump_hooks_is_dumped_by_marshmallow_itself():
    objects = [SimpleNamespace(id=1), SimpleNamespace(id=2)]
    assert ObjectDumper(Hooked()).dump(objects[0]) == Hooked().dump(objects[0])
    assert ObjectDumper(Hooked()).dump_many(objects) == Hooked(many=True).dump(objects)


# -- the API's own answers --

@pytest.fixture
def compared(monkeypatch):
    """Make every API answer dumped by an ObjectDumper also by marshmallow, and note any
    difference (the answers themselves stay the dumper's)."""
    differences, dumped = [], set()

    class Compared(ObjectDumper):
        def dump(self, obj):
            mine, theirs = super().dump(obj), self.schema.dump(obj, many=False)
            dumped.add(type(self.schema).__name__)
            if mine != theirs:
                differences.append((type(self.schema).__name__, mine, theirs))
            return mine

    made = endpoint._dumper.__wrapped__
    monkeypatch.setattr(endpoint, "_dumper", lambda schema_class, rows: (
        made(schema_class, rows) if rows else Compared(schema_class())))
    return SimpleNamespace(differences=differences, dumped=dumped)


def test_every_api_answer_is_what_its_schema_dumps(api_as, compared):
    admin = api_as("admin")
    tools = admin.category("Tools")
    drill = admin.product("DR-1", price="12.50", category_id=tools["id"], barcode="4006381333931")
    bits = admin.product("BT-1", price="0.99", stock=5)
    ada = admin.customer("Ada Lovelace", email="ada@example.org", phone="+44 20 7946 0958")
    draft = admin.order(ada["id"], (drill["id"], 2), (bits["id"], 1))
    draft = admin.patch(f"/api/v1/orders/{draft['id']}",
                        {"notes": "by noon", "version": draft["version"]}).json
    placed = admin.post(f"/api/v1/orders/{draft['id']}/place").json
    admin.post(f"/api/v1/orders/{placed['id']}/fulfill")
    cancelled = admin.placed_order(ada["id"], (bits["id"], 1))
    admin.post(f"/api/v1/orders/{cancelled['id']}/cancel")
    admin.post("/api/v1/stock-adjustments", {"product_id": bits["id"], "delta": 3,
                                             "reason": "found"}, status=201)
    admin.patch(f"/api/v1/products/{drill['id']}", {"name": "Drill", "version": 1})
    admin.post("/api/v1/webhooks", {"url": "https://hooks.example.org/in",
                                    "events": ["order.placed"]}, status=201)
    with db.database.connection_context():
        user = User.get(User.role == "admin")
    first = add_rows(3, user)

    history = admin.get("/api/v1/history").json["items"]
    for path in [*LISTS, f"/api/v1/orders/{placed['id']}", f"/api/v1/products/{drill['id']}",
                 f"/api/v1/customers/{ada['id']}", f"/api/v1/categories/{tools['id']}",
                 f"/api/v1/history/{history[0]['id']}", f"/api/v1/orders/{draft['id']}/history",
                 "/api/v1/webhooks", "/api/v1/stock-levels?as_of=2030-01-01T00:00:00Z",
                 "/api/v1/reports/sales",
                 f"/api/v1/users/{user.id}", "/api/v1/me"]:
        admin.get(path.format(first=first.id))

    assert compared.differences == []
    assert {"OrderSchema", "OrderSummarySchema", "ProductSchema", "CustomerSchema",
            "CategorySchema", "MovementSchema", "ChangeSchema", "UserSchema", "MeSchema",
            "TokenSchema", "WebhookSchema", "SalesReportSchema"} <= compared.dumped
