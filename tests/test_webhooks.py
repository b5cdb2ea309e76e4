"""Webhooks: a real receiver gets signed posts, in order per record, until it answers 2xx."""

import contextvars
import datetime as dt
import hashlib
import hmac
import re
import threading

import pytest

from tests.support.receiver import DrippingReceiver, Receiver
from tinyapp import db, outbox
from tinyapp.models import Delivery, OutboxEvent

SECRET = "sixteen chars or more"


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.close()


@pytest.fixture
def admin(api_as):
    return api_as("admin")


def hook(admin, receiver, *events, secret=SECRET) -> dict:
    body = {"url": receiver.url, "events": list(events)}
    if secret:
        body["secret"] = secret
    return admin.post("/api/v1/webhooks", body, status=201).json


def send(retry_seconds: float = 0) -> int:
    """What the sender thread does each time it wakes: send every delivery that is due."""
    with db.database.connection_context():
        return outbox.send_due(retry_seconds)


def deliveries(admin, **filters) -> list[dict]:
    return admin.get("/api/v1/webhook-deliveries", **filters).json["items"]


def test_a_placed_order_is_posted_signed_with_the_record_and_what_changed(api, admin,
                                                                        receiver):
    hook(admin, receiver, "order.placed")
    product = api.product("DR-1", stock=5)
    order = api.placed_order(api.customer()["id"], (product["id"], 2))
    assert send() == 1
    [post] = receiver.wait_for(1)
    expected = "sha256=" + hmac.new(SECRET.encode(), post.body, hashlib.sha256).hexdigest()
    assert post.headers["X-Tinyapp-Signature"] == expected
    assert post.headers["X-Tinyapp-Event"] == "order.placed"
    body = post.json
    assert (body["event"], body["entity"], body["id"]) == ("order.placed", "order", order["id"])
    assert body["record"]["status"] == "placed" and body["changes"]["status"] == ["draft",
                                                                                 "placed"]
    assert deliveries(admin)[0]["status"] == "delivered"


def test_a_webhook_hears_only_the_events_it_named(api, admin, receiver):
    hook(admin, receiver, "product.updated")
    product = api.product("DR-1")  # product.created: not wanted
    api.patch(f"/api/v1/products/{product['id']}", {"name": "Drill",
                                                    "version": product["version"]})
    send()
    assert [p.json["event"] for p in receiver.wait_for(1)] == ["product.updated"]
    assert send() == 0 and len(receiver.posts) == 1


def test_a_change_that_rolled_back_sends_nothing(api, admin, receiver):
    hook(admin, receiver, "order.placed", "stock.changed")
    product = api.product("DR-1", stock=1)
    order = api.order(api.customer()["id"], (product["id"], 5))
    api.post(f"/api/v1/orders/{order['id']}/place", status=409)  # not enough stock
    with db.database.connection_context():
        assert OutboxEvent.select().where(OutboxEvent.event == "order.placed").count() == 0


def test_a_receiver_that_fails_is_tried_again_later_and_then_delivered(api, admin, receiver):
    hook(admin, receiver, "product.created")
    receiver.status = 503
    api.product("DR-1")
    send(retry_seconds=0)
    [failing] = deliveries(admin)
    assert (failing["status"], failing["attempts"], failing["last_status"]) == ("failing", 1,
                                                                               503)
    receiver.down()  # now nobody listens at all
    send(retry_seconds=0)
    [refused] = deliveries(admin)
    assert refused["attempts"] == 2 and "refused" in refused["last_error"].lower()
    receiver.status = 200
    receiver.up()
    send(retry_seconds=0)
    [delivered] = deliveries(admin)
    assert (delivered["status"], delivered["attempts"]) == ("delivered", 3)
    assert len({p.delivery for p in receiver.posts}) == 1  # one delivery, sent until it took


def test_retries_wait_twice_as_long_each_time_up_to_a_day(api, admin, receiver):
    hook(admin, receiver, "product.created")
    receiver.status = 500
    api.product("DR-1")
    waits = []
    for _ in range(3):
        before = dt.datetime.now(dt.UTC)
        with db.database.connection_context():
            Delivery.update(next_attempt_at=before).execute()  # its time has come
        send(retry_seconds=5)
        due = dt.datetime.fromisoformat(deliveries(admin)[0]["next_attempt_at"])
        waits.append(round((due - before).total_seconds()))
    assert waits == [5, 10, 20]
    assert send(retry_seconds=5) == 0  # not before its time
    assert outbox.retry_wait(5, attempts=30) == outbox.MAX_WAIT_SECONDS


def test_a_redirect_is_not_followed_and_the_delivery_fails_until_the_receiver_takes_it(
        api, admin, receiver):
    elsewhere = Receiver()  # answers 200 to anything, a GET as well
    try:
        hook(admin, receiver, "product.created")
        receiver.redirect_to = elsewhere.url
        api.product("RD-1")
        send()
        [failing] = deliveries(admin)
        assert (failing["status"], failing["last_status"]) == ("failing", 302)
        assert elsewhere.url in failing["last_error"] and "redirect" in failing["last_error"]
        assert (elsewhere.gets, elsewhere.posts) == ([], [])  # nothing went where it pointed
        receiver.redirect_to = None
        send()
        assert deliveries(admin)[0]["status"] == "delivered"
        assert [p.json["record"]["sku"] for p in receiver.posts] == ["RD-1", "RD-1"]
    finally:
        elsewhere.close()


