"""Webhooks through faults: `tinyapp serve` killed with SIGKILL while orders are placed
(SQLite), and the PostgreSQL server stopped and started again under the same load.

A real receiver on 127.0.0.1 records every post. At the end, with every delivery sent:
each committed change has its event (nothing lost), each event belongs to a committed
change and each post to a stored delivery (nothing invented), every post is signed
with the webhook's secret, and per order the posts came in the order of its changes
(a post cut by the kill comes again, before the next one: at least once, in order).
"""

import json
import threading

import pytest

from tests.reliability.conftest import OrderClient, ServerProcess
from tests.reliability.test_outage import DatabaseServer
from tests.support.polling import wait_until
from tests.support.receiver import Receiver
from tinyapp import db, outbox
from tinyapp.models import Delivery, Order, OutboxEvent, Webhook
from tinyapp.services import accounts, catalog, customers, webhooks

pytestmark = pytest.mark.slow

EVENTS = ["order.created", "order.placed", "order.cancelled"]
RETRY = {"TINYAPP_WEBHOOK_RETRY_SECONDS": "1"}
KILLS = 3


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.close()


def listen(receiver: Receiver) -> Webhook:
    with db.database.connection_context():
        return webhooks.create_webhook({"url": receiver.url, "events": EVENTS})


def place_orders_until(client: OrderClient, server_url: str, more: int, seed: int,
                       during=None) -> None:
    """Four clients place orders until ``more`` changes more are acknowledged, then stop.

    ``during`` (a function) runs once orders flow, before the clients stop.
    """
    stop = threading.Event()
    workers = [threading.Thread(target=client.run, args=(server_url, stop, seed + n))
               for n in range(4)]
    for worker in workers:
        worker.start()
    try:
        target = client.acknowledged + more
        wait_until(lambda: client.acknowledged >= target or client.unexpected, timeout=120,
                   what=f"{more} more acknowledged changes")
        if during:
            during()
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=60)


def all_sent() -> bool:
    with db.database.connection_context():
        return not Delivery.select().where(Delivery.delivered_at.is_null()).exists()


def check_every_change_told_once_or_more_in_order(hook: Webhook, receiver: Receiver) -> None:
    with db.database.connection_context():
        orders = dict(Order.select(Order.id, Order.status).tuples())
        events = {(e.event, e.entity_id) for e in OutboxEvent.select()}
        deliveries = {d.id: (d.event.event, d.record_key, d.event.body)
                      for d in Delivery.select(Delivery, OutboxEvent).join(OutboxEvent)}
    for order_id, status in orders.items():                     # nothing lost
        assert ("order.created", str(order_id)) in events
        if status in ("placed", "fulfilled", "cancelled"):
            assert ("order.placed", str(order_id)) in events, order_id
        if status == "cancelled":
            assert ("order.cancelled", str(order_id)) in events, order_id
    for event, order_id in events:                              # nothing invented
        assert int(order_id) in orders, (event, order_id)
        if event == "order.placed":
            assert orders[int(order_id)] in ("placed", "fulfilled", "cancelled")
    received: dict[str, list[int]] = {}
    for post in receiver.posts:
        assert post.delivery in deliveries, f"post of delivery {post.delivery} not stored"
        event, record_key, body = deliveries[post.delivery]
        assert post.body == body.encode() and post.json["event"] == event
        assert post.headers["X-Tinyapp-Signature"] == outbox.sign(hook.secret, post.body)
        received.setdefault(record_key, []).append(post.delivery)
    assert {d for ids in received.values() for d in ids} == set(deliveries)  # all arrived
    for record_key, ids in received.items():                    # in order per record
        assert ids == sorted(ids), f"{record_key} posts out of order: {ids}"


def test_sigkill_of_tinyapp_loses_no_webhook_event_and_keeps_their_order(sqlite_shop, receiver):
    settings, path, token, product_ids, customer_id = sqlite_shop
    hook = listen(receiver)
    db.database.close_all()
    client = OrderClient(token, product_ids, customer_id)
    url = f"sqlite:///{path}"
    for kill in range(KILLS):
        server = ServerProcess(settings.DATA_DIR, url, "--threads", "4", env=RETRY)
        try:
            if kill == 1:
                receiver.down()  # deliveries fail and wait for their retry across the kill
            place_orders_until(client, server.url, 60 + 40 * kill, seed=kill * 10,
                               during=server.kill)
        finally:
            server.stop()
            if kill == 1:
                receiver.up()
    assert client.unexpected == []
    server = ServerProcess(settings.DATA_DIR, url, env=RETRY)  # one more, to send the rest
    try:
        wait_until(all_sent, timeout=120, interval=0.2, what="every delivery sent")
    finally:
        server.stop()
    check_every_change_told_once_or_more_in_order(hook, receiver)
    duplicates = len(receiver.posts) - len({post.delivery for post in receiver.posts})
    print(f"{KILLS} SIGKILLs: {len(receiver.posts)} posts, {duplicates} sent again after "
          f"a kill cut their answer")


@pytest.mark.outage
@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
def test_a_database_restart_loses_no_webhook_event_and_keeps_their_order(
        request, engine, server_url, database, migrated_url, tmp_path, receiver):
    if "outage" not in (request.config.option.markexpr or ""):
        pytest.skip("stops the shared database server: run with -m outage (CI does)")
    with db.database.connection_context():
        staff = accounts.create_user("staff@example.com", "Sam", "a long passphrase 1",
                                     role="staff")
        _, token = accounts.create_token(staff, "webhook outage")
        products = [catalog.create_product({"sku": f"WH-{n}", "name": f"Hooked {n}",
                                            "price": "1.00", "stock": 100_000}).id
                    for n in range(6)]
        customer = customers.create_customer({"name": "Hooked Customer"}).id
    hook = listen(receiver)
    db.database.close_all()
    client = OrderClient(token, products, customer)
    postgres = DatabaseServer(engine, server_url)
    server = ServerProcess(tmp_path, migrated_url, "--pool-timeout", "2", env=RETRY)
    try:
        def restart():
            try:
                postgres.stop()
                wait_until(lambda: len(client.unavailable) >= 10 or client.unexpected,
                           timeout=60, what="answers of 503 while the server is away")
            finally:
                postgres.start()
            back = client.acknowledged
            wait_until(lambda: client.acknowledged >= back + 30 or client.unexpected,
                       timeout=60, what="orders flowing again")
        place_orders_until(client, server.url, 40, seed=1, during=restart)
        assert client.unexpected == []
        wait_until(all_sent, timeout=120, interval=0.2, what="every delivery sent")
    finally:
        server.stop()
        postgres.start()
    check_every_change_told_once_or_more_in_order(hook, receiver)
    assert all(json.loads(post.body)["entity"] == "order" for post in receiver.posts)
    print(f"PostgreSQL restart: {len(receiver.posts)} posts, {len(client.unavailable)} "
          f"answers of 503 while it was away")
