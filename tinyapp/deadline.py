"""A deadline for a whole network exchange: a webhook's post, an e-mail's SMTP session.

Python's socket timeouts bound each wait for the next bytes, never the exchange: a peer
that sends a byte every few seconds (a stalled network, a hostile receiver) keeps a
timeout of ten seconds from ever firing, for as long as it likes. ``Deadline`` is a
timer that shuts the exchange's socket down when its time is up; the read or write
blocked on it returns at once (end of file, or an error), whatever stage the exchange
was at, and ``passed`` tells the caller why::

    with Deadline(10) as deadline:
        sock = deadline.watch(socket.create_connection(address, timeout=10))
        ...                                   # anything that reads or writes sock
    if deadline.passed:
        ...                                   # cut off: whatever was read is not an answer
"""

import socket
import threading


class Deadline:
    """Shuts the watched socket down once ``seconds`` have passed since the block began."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.passed = False
        self._socket: socket.socket | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._cut)
        self._timer.daemon = True

    def __enter__(self) -> "Deadline":
        self._timer.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._timer.cancel()

    def watch(self, sock: socket.socket) -> socket.socket:
        """Cut sock at the deadline (at once, if it passed while sock was connecting)."""
        with self._lock:
            self._socket = sock
            if not self.passed:
                return sock
        self._cut()
        return sock

    def _cut(self) -> None:
        with self._lock:
            self.passed = True
            sock = self._socket
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # closed already