def test_a_receiver_that_never_finishes_its_answer_is_cut_off_at_the_deadline(
        api, admin, monkeypatch):
    monkeypatch.setattr(outbox, "SEND_TIMEOUT_SECONDS", 1)
    stalled = DrippingReceiver(pause=0.2)  # each byte within any read timeout
    try:
        hook(admin, stalled, "product.created")
        api.product("SL-1")
        sender = threading.Thread(target=contextvars.copy_context().run, args=(send,),
                                  daemon=True)  # in this test's database
        sender.start()
        sender.join(timeout=20)  # it drips for 60 s: only a deadline ends it sooner
        assert not sender.is_alive(), "the sender is still waiting for the answer"
        assert stalled.hung_up.wait(timeout=5)
        [failing] = deliveries(admin)
        assert (failing["status"], failing["last_status"]) == ("failing", None)
        assert "no answer within 1 s" in failing["last_error"]
    finally:
        stalled.close()


def test_events_of_one_record_arrive_in_order_even_when_one_fails(api, admin, receiver):
    hook(admin, receiver, "product.updated", "customer.created")
    product = api.product("DR-1")
    receiver.status = 503
    version = product["version"]
    for name in ("First", "Second"):
        version = api.patch(f"/api/v1/products/{product['id']}",
                            {"name": name, "version": version}).json["version"]
    send()
    assert [p.json["record"]["name"] for p in receiver.posts] == ["First"]  # Second waits
    receiver.status = 200
    api.customer("Ada")  # another record: not held up by the product's failing one
    send()
    send()
    of_product = [p.json["record"]["name"] for p in receiver.posts
                  if p.json["entity"] == "product"]
    assert of_product == ["First", "First", "Second"]  # again, then the next, in order
    assert [p.json["record"]["name"] for p in receiver.posts
            if p.json["entity"] == "customer"] == ["Ada"]


def test_a_test_event_and_a_redelivery(admin, receiver):
    created = hook(admin, receiver, "order.placed", secret=None)
    assert len(created["secret"]) >= 16  # made for us, shown this once
    assert "secret" not in admin.get(f"/api/v1/webhooks/{created['id']}").json
    delivery = admin.post(f"/api/v1/webhooks/{created['id']}/test", status=202).json
    send()
    [post] = receiver.wait_for(1)
    assert post.json["event"] == "webhook.test"
    assert post.headers["X-Tinyapp-Signature"] == outbox.sign(created["secret"], post.body)
    admin.post(f"/api/v1/webhook-deliveries/{delivery['id']}/redeliver")
    send()
    assert [p.delivery for p in receiver.wait_for(2)] == [delivery["id"]] * 2


def test_stock_low_fires_once_when_the_stock_crosses_the_reorder_level(api, admin, receiver):
    hook(admin, receiver, "stock.low")
    product = api.product("DR-1", stock=10, reorder_level=3)
    customer = api.customer()
    for quantity in (5, 3, 1):  # 10 -> 5 -> 2 (crosses 3) -> 1 (already low)
        api.placed_order(customer["id"], (product["id"], quantity))
    send()
    [post] = receiver.wait_for(1)
    assert post.json["record"]["stock"] == 2 and post.json["record"]["reorder_level"] == 3
    assert len(receiver.posts) == 1


def test_removing_a_webhook_drops_what_it_still_had_to_send(api, admin, receiver):
    created = hook(admin, receiver, "product.created")
    receiver.status = 503
    api.product("DR-1")
    send()
    admin.delete(f"/api/v1/webhooks/{created['id']}")
    assert deliveries(admin) == [] and send() == 0


def test_the_sender_thread_is_woken_by_the_commit_that_queues(app, api, admin, receiver):
    hook(admin, receiver, "customer.created")
    sender = outbox.Sender(app.database, retry_seconds=1, idle_seconds=3600).start()
    try:
        api.customer("Ada")  # no poll interval to wait for: the commit wakes it
        [post] = receiver.wait_for(1, timeout=20)
    finally:
        sender.stop()
    assert post.json["record"]["name"] == "Ada"


@pytest.mark.parametrize("url", ["ftp://example.org/x", "http://", "javascript:alert(1)",
                                 "http://host:99999/", "http://host:x/", "https://\u00de[x/",
                                 "http://a\uff0fb/", "http://a\u0007b/", "mailto:a\x00@b.org"])
def test_a_webhook_address_must_be_http_with_a_host(admin, url):
    problem = admin.post("/api/v1/webhooks", {"url": url, "events": ["order.placed"]},
                         status=422).json
    assert "url" in problem["errors"]


@pytest.mark.parametrize("url", ["http://u:p@bücher.example:8080/hook?x=1#y", "http://a:/",
                                 "mailto:ops@example.org"])
def test_an_address_the_document_allows_is_accepted(admin, url):
    from tinyapp.schemas.webhooks import URL_PATTERN

    assert re.fullmatch(URL_PATTERN, url)
    admin.post("/api/v1/webhooks", {"url": url, "events": ["order.placed"]}, status=201)


def test_an_unknown_event_is_refused_by_name(admin, receiver):
    problem = admin.post("/api/v1/webhooks", {"url": receiver.url, "events": ["order.eaten"]},
                         status=422).json
    assert "events" in problem["errors"]


def test_only_admins_manage_webhooks(api, receiver):
    api.post("/api/v1/webhooks", {"url": receiver.url, "events": ["order.placed"]},
             status=403)
