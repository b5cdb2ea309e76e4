"""A real tinyapp HTTP server in a background thread (waitress on 127.0.0.1, any free port)."""

import threading
from contextlib import contextmanager

import waitress

from tinyapp.server import waitress_options
from tinyapp.web.app import create_app


@contextmanager
def live_server(settings, threads: int = 4):
    """Serve tinyapp for the duration of the block; yield (base URL, app)."""
    app = create_app(settings)
    options = {**waitress_options(settings), "host": "127.0.0.1", "port": 0,
               "threads": threads}
    server = waitress.create_server(app, **options)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}", app
    finally:
        # Stop the worker threads first: closing the sockets under a busy worker makes
        # it fail to wake the main loop (EBADF) and print a traceback.
        server.task_dispatcher.shutdown(timeout=10)
        server.close()
        thread.join(timeout=10)
