"""Webhooks and their outbox: who wants to hear of which changes, and what is still to send.

An event (``order.placed``) is written to the outbox, with one delivery per webhook that
wants it, in the same transaction as the change that caused it: a crash never loses
an event, and never sends one for a change that rolled back. tinyapp/outbox.py sends.
"""

import peewee

from tinyapp.models.base import BaseModel, JSONTextField, UTCDateTimeField, utcnow


class Webhook(BaseModel):
    """An address that receives events as signed JSON posts."""

    url = peewee.CharField(max_length=500)
    events = JSONTextField(default=list)       # ["order.placed", "stock.low", ...]
    secret = peewee.CharField(max_length=100)  # signs every body (HMAC-SHA256)
    is_active = peewee.BooleanField(default=True)
    created_at = UTCDateTimeField(default=utcnow)

    secret_fields = ("secret",)

    class Meta:
        table_name = "webhooks"


class OutboxEvent(BaseModel):
    """One event to tell the webhooks about: what happened, to which record, the body."""

    at = UTCDateTimeField(default=utcnow)
    event = peewee.CharField(max_length=40)
    entity = peewee.CharField(max_length=30)
    entity_id = peewee.CharField(max_length=64)
    body = peewee.TextField()  # the JSON sent, exactly as signed

    class Meta:
        table_name = "outbox"


class Delivery(BaseModel):
    """One event for one webhook: sent until it answers 2xx, in order per record."""

    webhook = peewee.ForeignKeyField(Webhook, on_delete="CASCADE", index=False)
    event = peewee.ForeignKeyField(OutboxEvent, on_delete="CASCADE")
    record_key = peewee.CharField(max_length=100)  # "order:12": deliveries of one record
    delivered_at = UTCDateTimeField(null=True)
    attempts = peewee.IntegerField(default=0)
    next_attempt_at = UTCDateTimeField(default=utcnow)
    claimed_until = UTCDateTimeField(null=True)    # a sender is at it (one process)
    last_status = peewee.IntegerField(null=True)
    last_error = peewee.CharField(max_length=300, default="")

    @property
    def status(self) -> str:
        """delivered; pending (not tried yet); failing (tried, will try again)."""
        if self.delivered_at is not None:
            return "delivered"
        return "pending" if self.attempts == 0 else "failing"

    class Meta:
        table_name = "webhook_deliveries"
        indexes = ((("delivered_at", "next_attempt_at"), False),
                   (("webhook", "record_key", "id"), False))
