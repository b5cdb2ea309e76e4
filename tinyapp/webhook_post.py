"""Posting one webhook event over HTTP: one deadline for the whole exchange, no redirects.

The sender (tinyapp/outbox.py) posts every delivery from one thread, so one receiver
must not be able to hold it:

- **A deadline, not a read timeout.** A socket timeout bounds each wait for the next
  bytes, not the answer: a receiver on a stalled network (or a hostile one) sending a
  byte of its headers every few seconds never trips it, and held the sender, and every
  other webhook's deliveries, for as long as it dripped; past its delivery's claim
  too, so a second tinyapp process could send the same event again. Here a
  ``Deadline`` (tinyapp/deadline.py) shuts the connection down once ``seconds`` have
  passed since the post began, whatever stage it is at (connecting, TLS, sending,
  waiting for the answer).
- **A redirect is an answer, not a new address.** urllib follows a 302 with a GET
  without the body, to wherever it points (another host, an address inside the
  server's network); that page's 200 marked the event delivered though the receiver
  never got it. A 3xx fails the delivery like any other answer that is not a 2xx, and
  the error says where it pointed, so an admin can fix the webhook's address.

Proxies from the environment (``https_proxy``...) are used as urllib uses them.
"""

import http.client
import socket
import urllib.error
import urllib.request

from tinyapp.deadline import Deadline


def post(url: str, body: bytes, headers: dict[str, str], seconds: float
         ) -> tuple[int | None, str]:
    """POST body to url; return (the answer's status, "") or (status or None, why not)."""
    deadline = Deadline(seconds)
    opener = urllib.request.build_opener(_RefuseRedirects, _HTTPHandler(deadline),
                                         _HTTPSHandler(deadline))
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with deadline, opener.open(request, timeout=seconds) as answer:
            status = answer.status
        if deadline.passed:  # cut in its headers, which then seemed to end: not an answer
            return None, f"no answer within {seconds:g} s"
        return status, ""
    except urllib.error.HTTPError as exc:
        exc.close()  # its connection: the answer's body is not read
        location = exc.headers.get("Location") if 300 <= exc.code < 400 else None
        if location:
            return exc.code, (f"answered {exc.code}, a redirect to {location[:200]}: "
                              "redirects are not followed (give the webhook that address)")
        return exc.code, f"answered {exc.code}"
    except (OSError, ValueError, http.client.HTTPException) as exc:
        if deadline.passed:
            return None, f"no answer within {seconds:g} s"
        return None, str(getattr(exc, "reason", exc))[:300] or type(exc).__name__


def _watched(connection_class: type, deadline: Deadline) -> type:
    """connection_class, its socket (the plain one, under any TLS) cut at the deadline."""
    class Watched(connection_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._create_connection = lambda *a, **k: deadline.watch(
                socket.create_connection(*a, **k))
    return Watched


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: Deadline):
        super().__init__()
        self.deadline = deadline

    def http_open(self, req):
        return self.do_open(_watched(http.client.HTTPConnection, self.deadline), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: Deadline):
        super().__init__()
        self.deadline = deadline

    def https_open(self, req):
        return self.do_open(_watched(http.client.HTTPSConnection, self.deadline), req,
                            context=self._context)


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 3xx goes on as an HTTPError: an answer that is not a 2xx
