"""E-mail through the outbox: mailto: webhooks and the daily low-stock digest, sent to a
real SMTP server (aiosmtpd on 127.0.0.1) that asks for a password."""

import contextvars
import socket
import threading

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from tests.support.receiver import DrippingReceiver, FloodingReceiver
from tinyapp import db, mail, outbox
from tinyapp.mail import Mailer
from tinyapp.models import Delivery
from tinyapp.models.base import business_today
from tinyapp.services import catalog, customers, orders, webhooks

LOGIN, PASSWORD = "shop", "mail pass phrase"
# Plain SMTP with a password, on 127.0.0.1 only: the test server says it is unwise.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


class Mailbox:
    """What the SMTP server received; a test waits for the nth message, no sleeping."""

    def __init__(self):
        self.messages = []
        self._arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        with self._arrived:
            self.messages.append(envelope)
            self._arrived.notify_all()
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 30) -> list:
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self.messages) >= count, timeout):
                raise AssertionError(f"{len(self.messages)} e-mails arrived, not {count}")
            return list(self.messages)


def _check_password(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == LOGIN.encode() and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok)


@pytest.fixture
def mail_server():
    with socket.socket() as probe:  # aiosmtpd's controller needs the port up front
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port,
                            authenticator=_check_password, auth_required=True,
                            auth_require_tls=False)
    controller.start()
    yield mailbox, f"smtp://{LOGIN}:{PASSWORD.replace(' ', '%20')}@127.0.0.1:{port}"
    controller.stop()


@pytest.fixture
def low_shop(database):
    with db.database.connection_context():
        low = catalog.create_product({"sku": "LOW-1", "name": "Nearly gone", "price": "1.00",
                                      "stock": 2, "reorder_level": 5})
        catalog.create_product({"sku": "OK-1", "name": "Plenty", "price": "1.00",
                                "stock": 50, "reorder_level": 5})
    return low


def mail_hook(*events: str):
    with db.database.connection_context():
        return webhooks.create_webhook({"url": "mailto:boss@example.org", "events": events})


def test_the_daily_digest_mails_every_low_product_once_a_day(mail_server, low_shop):
    mailbox, smtp_url = mail_server
    mail_hook("stock.digest")
    sender = outbox.Sender(db.current(), retry_seconds=1, digest_hour=0,
                           mailer=Mailer(smtp_url, "shop@example.org")).start()
    try:
        [mail] = mailbox.wait_for(1)
    finally:
        sender.stop()
    assert mail.mail_from == "shop@example.org" and mail.rcpt_tos == ["boss@example.org"]
    text = mail.content.decode()
    assert "Subject: tinyapp: 1 products low on stock" in text
    assert "LOW-1  Nearly gone: 2 in stock (reorder at 5)" in text and "OK-1" not in text
    with db.database.connection_context():
        delivery = Delivery.get()
        assert (delivery.status, delivery.last_status) == ("delivered", 250)
        assert outbox.queue_digest(business_today()) is None  # once a day, restarts too
        assert outbox.send_due(1, Mailer(smtp_url, "shop@example.org")) == 0


def test_a_mailto_webhook_gets_each_event_it_wants_as_an_e_mail(mail_server, low_shop):
    mailbox, smtp_url = mail_server
    mail_hook("order.placed")
    with db.database.connection_context():
        ada = customers.create_customer({"name": "Ada"})
        order = orders.create_order({"customer_id": ada.id, "lines": [
            {"product_id": low_shop.id, "quantity": 1}]})
        orders.place_order(order.id)
        assert outbox.send_due(1, Mailer(smtp_url, "shop@example.org")) == 1
    [mail] = mailbox.wait_for(1)
    assert f"Subject: tinyapp: order.placed order {order.id}" in mail.content.decode()


def test_without_smtp_url_a_mailto_delivery_fails_saying_so_and_waits_to_retry(low_shop):
    mail_hook("stock.digest")
    with db.database.connection_context():
        outbox.queue_digest(business_today())
        outbox.send_due(1, Mailer("", "shop@example.org"))
        delivery = Delivery.get()
    assert delivery.status == "failing" and "SMTP_URL" in delivery.last_error
    assert delivery.next_attempt_at > delivery.event.at


def test_no_digest_is_queued_when_nothing_is_low(database):
    mail_hook("stock.digest")
    with db.database.connection_context():
        assert outbox.queue_digest(business_today()) is None
        assert not Delivery.select().exists()


def test_a_mail_server_that_never_finishes_its_greeting_is_cut_off_at_the_deadline(
        database, monkeypatch):
    monkeypatch.setattr(mail, "TIMEOUT_SECONDS", 1)
    stalled = DrippingReceiver(opening=b"220-")  # a greeting line that never ends
    try:
        mail_hook("product.created")
        with db.database.connection_context():
            catalog.create_product({"sku": "ML-1", "name": "Mailed", "price": "1.00"})
        mailer = Mailer(f"smtp://127.0.0.1:{stalled.port}", "shop@example.org")

        def send():
            with db.database.connection_context():
                outbox.send_due(0, mailer)
        sender = threading.Thread(target=contextvars.copy_context().run, args=(send,),
                                  daemon=True)
        sender.start()
        sender.join(timeout=20)  # it drips for 60 s: only a deadline ends it sooner
        assert not sender.is_alive(), "the sender is still waiting for the greeting"
        assert stalled.hung_up.wait(timeout=5)
        with db.database.connection_context():
            [delivery] = Delivery.select()
        assert (delivery.delivered_at, delivery.attempts) == (None, 1)
        assert "no answer within 1 s" in delivery.last_error
    finally:
        stalled.close()


def test_a_mail_server_whose_reply_never_ends_is_hung_up_on_before_it_fills_the_memory(
        monkeypatch):
    # Each line is short and the whole reply arrives fast: neither smtplib's line limit
    # nor the deadline stops it, and smtplib keeps every line of a reply it reads.
    monkeypatch.setattr(mail, "TIMEOUT_SECONDS", 30)
    flood = FloodingReceiver(opening=b"220 mail.example.org ready\r\n",
                             line=b"250-" + b"x" * 60 + b"\r\n")
    try:
        mailer = Mailer(f"smtp://127.0.0.1:{flood.port}", "shop@example.org")
        with pytest.raises(OSError, match="reply went on past 64 KiB"):
            mailer.send("ops@example.org", "Hello", "a message")
        assert flood.hung_up.wait(timeout=10)
        assert flood.sent < 16 * 2**20  # what the sockets' buffers hold, not gigabytes
    finally:
        flood.close()
