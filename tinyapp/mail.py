"""E-mail: how an outbox event reaches a ``mailto:`` webhook (SMTP_URL, SMTP_FROM).

A webhook whose address is ``mailto:someone@example.org`` gets its events as e-mails
instead of HTTP posts, sent and retried by the same outbox sender (tinyapp/outbox.py).
The daily low-stock digest (``stock.digest``) reads as a list; other events as their
record and changed fields.

One e-mail's whole SMTP session, greeting to QUIT, has TIMEOUT_SECONDS
(tinyapp/deadline.py): a mail server that answers a byte at a time would otherwise
hold the sender, and every webhook's deliveries, for as long as it dripped. And one
reply has MAX_REPLY_BYTES: smtplib bounds each line of a reply but keeps every line,
so a server sending "250-..." lines without end, fast, filled the memory before the
deadline came.
"""

import json
import smtplib
import ssl
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from tinyapp.deadline import Deadline

TIMEOUT_SECONDS = 10  # for the whole session with the mail server
MAX_REPLY_BYTES = 64 * 1024  # one reply, all its lines (an EHLO's list is a few hundred)


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
            except (OSError, smtplib.SMTPException) as exc:
                if deadline.passed:
                    raise TimeoutError(f"no answer within {TIMEOUT_SECONDS:g} s") from None
                if isinstance(exc.__context__, ReplyTooLong):  # smtplib's words hide it
                    raise exc.__context__ from None
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


class ReplyTooLong(OSError):
    """The mail server's reply went on past MAX_REPLY_BYTES: not an answer, an attack."""


class _BoundedReply:
    """The file smtplib reads replies from, line by line, refusing a reply that goes on
    past MAX_REPLY_BYTES (``start`` begins the count for the next one)."""

    def __init__(self, file):
        self._file, self._left = file, MAX_REPLY_BYTES

    def start(self) -> None:
        self._left = MAX_REPLY_BYTES

    def readline(self, limit: int = -1) -> bytes:
        line = self._file.readline(limit)
        self._left -= len(line)
        if self._left < 0:  # an OSError: smtplib then closes the connection itself
            raise ReplyTooLong(f"the mail server's reply went on past "
                               f"{MAX_REPLY_BYTES // 1024} KiB")
        return line

    def close(self) -> None:
        self._file.close()


def _client(deadline: Deadline, tls: bool) -> type:
    """smtplib's client class (TLS from the start: SMTP_SSL), its socket cut at deadline,
    each reply it reads bounded (see _BoundedReply).

    SMTP_SSL makes its socket by asking SMTP for a plain one and wrapping it: the
    watching class sits between the two, so the TLS handshake is under the deadline too.
    """
    class Watched(smtplib.SMTP):
        def _get_socket(self, host, port, timeout):
            return deadline.watch(super()._get_socket(host, port, timeout))

        def getreply(self):
            # smtplib makes self.file at the first reply, and again after STARTTLS.
            if self.file is None and self.sock is not None:
                self.file = _BoundedReply(self.sock.makefile("rb"))
            if isinstance(self.file, _BoundedReply):
                self.file.start()
            return super().getreply()

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
