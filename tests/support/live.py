"""A real tinyapp HTTP server in a background thread (waitress on 127.0.0.1, any free port)."""

import re
import threading
from contextlib import contextmanager

import waitress

from tinyapp.server import waitress_options
from tinyapp.web.app import create_app


@contextmanager
def live_server(settings, threads: int = 4):
    """Serve tinyapp for the duration of the block; yield (base URL, app).

    Stopping waitress from another thread: the workers first (a busy one would wake a
    closed loop), then the clients' keep-alive connections (closed by the server's own
    thread), then the listening socket. poll() instead of select() lets the loop see a
    socket closed under it instead of failing with EBADF.
    """
    app = create_app(settings)
    options = {**waitress_options(settings), "host": "127.0.0.1", "port": 0,
               "threads": threads, "asyncore_use_poll": True}
    server = waitress.create_server(app, **options)
    thread = threading.Thread(target=server.run, name="waitress", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}", app
    finally:
        server.task_dispatcher.shutdown(timeout=10)
        for channel in list(server._map.values()):
            channel.will_close = True
        server.pull_trigger()
        server.close()
        thread.join(timeout=10)


def served_url(process, seen: list[str] | None = None) -> str:
    """Read a `tinyapp serve` process's first lines up to 'serving http://…/'; return that URL.

    The lines read are appended to seen. Raises AssertionError with what it printed if
    it stopped before serving.
    """
    seen = [] if seen is None else seen
    for line in process.stdout:
        seen.append(line)
        found = re.search(r"serving (http://127\.0\.0\.1:\d+/)", line)
        if found:
            return found.group(1)
    raise AssertionError(f"tinyapp did not start: {''.join(seen)}{process.stderr.read()}")
