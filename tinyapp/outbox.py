"""Webhooks: events go into an outbox with the change that causes them, then get sent.

Queueing (``queue``) runs inside the unit of work, in its transaction: each journal
record of a product, category, customer or order becomes an event (``order.placed``,
``product.updated``...), written with one delivery per webhook that wants it. So an
event exists exactly when its change committed, whatever crashes when.

Sending (``Sender``) runs beside the server: it takes the deliveries that are due, at
most one at a time per webhook and record, oldest first, and posts each event's body
with ``X-Tinyapp-Signature: sha256=<HMAC of the body with the webhook's secret>``. A
2xx marks it delivered; anything else (or no answer) tries again later, waiting twice
as long each time, from WEBHOOK_RETRY_SECONDS up to a day. A delivery is marked only
after the answer, so a crash in between sends it again: at least once, in order per
record (the next event of a record waits for the one before).

A webhook whose address is ``mailto:`` gets the same events as e-mails (tinyapp/mail.py,
SMTP_URL), sent and retried the same way. Once a day, after DIGEST_HOUR of the shop's
day, the sender queues the low-stock digest (``stock.digest``: every active product at
or below its reorder level) for the webhooks that want it, once per day whatever
restarts: the day's event in the outbox is the mark that it was queued.
"""

import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets
import threading

import peewee

from tinyapp import cache, db, webhook_post
from tinyapp.mail import Mailer, compose
from tinyapp.models import Delivery, OutboxEvent, Product, Webhook, utcnow
from tinyapp.models.base import business_today
from tinyapp.unit_of_work import unit_of_work, values_of

log = logging.getLogger("tinyapp.webhooks")

# The journal's (entity, action) -> the event a webhook subscribes to.
EVENT_OF = {("product", "create"): "product.created", ("product", "update"): "product.updated",
            ("product", "archive"): "product.archived", ("product", "restore"):
            "product.restored", ("product", "stock"): "stock.changed",
            ("category", "create"): "category.created",
            ("category", "update"): "category.updated",
            ("category", "delete"): "category.deleted",
            ("customer", "create"): "customer.created",
            ("customer", "update"): "customer.updated",
            ("customer", "archive"): "customer.archived",
            ("order", "create"): "order.created", ("order", "update"): "order.updated",
            ("order", "place"): "order.placed", ("order", "fulfil"): "order.fulfilled",
            ("order", "cancel"): "order.cancelled", ("order", "delete"): "order.deleted"}
EVENTS = sorted({*EVENT_OF.values(), "stock.low", "stock.digest", "webhook.test"})
DIGEST = "stock.digest"
MAX_WAIT_SECONDS = 86400
SEND_TIMEOUT_SECONDS = 10  # for the whole post, however slowly the receiver answers
# A sender killed mid-send frees its delivery after this (a send takes at most
# SEND_TIMEOUT_SECONDS, tinyapp/webhook_post.py, so a live sender's claim never runs
# out under it).
CLAIM_SECONDS = SEND_TIMEOUT_SECONDS + 5


def new_secret() -> str:
    return secrets.token_urlsafe(24)


def sign(secret: str, body: bytes) -> str:
    """The signature header's value: ``sha256=`` and the HMAC-SHA256 of the body, in hex."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


# -- queueing, inside the unit of work --

def queue(work) -> None:
    """Write an outbox event (and its deliveries) for each change a webhook wants."""
    events = [(EVENT_OF[(r.entity, r.action)], r.entity, r.entity_id, {"changes": r.changes})
              for r in work.records if (r.entity, r.action) in EVENT_OF]
    events += work.events
    if not events:
        return
    hooks = _active_webhooks()
    for event, entity, entity_id, extra in events:
        wanted = [hook["id"] for hook in hooks if event in hook["events"]]
        if wanted:
            _write(event, entity, entity_id, extra, wanted)


def queue_for(hook: Webhook, event: str, entity: str, entity_id: str, extra: dict
              ) -> OutboxEvent:
    """Queue one event for one webhook (a test), inside the caller's unit of work."""
    return _write(event, entity, entity_id, extra, [hook.id])


