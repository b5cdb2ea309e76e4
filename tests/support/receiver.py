"""A real webhook receiver: an HTTP server on 127.0.0.1 that records every post it gets.

It answers ``status`` (200 unless a test says otherwise), can be stopped and started
again on the same port (the receiver is "down": connections are refused), and lets a
test wait for the nth post on a condition variable instead of sleeping.
"""

import http.server
import json
import threading
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
        self.status = 200
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
                self.send_response(status)
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
