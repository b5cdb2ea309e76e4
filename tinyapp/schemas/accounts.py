"""Users, logins, sessions and API tokens: what the account endpoints and forms accept."""

from marshmallow import fields, validate

from tinyapp.models import ROLES
from tinyapp.schemas.common import StrictSchema
from tinyapp.schemas.fields import EmailAddress, Flag, Name, Text, UTCDateTime, WholeNumber
from tinyapp.security.passwords import AT_MOST_THREE_DISTINCT, MAX_LENGTH, MIN_LENGTH
from tinyapp.security.permissions import TOKEN_SCOPES

PAGE_SIZES = (10, 20, 50, 100)
DATE_FORMATS = ("en-GB", "en-US", "iso", "de", "fr")  # web/formats.py writes each


class Password(fields.String):
    """A password: never trimmed or echoed back; the policy is checked by the service."""

    def __init__(self, **kwargs):
        super().__init__(load_only=True, validate=validate.Length(min=1, max=MAX_LENGTH),
                         **kwargs)


class NewPassword(Password):
    """A password being chosen: the policy (security/passwords.py), stated for the document.

    The service checks it; the OpenAPI document says the same: 10 to 1,024 characters,
    at least four different ones, not a common password, not your e-mail or name.
    """

    def openapi(self) -> dict:
        return {"minLength": MIN_LENGTH, "maxLength": MAX_LENGTH,
                "not": {"pattern": AT_MOST_THREE_DISTINCT},
                "description": "10 to 1,024 characters, at least 4 different ones; not on "
                               "the list of common passwords, not your e-mail or name."}


class LoginSchema(StrictSchema):
    # Any text (the answer to a malformed address is the same "wrong e-mail or password"),
    # but never control characters: PostgreSQL refuses a NUL in a query parameter.
    email = Text(254, min_length=1, required=True)
    password = Password(required=True)


class UserSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    email = EmailAddress(required=True)
    name = Name(100, required=True)
    role = fields.String(load_default="viewer", validate=validate.OneOf(ROLES))
    is_active = Flag(dump_only=True)
    preferences = fields.Dict(dump_only=True)
    created_at = UTCDateTime(dump_only=True)
    last_login_at = UTCDateTime(dump_only=True, allow_none=True)


class UserCreateSchema(UserSchema):
    password = NewPassword(required=True)


class UserPatchSchema(StrictSchema):
    name = Name(100)
    role = fields.String(validate=validate.OneOf(ROLES))
    is_active = Flag()


class MeSchema(StrictSchema):
    user = fields.Nested(UserSchema)
    csrf_token = fields.String(allow_none=True)


class SetupSchema(StrictSchema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=200))
    email = EmailAddress(required=True)
    name = Name(100, required=True)
    password = NewPassword(required=True)


class PasswordChangeSchema(StrictSchema):
    current_password = Password(required=True)
    new_password = NewPassword(required=True)


class PreferencesSchema(StrictSchema):
    page_size = WholeNumber(10, 100, validate=validate.OneOf(PAGE_SIZES))
    date_format = fields.String(validate=validate.OneOf(DATE_FORMATS))


class TokenCreateSchema(StrictSchema):
    name = Name(100, required=True)
    scope = fields.String(load_default="all", validate=validate.OneOf(TOKEN_SCOPES),
                          metadata={"description": "all: acts as you; metrics: reads "
                                                   "/metrics only (admins)."})
    expires_in_days = WholeNumber(1, 3650, load_default=None,
                                  metadata={"description": "Leave out for no expiry."})


class TokenSchema(StrictSchema):
    id = fields.Integer()
    name = fields.String()
    prefix = fields.String(metadata={"description": "The first characters, to tell tokens "
                                                    "apart; the secret itself is never shown "
                                                    "again."})
    created_at = UTCDateTime()
    last_used_at = UTCDateTime(allow_none=True)
    expires_at = UTCDateTime(allow_none=True)
    scope = fields.String()


class TokenCreatedSchema(TokenSchema):
    token = fields.String(metadata={"description": "The secret: shown this once."})


class SessionSchema(StrictSchema):
    id = fields.Integer()
    created_at = UTCDateTime()
    last_seen_at = UTCDateTime()
    expires_at = UTCDateTime()
    ip = fields.String()
    user_agent = fields.String()
    current = fields.Boolean()


class EndedSchema(StrictSchema):
    ended = fields.Integer(metadata={"description": "How many sessions were signed out."})
