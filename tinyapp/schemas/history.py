"""The change journal as the API shows it, and what its lists and "as of" reads accept."""

import datetime as dt
import re

from marshmallow import ValidationError, fields, validate

from tinyapp.schemas.common import Id, ListQuery, StrictSchema
from tinyapp.schemas.fields import Text, UTCDateTime, WholeNumber

ENTITIES = ("product", "customer", "order", "category", "user", "token", "backup",
            "figures", "demo")


class Moment(UTCDateTime):
    """A moment between 2000 and 2100 (ISO 8601; naive is UTC): what "as of" can ask for."""

    PATTERN = (r"^20[0-9]{2}-[0-9]{2}-[0-9]{2}"
               r"([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?$")

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {})["pattern"] = self.PATTERN
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> dt.datetime:
        try:
            moment = super()._deserialize(value, attr, data, **kwargs)
        except OverflowError:
            moment = None
        # The year as written decides (2000-01-01T00:00+05:00 is 1999 in UTC, and fine).
        if moment is None or not re.fullmatch(self.PATTERN, str(value)):
            raise ValidationError("Use a time from 2000 to 2099, such as "
                                  "2026-05-01T12:00:00Z.")
        return moment


class ChangeUserSchema(StrictSchema):
    id = fields.Integer()
    email = fields.String()
    name = fields.String()


class ChangeSchema(StrictSchema):
    """One journal entry: what changed on which record, who, when, in which request."""

    # A page of changes also links back in time (its OpenAPI page schema says so).
    page_extras = {"prev_cursor": fields.String(allow_none=True, metadata={
        "description": "Pass as ?before= for the newer changes in front of this page."})}

    id = fields.Integer()
    at = UTCDateTime()
    user = fields.Method("user_of", metadata={"description": "Who made it (null: the "
                                                             "system, or a deleted user)."})
    request_id = fields.String()
    entity = fields.String()
    entity_id = fields.String()
    action = fields.String()
    changes = fields.Dict(metadata={"description": "{field: [before, after]}"})
    details = fields.Dict()
    note = fields.String()
    undoes = fields.Integer(allow_none=True)

    def user_of(self, change):
        user = change.user
        return None if user is None else {"id": user.id, "email": user.email,
                                          "name": user.name}


class HistoryQuery(ListQuery):
    before = WholeNumber(1, 2**31 - 1, load_default=None, metadata={
        "description": "The prev_cursor of a page: the newer page before it."})


class JournalQuery(HistoryQuery):
    entity = fields.String(validate=validate.OneOf(ENTITIES), load_default=None)
    entity_id = Text(64, min_length=1, load_default=None)
    user_id = Id(load_default=None)
    action = Text(30, min_length=1, load_default=None)
    since = Moment(load_default=None, metadata={"description": "From this time on."})
    until = Moment(load_default=None, metadata={"description": "Before this time."})


class AsOfQuery(StrictSchema):
    as_of = Moment(load_default=None, metadata={
        "description": "Show the record as it was at this time (ISO 8601)."})


class StockAsOfQuery(ListQuery):
    as_of = Moment(required=True, metadata={"description": "The time (ISO 8601)."})


class StockLevelSchema(StrictSchema):
    page_extras = {"as_of": UTCDateTime(metadata={"description": "The moment asked for."})}
    product_id = fields.Integer()
    sku = fields.String()
    name = fields.String()
    stock = fields.Integer()


class UndoneChangeSchema(StrictSchema):
    entity = fields.String()
    entity_id = fields.String()
    action = fields.String()
    changes = fields.Dict(metadata={"description": "{field: [before, after]}"})


class UndoneSchema(StrictSchema):
    """What an undo did: the change undone, and the new changes (each ``undoes`` it)."""

    undone = fields.Integer()
    changes = fields.List(fields.Nested(UndoneChangeSchema))
