"""Users, logins, sessions and API tokens: what the account endpoints and forms accept."""

from marshmallow import fields, validate

from tinyapp.models import ROLES
from tinyapp.schemas.common import StrictSchema
from tinyapp.schemas.fields import EmailAddress, Flag, Text, UTCDateTime, WholeNumber
from tinyapp.security.passwords import MAX_LENGTH

PAGE_SIZES = (10, 20, 50, 100)


class Password(fields.String):
    """A password: never trimmed or echoed back; the policy is checked by the service."""

    def __init__(self, **kwargs):
        super().__init__(load_only=True, validate=validate.Length(min=1, max=MAX_LENGTH),
                         **kwargs)


class LoginSchema(StrictSchema):
    # Any text (the answer to a malformed address is the same "wrong e-mail or password"),
    # but never control characters: PostgreSQL refuses a NUL in a query parameter.
    email = Text(254, min_length=1, required=True)
    password = Password(required=True)


class UserSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    email = EmailAddress(required=True)
    name = Text(100, min_length=1, required=True)
    role = fields.String(load_default="viewer", validate=validate.OneOf(ROLES))
    is_active = Flag(dump_only=True)
    preferences = fields.Dict(dump_only=True)
    created_at = UTCDateTime(dump_only=True)
    last_login_at = UTCDateTime(dump_only=True, allow_none=True)


class UserCreateSchema(UserSchema):
    password = Password(required=True)


class UserPatchSchema(StrictSchema):
    name = Text(100, min_length=1)
    role = fields.String(validate=validate.OneOf(ROLES))
    is_active = Flag()


class MeSchema(StrictSchema):
    user = fields.Nested(UserSchema)
    csrf_token = fields.String(allow_none=True)


class SetupSchema(StrictSchema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=200))
    email = EmailAddress(required=True)
    name = Text(100, min_length=1, required=True)
    password = Password(required=True)


class PasswordChangeSchema(StrictSchema):
    current_password = Password(required=True)
    new_password = Password(required=True)


class PreferencesSchema(StrictSchema):
    page_size = WholeNumber(10, 100, validate=validate.OneOf(PAGE_SIZES))


class TokenCreateSchema(StrictSchema):
    name = Text(100, min_length=1, required=True)
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
