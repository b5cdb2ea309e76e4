"""What happens around every request, whatever route it hits (or misses).

A plain WSGI wrapper, so it also covers Bottle's own 404/405/500 answers: it binds the
app's database for the request (and for a body streamed after it), gives the request
an id, believes X-Forwarded-* only from TRUSTED_PROXY, counts the SQL the request ran,
adds the security headers, and writes one log line when it is done.
"""

import logging
import re
import secrets
import time

from tinyapp import querylog
from tinyapp.unit_of_work import request_context
from tinyapp.web import inspector

log = logging.getLogger("tinyapp.request")

_FORWARDED = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST",
              "HTTP_X_FORWARDED_PORT", "HTTP_FORWARDED")
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

# No inline script or style anywhere in tinyapp's pages, so the policy can forbid them.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; "
                           "img-src 'self' data:; object-src 'none'; base-uri 'self'; "
                           "form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
]
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


class RequestMiddleware:
    """Wrap the Bottle app with request ids, proxy handling, headers, timing and logging."""

    def __init__(self, app, settings, database, observers=()):
        self.app = app
        self.database = database
        self.trusted_proxy = settings.TRUSTED_PROXY
        self.show_sql = settings.SHOW_SQL
        self.observers = list(observers)  # called with (environ, status, seconds, queries)

    def __call__(self, environ, start_response):
        request_id = self._request_id(environ)
        environ["tinyapp.request_id"] = request_id
        self._apply_forwarded_headers(environ)
        started = time.perf_counter()
        answer = {}

        def start(status, headers, exc_info=None):
            # Held back until the body is known, so headers can still be added.
            answer.update(status=status, headers=headers, exc_info=exc_info)
            return lambda data: None  # Bottle never uses the write() callable

        with self.database.bound(), request_context(request_id):
            with querylog.track(keep_statements=self.show_sql,
                                request_id=request_id) as queries:
                environ["tinyapp.queries"] = queries
                body = self.app(environ, start)
            headers = answer["headers"]
            if self.show_sql and inspector.wanted(environ):  # (its EXPLAINs not counted)
                body, headers = inspector.annotate(environ, headers, body)
        if not isinstance(body, list):  # Bottle's answers are lists; a stream is read later
            body = _BoundBody(body, self.database, request_id)
        headers.extend(self._extra_headers(environ, request_id, queries, started))
        start_response(answer["status"], headers, answer["exc_info"])
        status = int(answer["status"].split(" ", 1)[0])
        seconds = time.perf_counter() - started
        self._log(environ, status, seconds, queries)
        for observe in self.observers:
            observe(environ, status, seconds, queries)
        return body

    @staticmethod
    def _request_id(environ) -> str:
        incoming = environ.get("HTTP_X_REQUEST_ID", "")
        return incoming if _SAFE_REQUEST_ID.match(incoming) else secrets.token_hex(8)

    def _apply_forwarded_headers(self, environ) -> None:
        """Trust X-Forwarded-For/Proto only when the peer is the configured proxy.

        From anyone else the headers are removed, not just ignored: Bottle itself would
        otherwise believe X-Forwarded-Proto/Host when it builds URLs and redirects.
        """
        peer = environ.get("REMOTE_ADDR", "")
        environ["tinyapp.client_ip"] = peer
        if not self.trusted_proxy or peer != self.trusted_proxy:
            for name in _FORWARDED:
                environ.pop(name, None)
            return
        forwarded_for = environ.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded_for:
            # The proxy appends the address it saw last: that is the one to believe.
            environ["tinyapp.client_ip"] = forwarded_for.split(",")[-1].strip()[:45]
        proto = environ.get("HTTP_X_FORWARDED_PROTO", "").split(",")[-1].strip().lower()
        if proto in ("http", "https"):
            environ["wsgi.url_scheme"] = environ["HTTP_X_FORWARDED_PROTO"] = proto
        else:
            environ.pop("HTTP_X_FORWARDED_PROTO", None)

    @staticmethod
    def _extra_headers(environ, request_id, queries, started):
        elapsed_ms = (time.perf_counter() - started) * 1000
        headers = list(SECURITY_HEADERS)
        if environ.get("wsgi.url_scheme") == "https":
            headers.append(HSTS)
        headers.append(("X-Request-ID", request_id))
        headers.append(("Server-Timing", f'db;dur={queries.seconds * 1000:.1f};'
                                         f'desc="{queries.count} queries", '
                                         f"app;dur={elapsed_ms:.1f}"))
        return headers

    @staticmethod
    def _log(environ, status, seconds, queries) -> None:
        path = environ.get("PATH_INFO", "")
        if path in ("/healthz", "/metrics"):
            return  # probes every few seconds would drown the log
        user = environ.get("tinyapp.user_id", "-")
        log.info("%s %s %s %.1fms user=%s queries=%d",
                 environ.get("REQUEST_METHOD"), path, status, seconds * 1000, user,
                 queries.count,
                 extra={"request_id": environ["tinyapp.request_id"],
                        "method": environ.get("REQUEST_METHOD"), "path": path,
                        "status": int(status), "duration_ms": round(seconds * 1000, 2),
                        "user": user, "queries": queries.count,
                        "db_ms": round(queries.seconds * 1000, 2)})


class _BoundBody:
    """A response body that is read after the handler returned (a streamed CSV export):
    it reads with the app's database bound, as the handler did."""

    def __init__(self, body, database, request_id: str):
        self.body, self.database, self.request_id = body, database, request_id

    def __iter__(self):
        iterator = iter(self.body)
        while True:
            with self.database.bound(), request_context(self.request_id):
                try:
                    chunk = next(iterator)
                except StopIteration:
                    return
            yield chunk

    def close(self) -> None:
        close = getattr(self.body, "close", None)
        if close is not None:
            with self.database.bound():
                close()