def _write(event: str, entity: str, entity_id: str, extra: dict, hook_ids: list[int]
           ) -> OutboxEvent:
    """The event's body, exactly as it will be signed and sent, and one delivery per webhook."""
    body = json.dumps({"event": event, "at": utcnow().isoformat(), "entity": entity,
                       "id": _id(entity_id), "record": _record(entity, entity_id),
                       **extra}, sort_keys=True, default=str)
    outbox = OutboxEvent.create(event=event, entity=entity, entity_id=entity_id, body=body)
    Delivery.insert_many([{"webhook": hook_id, "event": outbox.id,
                           "record_key": f"{entity}:{entity_id}"} for hook_id in hook_ids]
                         ).execute()
    return outbox


def _active_webhooks() -> list[dict]:
    """The webhooks listening now: cached until the webhooks table is written."""
    return cache.cached("webhooks", {}, lambda: [
        {"id": hook.id, "events": hook.events}
        for hook in Webhook.select(Webhook.id, Webhook.events).where(Webhook.is_active)],
        reads=("webhooks",), ttl=3600)


def _record(entity: str, entity_id: str) -> dict | None:
    """The record as it is now (after the change), secrets left out; None when deleted."""
    from tinyapp.models import Category, Customer, Order, Product

    model = {"product": Product, "category": Category, "customer": Customer,
             "order": Order}.get(entity)
    if model is None:
        return None
    row = model.get_or_none(model.id == int(entity_id))
    return None if row is None else {"id": row.id, **values_of(row)}


def _id(entity_id: str):
    return int(entity_id) if entity_id.isdigit() else entity_id


@unit_of_work
def queue_digest(work, day: dt.date) -> OutboxEvent | None:
    """Queue the low-stock digest of a day, once, if a webhook wants it and stock is low."""
    if OutboxEvent.select().where(OutboxEvent.event == DIGEST,
                                  OutboxEvent.entity_id == day.isoformat()).exists():
        return None
    wanted = [hook["id"] for hook in _active_webhooks() if DIGEST in hook["events"]]
    low = list(Product.select(Product.id, Product.sku, Product.name, Product.stock,
                              Product.reorder_level)
               .where(Product.needs_reorder == True,  # noqa: E712 - SQL, not Python
                      Product.is_active == True)  # noqa: E712
               .order_by(Product.stock, Product.sku).limit(500).dicts())
    if not (wanted and low):
        return None
    return _write(DIGEST, "digest", day.isoformat(), {"products": low}, wanted)


# -- sending, beside the server --

def due_deliveries(limit: int = 20) -> list[Delivery]:
    """The deliveries to send now: due, not claimed, and first of their record for their webhook."""
    now = utcnow()
    earlier = Delivery.alias()
    before = (earlier.select(earlier.id)
              .where(earlier.webhook == Delivery.webhook,
                     earlier.record_key == Delivery.record_key,
                     earlier.id < Delivery.id, earlier.delivered_at.is_null()))
    return list(Delivery.select()
                .where(Delivery.delivered_at.is_null(), Delivery.next_attempt_at <= now,
                       (Delivery.claimed_until.is_null()) | (Delivery.claimed_until < now),
                       ~peewee.fn.EXISTS(before))
                .order_by(Delivery.id).limit(limit))


def send_due(retry_seconds: float, mailer: Mailer | None = None, limit: int = 20) -> int:
    """Send what is due now (each delivery claimed first, so one sender sends it); count sent."""
    sent = 0
    for delivery in due_deliveries(limit):
        if not _claim(delivery):
            continue
        _send(delivery, retry_seconds, mailer or Mailer("", ""))
        sent += 1
    return sent


@unit_of_work
def _claim(work, delivery: Delivery) -> bool:
    now = utcnow()
    return bool(Delivery.update(claimed_until=now + dt.timedelta(seconds=CLAIM_SECONDS))
                .where(Delivery.id == delivery.id, Delivery.delivered_at.is_null(),
                       (Delivery.claimed_until.is_null())
                       | (Delivery.claimed_until < now)).execute())


def _send(delivery: Delivery, retry_seconds: float, mailer: Mailer) -> None:
    hook = Webhook.get_or_none(Webhook.id == delivery.webhook_id)
    event = OutboxEvent.get_or_none(OutboxEvent.id == delivery.event_id)
    if hook is None or event is None:  # removed since it was queued: nothing to send
        _drop(delivery.id)
        return
    if hook.url.startswith("mailto:"):
        status, error = _mail(mailer, hook.url.removeprefix("mailto:"), event.body)
        return _settle(delivery, status, error, retry_seconds)
    body = event.body.encode()
    status, error = webhook_post.post(hook.url, body, {
        "Content-Type": "application/json", "User-Agent": "tinyapp-webhooks",
        "X-Tinyapp-Event": event.event, "X-Tinyapp-Delivery": str(delivery.id),
        "X-Tinyapp-Signature": sign(hook.secret, body)}, SEND_TIMEOUT_SECONDS)
    _settle(delivery, status, error, retry_seconds)


