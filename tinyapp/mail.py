"""E-mail: how an outbox event reaches a ``mailto:`` webhook (SMTP_URL, SMTP_FROM).

A webhook whose address is ``mailto:someone@example.org`` gets its events as e-mails
instead of HTTP posts, sent and retried by the same outbox sender (tinyapp/outbox.py).
The daily low-stock digest (``stock.digest``) reads as a list; other events as their
record and changed fields.

One e-mail's whole SMTP session, greeting to QUIT, has TIMEOUT_SECONDS
(tinyapp/deadline.py): a mail server that answers a byte at a time would otherwise
hold the sender, and every webhook's deliveries, for as long as it dripped.
"""

import json
import smtplib
import ssl
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from tinyapp.deadline import Deadline

TIMEOUT_SECONDS = 10  # for the whole session with the mail server


class MailNotConfigured(Exception):
    """A mailto: webhook exists but SMTP_URL is not set."""


class Mailer:
    def __init__(self, smtp_url: str, sender: str):
        self.smtp_url, self.sender = smtp_url, sender

    def send(self, to: str, subject: str, text: str) -> None:
        """Send one plain-text e-mail; raises OSError/smtplib errors when it was not taken,
        TimeoutError when the mail server did not finish within TIMEOUT_SECONDS."""
        if not self.smtp_url:
            raise MailNotConfigured("SMTP_URL is not set, so e-mail cannot be sent")
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, to, subject
        message.set_content(text)
        with Deadline(TIMEOUT_SECONDS) as deadline:
            try:
                self._deliver(message, deadline)
            except (OSError, smtplib.SMTPException):
                if deadline.passed:
                    raise TimeoutError(f"no answer within {TIMEOUT_SECONDS:g} s") from None
                raise

    def _deliver(self, message: EmailMessage, deadline: Deadline) -> None:
        parts = urlsplit(self.smtp_url)
        if parts.scheme == "smtps":
            server = _client(deadline, tls=True)(
                parts.hostname, parts.port or 465, timeout=TIMEOUT_SECONDS,
                context=ssl.create_default_context())
        else:
            server = _client(deadline, tls=False)(parts.hostname, parts.port or 25,
                                                  timeout=TIMEOUT_SECONDS)
        with server:
            if parts.scheme == "smtp" and server.has_extn("starttls"):
                server.starttls(context=ssl.create_default_context())
            if parts.username:
                server.login(unquote(parts.username), unquote(parts.password or ""))
            server.send_message(message)
        if deadline.passed:  # cut in a reply, which then seemed to end: not taken
            raise TimeoutError(f"no answer within {TIMEOUT_SECONDS:g} s")


def _client(deadline: Deadline, tls: bool) -> type:
    """smtplib's client class (TLS from the start: SMTP_SSL), its socket cut at deadline.

    SMTP_SSL makes its socket by asking SMTP for a plain one and wrapping it: the
    watching class sits between the two, so the TLS handshake is under the deadline too.
    """
    class Watched(smtplib.SMTP):
        def _get_socket(self, host, port, timeout):
            return deadline.watch(super()._get_socket(host, port, timeout))

    class WatchedTLS(smtplib.SMTP_SSL, Watched):
        pass

    return WatchedTLS if tls else Watched


def compose(event: dict) -> tuple[str, str]:
    """The subject and text of the e-mail that tells of an event's body."""
    if event["event"] == "stock.digest":
        products = event["products"]
        subject = f"tinyapp: {len(products)} products low on stock ({event['id']})"
        lines = [f"Low on stock on {event['id']} (stock at or below its reorder level):", ""]
        lines += [f"- {p['sku']}  {p['name']}: {p['stock']} in stock "
                  f"(reorder at {p['reorder_level']})" for p in products]
        return subject, "\n".join(lines) + "\n"
    subject = f"tinyapp: {event['event']} {event['entity']} {event['id']}"
    body = {key: event[key] for key in ("record", "changes") if event.get(key) is not None}
    return subject, f"{event['event']} at {event['at']}\n\n" + json.dumps(
        body, indent=2, sort_keys=True, default=str) + "\n"
