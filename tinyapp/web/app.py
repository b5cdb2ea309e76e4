"""Build the web application: read this first, it points to everything else.

``create_app(settings)`` wires the pieces together and returns a WSGI application:
the database (db.py), the route guard (guard.py), the error formats (errors.py),
the routes (health.py, api/, pages/), and the middleware around every request.
"""

import bottle

from tinyapp import db, querylog
from tinyapp.web import errors, health
from tinyapp.web.guard import Guard
from tinyapp.web.middleware import RequestMiddleware


class App(RequestMiddleware):
    """The WSGI application; ``.bottle`` holds the routes (for tests and tools)."""

    def __init__(self, bottle_app, settings):
        super().__init__(bottle_app, settings)
        self.bottle = bottle_app
        self.settings = settings


def create_app(settings) -> App:
    """Build a fresh tinyapp for these settings; nothing is shared with other instances."""
    db.init_database(settings)
    querylog.set_slow_threshold(settings.SLOW_QUERY_MS)

    app = bottle.Bottle()
    app.config["tinyapp.settings"] = settings
    app.install(Guard(check_access=lambda permission: None))
    app.add_hook("after_request", _release_connection)
    errors.install(app)

    health.install(app)

    for route in app.routes:
        route.prepare()  # build every guarded callback now, so a bad route fails at start
    return App(app, settings)


def _release_connection():
    """Give the request's connection back to the pool; runs even when the handler raised."""
    db.release_connection(broken=bottle.request.environ.get("tinyapp.db_broken", False))
