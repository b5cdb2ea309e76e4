"""A real webhook receiver: an HTTP server on 127.0.0.1 that records every post it gets.

It answers ``status`` (200 unless a test says otherwise), or a redirect to
``redirect_to``; it answers a GET with 200 and records it in ``gets`` (a redirected
post would arrive as one); it can be stopped and started again on the same port (the
receiver is "down": connections are refused), and lets a test wait for the nth post on
a condition variable instead of sleeping.

``DrippingReceiver`` is a receiver on a stalled network: it never finishes its answer.
``FloodingReceiver`` is a hostile one: its answer never ends either, but arrives as fast
as it can be read.
"""

import http.server
import json
import socket
import threading
import time
from dataclasses import dataclass


@dataclass
class Post:
    headers: dict
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)

    @property
    def delivery(self) -> int:
        return int(self.headers["X-Tinyapp-Delivery"])


class Receiver:
    def __init__(self):
        self.posts: list[Post] = []
        self.gets: list[str] = []
        self.status = 200
        self.redirect_to: str | None = None
        self._changed = threading.Condition()
        self._server = self._serve(0)
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hook"

    def _serve(self, port: int) -> http.server.ThreadingHTTPServer:
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the name http.server calls
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver._changed:
                    status = receiver.status
                    receiver.posts.append(Post(dict(self.headers), body))
                    receiver._changed.notify_all()
                if receiver.redirect_to:
                    self.send_response(302)
                    self.send_header("Location", receiver.redirect_to)
                else:
                    self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self):  # noqa: N802
                receiver.gets.append(self.path)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        http.server.ThreadingHTTPServer.allow_reuse_address = True
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server

    def wait_for(self, count: int, timeout: float = 30) -> list[Post]:
        """Wait until at least count posts arrived (AssertionError after timeout s)."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self.posts) >= count, timeout):
                raise AssertionError(f"{len(self.posts)} posts arrived, not {count}")
            return list(self.posts)

    def down(self) -> None:
        """Stop listening: tinyapp's posts are refused until ``up``."""
        self._server.shutdown()
        self._server.server_close()

    def up(self) -> None:
        self._server = self._serve(self.port)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class DrippingReceiver:
    """A server that starts its answer and never ends it: ``opening`` (an HTTP status
    line and the start of a header, or an SMTP greeting's first line), then a byte of
    that line every ``pause`` seconds, for up to ``longest`` seconds, or until tinyapp
    hangs up (``hung_up`` is set then). Each byte arrives well within any read timeout."""

    def __init__(self, pause: float = 0.2, longest: float = 60,
                 opening: bytes = b"HTTP/1.1 200 OK\r\nX-Slow: "):
        self.pause, self.longest, self.opening = pause, longest, opening
        self.hung_up = threading.Event()
        self._closing = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/hook"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self._closing.is_set():
            try:
                connection, _ = self._listener.accept()
            except OSError:  # closed
                return
            threading.Thread(target=self._drip, args=(connection,), daemon=True).start()

    def _drip(self, connection: socket.socket) -> None:
        with connection:
            ends = time.monotonic() + self.longest
            try:
                connection.sendall(self.opening)
                while time.monotonic() < ends and not self._closing.wait(self.pause):
                    if _closed_by_peer(connection):
                        break
                    connection.sendall(b"z")
            except OSError:
                pass  # reset by tinyapp
            if _closed_by_peer(connection):
                self.hung_up.set()

    def close(self) -> None:
        self._closing.set()
        self._listener.close()


def _closed_by_peer(connection: socket.socket) -> bool:
    """Whether the other end closed the connection (reading what it sent until then)."""
    try:
        while chunk := connection.recv(65536, socket.MSG_DONTWAIT):
            del chunk  # the rest of the request: never read
        return True  # end of file
    except BlockingIOError:
        return False  # open, with nothing more to read
    except OSError:
        return True  # reset


class FloodingReceiver:
    """A server whose answer has no end, sent as fast as the network takes it: ``opening``,
    then ``line`` again and again (an SMTP reply's "250-..." continuation lines, say),
    for up to ``longest`` seconds or until tinyapp hangs up (``hung_up`` is set then).
    ``sent`` counts the bytes it got out; a client that keeps all it reads fills its
    memory at the network's speed."""

    def __init__(self, opening: bytes, line: bytes, longest: float = 60):
        self.opening, self.line, self.longest = opening, line, longest
        self.sent = 0
        self.hung_up = threading.Event()
        self._closing = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        try:
            connection, _ = self._listener.accept()
        except OSError:  # closed
            return
        with connection:
            ends = time.monotonic() + self.longest
            chunk = self.line * max(1, 65536 // len(self.line))
            connection.settimeout(0.5)  # to look at the clock while tinyapp is not reading
            try:
                connection.sendall(self.opening)
                while time.monotonic() < ends and not self._closing.is_set():
                    try:
                        self.sent += connection.send(chunk)
                    except TimeoutError:
                        continue
            except OSError:  # tinyapp hung up
                self.hung_up.set()

    def close(self) -> None:
        self._closing.set()
        self._listener.close()