def _mail(mailer: Mailer, to: str, body: str) -> tuple[int | None, str]:
    """E-mail an event; (250, "") once the mail server took it, else (None, why not)."""
    subject, text = compose(json.loads(body))
    try:
        mailer.send(to, subject, text)
    except Exception as exc:  # noqa: BLE001 - refused, timed out, not configured: retry
        return None, (str(exc) or type(exc).__name__)[:300]
    return 250, ""


def seconds_until_due(longest: float) -> float:
    """How long the sender may sleep: until the next delivery is due, at most ``longest``."""
    soonest = (Delivery.select(Delivery.next_attempt_at, Delivery.claimed_until)
               .where(Delivery.delivered_at.is_null())
               .order_by(Delivery.next_attempt_at).first())
    if soonest is None:
        return longest
    due = max(soonest.next_attempt_at, soonest.claimed_until or soonest.next_attempt_at)
    return min(longest, max(0.05, (due - utcnow()).total_seconds()))


def retry_wait(retry_seconds: float, attempts: int) -> float:
    """Seconds to wait after the nth failed attempt: retry_seconds, doubled each time, <= a day."""
    return min(retry_seconds * 2 ** min(attempts - 1, 32), MAX_WAIT_SECONDS)


def _settle(delivery: Delivery, status: int | None, error: str, retry_seconds: float) -> None:
    now = utcnow()
    attempts = delivery.attempts + 1
    values = {"attempts": attempts, "last_status": status, "claimed_until": None}
    if status is not None and 200 <= status < 300:
        values.update(delivered_at=now, last_error="")
    else:
        wait = retry_wait(retry_seconds, attempts)
        values.update(next_attempt_at=now + dt.timedelta(seconds=wait), last_error=error)
        log.warning("webhook delivery %s failed (attempt %s): %s", delivery.id, attempts,
                    error)
    _store(delivery.id, values)


@unit_of_work
def _store(work, delivery_id: int, values: dict) -> None:
    Delivery.update(values).where(Delivery.id == delivery_id).execute()


@unit_of_work
def _drop(work, delivery_id: int) -> None:
    Delivery.delete().where(Delivery.id == delivery_id).execute()


class Sender:
    """A thread of ``serve`` that sends due deliveries, woken at each commit that queues one."""

    def __init__(self, database: db.Database, retry_seconds: float, idle_seconds: float = 5,
                 mailer: Mailer | None = None, digest_hour: int | None = None):
        self.database, self.retry_seconds, self.idle_seconds = database, retry_seconds, idle_seconds
        self.mailer = mailer or Mailer("", "")
        self.digest_hour = digest_hour  # None: no daily digest
        self._digest_day: dt.date | None = None  # the last day this sender queued it for
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tinyapp-webhooks", daemon=True)
        database.after_commit.append(self._on_commit)

    def start(self) -> "Sender":
        self._thread.start()
        return self

    def _on_commit(self, work) -> None:
        if "webhook_deliveries" in work.tables:
            self._wake.set()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 15) -> None:
        self._stopping.set()
        self._wake.set()
        self._thread.join(timeout)

    def _queue_digest_when_due(self) -> None:
        if self.digest_hour is None:
            return
        today = business_today()
        now = utcnow().astimezone(self.database.timezone)
        if self._digest_day != today and now.hour >= self.digest_hour:
            queue_digest(today)
            self._digest_day = today

    def _run(self) -> None:
        with self.database.bound():
            while not self._stopping.is_set():
                self._wake.clear()
                pause = self.idle_seconds
                try:
                    with self.database.connection():
                        self._queue_digest_when_due()
                        if send_due(self.retry_seconds, self.mailer):
                            continue
                        pause = seconds_until_due(self.idle_seconds)
                except Exception as exc:  # noqa: BLE001 - keep sending; the log says why
                    log.error("webhook sender: %s", db.describe_error(exc))
                self._wake.wait(pause)
