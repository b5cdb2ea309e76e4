"""Webhooks and their deliveries: what the webhook endpoints and pages accept and show."""

from urllib.parse import urlsplit

from marshmallow import ValidationError, fields, validate, validates

from tinyapp.outbox import EVENTS
from tinyapp.schemas.common import ListQuery, StrictSchema
from tinyapp.schemas.fields import CONTROLS, LINE_BREAKS, Flag, Text, UTCDateTime

# The pattern states every rule the server checks, so that the OpenAPI document says
# exactly what is accepted: no spaces or control characters anywhere (the Text field's
# rule); a host, without brackets (no IPv6 literals) and without the characters that
# read as one of / ? # @ : once normalised (NFKC: "\uff0f" is "/"), which Python's
# URL parser refuses; a port from 0 to 65535.
_NOT = f"\\s{CONTROLS}{LINE_BREAKS}"
_LOOKALIKES = ("\u2047-\u2049\u2100\u2101\u2105\u2106\u2a74\ufe13\ufe16\ufe55\ufe56"
               "\ufe5f\ufe6b\uff03\uff0f\uff1a\uff1f\uff20")
_USER = f"([^{_NOT}{_LOOKALIKES}/?#@\\[\\]]*@)?"
_HOST = f"[^{_NOT}{_LOOKALIKES}/?#@:\\[\\]]+"
_PORT = "(:([0-9]{0,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?"
_HTTP = f"https?://{_USER}{_HOST}{_PORT}([/?#][^{_NOT}]*)?"
_MAILTO = f"mailto:[^{_NOT}@<>,;]+@[^{_NOT}@<>,;]+"
URL_PATTERN = f"^({_HTTP}|{_MAILTO})$"

class WebhookSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    url = Text(500, min_length=1, required=True, validate=[validate.Regexp(
        URL_PATTERN, error="Use an http://, https:// or mailto: address.")],
        metadata={"description": "Where events are posted (http or https), or mailed "
                                 "(mailto:someone@example.org, through SMTP_URL)."})
    events = fields.List(fields.String(validate=validate.OneOf(EVENTS)), required=True,
                         validate=validate.Length(min=1, max=len(EVENTS)),
                         metadata={"description": "The events it receives."})
    secret = Text(200, min_length=16, load_only=True, load_default=None, allow_none=True,
                  metadata={"description": "Signs each body (X-Tinyapp-Signature); "
                                           "tinyapp makes one when it is left out."})
    is_active = Flag(load_default=True)
    created_at = UTCDateTime(dump_only=True)

    @validates("url")
    def _has_a_host(self, value, **kwargs):
        """What the sender's URL parser must make of it (URL_PATTERN should ensure it)."""
        if value.startswith("mailto:"):
            return
        try:
            parts = urlsplit(value)
            host, _ = parts.hostname, parts.port  # each raises on what it cannot read
        except ValueError:
            raise ValidationError("Not an address tinyapp can send to.") from None
        if not host:
            raise ValidationError("The address names no host.")


class NewWebhookSchema(WebhookSchema):
    """A webhook just made: the only time its secret is shown."""

    secret = fields.String(dump_only=True)


class WebhookPatchSchema(WebhookSchema):
    """A change to a webhook: any of its fields, none required, but never its secret."""

    def __init__(self, **kwargs):
        super().__init__(partial=True, exclude=("secret",), **kwargs)


class DeliveryQuery(ListQuery):
    webhook_id = fields.Integer(load_default=None, validate=validate.Range(1, 2**31 - 1))
    status = fields.String(load_default=None,
                           validate=validate.OneOf(("pending", "delivered", "failing")))


class DeliverySchema(StrictSchema):
    id = fields.Integer()
    webhook_id = fields.Integer()
    event = fields.Method("event_name")
    entity = fields.Method("entity_of")
    record_key = fields.String()
    status = fields.Method("status_of", metadata={
        "description": "delivered, pending (not tried yet) or failing (will try again)."})
    attempts = fields.Integer()
    last_status = fields.Integer(allow_none=True)
    last_error = fields.String()
    delivered_at = UTCDateTime(allow_none=True)
    next_attempt_at = UTCDateTime()

    def event_name(self, delivery):
        return delivery.event.event

    def entity_of(self, delivery):
        return delivery.event.entity

    def status_of(self, delivery):
        return delivery.status
