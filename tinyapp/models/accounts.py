"""People who sign in, their server-side sessions, and their API tokens."""

import unicodedata

import peewee

from tinyapp.models.base import BaseModel, JSONTextField, UTCDateTimeField, utcnow

ROLES = ("admin", "staff", "viewer")


def normalize_email(text: str) -> str:
    """Return the form e-mails are stored and compared in: NFKC, then case-folded.

    "Kate@Example.org", "ｋate@example.org" and "KATE@EXAMPLE.ORG" are one address.
    Applied before every uniqueness check and every sign-in (schemas.fields.EmailAddress
    checks what an address may look like before that).
    """
    folded = unicodedata.normalize("NFKC", text.strip()).casefold()
    return unicodedata.normalize("NFKC", folded)


class User(BaseModel):
    secret_fields = ("password_hash",)
    email = peewee.CharField(max_length=254, unique=True)  # stored normalize_email()d
    name = peewee.CharField(max_length=100)
    password_hash = peewee.CharField(max_length=255)
    role = peewee.CharField(max_length=10, default="viewer", constraints=[
        peewee.Check("role IN ('admin', 'staff', 'viewer')")])
    is_active = peewee.BooleanField(default=True)
    preferences = JSONTextField(default=dict)
    created_at = UTCDateTimeField(default=utcnow)
    last_login_at = UTCDateTimeField(null=True)

    class Meta:
        table_name = "users"

    @classmethod
    def by_email(cls, email: str) -> "User | None":
        """Find a user by e-mail address, as normalize_email compares them."""
        return cls.get_or_none(cls.email == normalize_email(email))


class Session(BaseModel):
    """A signed-in browser: the cookie holds a random token, this row only its hash."""

    secret_fields = ("token_hash", "csrf_token")

    token_hash = peewee.CharField(max_length=64, unique=True)
    user = peewee.ForeignKeyField(User, backref="sessions", on_delete="CASCADE")
    csrf_token = peewee.CharField(max_length=64)
    created_at = UTCDateTimeField(default=utcnow)
    last_seen_at = UTCDateTimeField(default=utcnow)
    expires_at = UTCDateTimeField(index=True)
    ip = peewee.CharField(max_length=45, default="")
    user_agent = peewee.CharField(max_length=255, default="")

    class Meta:
        table_name = "sessions"


class ApiToken(BaseModel):
    """A named secret for scripts: ``Authorization: Bearer <token>``; only its hash is kept."""

    entity = "token"  # its name in the change journal
    secret_fields = ("token_hash",)

    user = peewee.ForeignKeyField(User, backref="api_tokens", on_delete="CASCADE")
    name = peewee.CharField(max_length=100)
    token_hash = peewee.CharField(max_length=64, unique=True)
    prefix = peewee.CharField(max_length=12)
    created_at = UTCDateTimeField(default=utcnow)
    last_used_at = UTCDateTimeField(null=True)
    expires_at = UTCDateTimeField(null=True)
    # "all": acts as its user; "metrics": may read /metrics and nothing else (a scraper).
    scope = peewee.CharField(max_length=10, default="all", constraints=[
        peewee.Check("scope IN ('all', 'metrics')")])

    class Meta:
        table_name = "api_tokens"
