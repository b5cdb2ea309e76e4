"""A TCP forwarder between tinyapp and a real database server, to cut the line on demand.

``stop()`` closes every forwarded connection and refuses new ones (the database looks
down); ``start()`` forwards again (the database is back). ``stall()`` keeps every
connection open but lets no byte through, either way (a hung network or server: TCP
still acknowledges, nothing answers); ``resume()`` ends the stall. Nothing is mocked:
the app talks its real driver protocol to the real server through this socket.
"""

import socket
import threading
from urllib.parse import urlsplit, urlunsplit


def through(proxy: "TCPProxy", url: str) -> str:
    """The same database URL, with the proxy's address in place of the server's."""
    parts = urlsplit(url)
    credentials = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
    return urlunsplit(parts._replace(netloc=f"{credentials}127.0.0.1:{proxy.port}"))


class TCPProxy:
    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.forwarding = True
        self.black_hole = False  # accept but never answer: a hung server
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._held: list[socket.socket] = []
        self._lock = threading.Lock()
        self._flowing = threading.Event()
        self._flowing.set()
        self._stall_after: int | None = None  # bytes from the server, then a stall
        self._from_server = 0
        self._closed = False
        threading.Thread(target=self._accept_loop, daemon=True).start()

    def _accept_loop(self) -> None:
        while not self._closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.black_hole:
                with self._lock:
                    self._held.append(client)
                continue
            if not self.forwarding:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._pairs.append((client, upstream))
            for source, sink, answers in ((client, upstream, False),
                                          (upstream, client, True)):
                threading.Thread(target=self._pump, args=(source, sink, answers),
                                 daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, answers: bool) -> None:
        try:
            while chunk := source.recv(65536):
                if answers:
                    self._count_answer(len(chunk))
                self._flowing.wait()  # stalled: hold it (and what follows) until resumed
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            self._flowing.wait()  # a stall holds the end of a connection too
            for end in (source, sink):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def stop(self, black_hole: bool = False) -> None:
        """Cut every open connection; refuse (or silently hold) new ones."""
        self.forwarding = False
        self.black_hole = black_hole
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for pair in pairs:
            for end in pair:
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                end.close()

    def stall(self) -> None:
        """Let no byte through, either way, on any connection (they all stay open)."""
        self._flowing.clear()

    def stall_after(self, server_bytes: int) -> None:
        """Stall (as ``stall``) once the server has sent this many more bytes, on any
        connection: in the middle of a dump's rows, whoever reads them."""
        with self._lock:
            self._from_server, self._stall_after = 0, server_bytes

    def _count_answer(self, size: int) -> None:
        with self._lock:
            self._from_server += size
            if self._stall_after is not None and self._from_server >= self._stall_after:
                self._stall_after = None
                self._flowing.clear()

    def resume(self) -> None:
        """End a stall: what was held goes through, then everything flows again."""
        self._flowing.set()

    def start(self) -> None:
        """Forward new connections again."""
        self.black_hole = False
        with self._lock:
            held, self._held = self._held, []
        for sock in held:
            sock.close()
        self.forwarding = True

    def close(self) -> None:
        self._closed = True
        self.resume()
        self.stop()
        self.start()
        self.listener.close()
