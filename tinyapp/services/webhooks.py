"""Webhooks, as admins manage them: add, change, remove, test; deliveries and redelivery.

What gets queued and how it is sent is tinyapp/outbox.py; this is the bookkeeping
around it. A webhook's secret is shown once, when it is made, and never journalled.
"""

from tinyapp import outbox
from tinyapp.models import Delivery, OutboxEvent, Webhook, utcnow
from tinyapp.pagination import Page, paginate
from tinyapp.services.common import get_row, insert_row, update_row
from tinyapp.unit_of_work import Work, unit_of_work


@unit_of_work
def create_webhook(work: Work, data: dict) -> Webhook:
    """Add a webhook; it hears of the events it names from the next commit on."""
    return insert_row(work, Webhook, url=data["url"], events=sorted(set(data["events"])),
                      secret=data.get("secret") or outbox.new_secret(),
                      is_active=data.get("is_active", True))


@unit_of_work
def update_webhook(work: Work, webhook_id: int, changes: dict) -> Webhook:
    """Change a webhook's address, events or whether it is on (its secret stays)."""
    hook = get_row(Webhook, webhook_id)
    if "events" in changes:
        changes["events"] = sorted(set(changes["events"]))
    return update_row(work, hook, **changes)


@unit_of_work
def delete_webhook(work: Work, webhook_id: int) -> None:
    """Remove a webhook and the deliveries still waiting for it."""
    hook = get_row(Webhook, webhook_id)
    Delivery.delete().where(Delivery.webhook == hook).execute()
    hook.delete_instance()
    work.deleted(hook)


@unit_of_work
def send_test(work: Work, webhook_id: int) -> Delivery:
    """Queue a ``webhook.test`` event for one webhook (sent like any other, signed)."""
    hook = get_row(Webhook, webhook_id)
    event = outbox.queue_for(hook, "webhook.test", "webhook", str(hook.id),
                             {"message": "tinyapp says hello"})
    work.record("webhook", hook.id, "test")
    return Delivery.get(Delivery.event == event)


def list_webhooks(limit: int, cursor=None) -> Page:
    return paginate(Webhook.select(), "id", limit, cursor)


def list_deliveries(limit: int, cursor=None, webhook_id: int | None = None,
                    status: str | None = None) -> Page:
    """Deliveries newest first, of one webhook or all, by status."""
    return paginate(delivery_query(webhook_id, status), "-id", limit, cursor)


def delivery_query(webhook_id: int | None = None, status: str | None = None):
    """The deliveries of one webhook (or all) in one status (or any), with their events."""
    query = Delivery.select(Delivery, OutboxEvent).join(OutboxEvent)
    if webhook_id:
        query = query.where(Delivery.webhook == webhook_id)
    if status == "delivered":
        query = query.where(Delivery.delivered_at.is_null(False))
    elif status == "pending":
        query = query.where(Delivery.delivered_at.is_null(), Delivery.attempts == 0)
    elif status == "failing":
        query = query.where(Delivery.delivered_at.is_null(), Delivery.attempts > 0)
    return query


@unit_of_work
def redeliver(work: Work, delivery_id: int) -> Delivery:
    """Send a delivery again now, delivered or not (the deliveries page's button)."""
    delivery = get_row(Delivery, delivery_id)
    Delivery.update(next_attempt_at=utcnow(), delivered_at=None, claimed_until=None).where(
        Delivery.id == delivery.id).execute()
    work.record("delivery", delivery.id, "redeliver")
    return Delivery.select(Delivery, OutboxEvent).join(OutboxEvent).where(
        Delivery.id == delivery.id).get()
