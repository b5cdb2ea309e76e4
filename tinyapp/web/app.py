"""Build the web application: read this first, it points to everything else.

``create_app(settings)`` wires the pieces together and returns a WSGI application:
the database (db.py), the route guard (guard.py), the error formats (errors.py),
the routes (health.py, api/, pages/), and the middleware around every request.
"""

from pathlib import Path

import bottle

from tinyapp import cache, db, querylog
from tinyapp.metrics import Metrics
from tinyapp.security.permissions import PUBLIC
from tinyapp.security.throttle import LoginThrottle
from tinyapp.web import api, auth, errors, health, pages
from tinyapp.web.guard import Guard
from tinyapp.web.middleware import RequestMiddleware
from tinyapp.web.setup import FirstRun

STATIC = Path(__file__).parent / "static"


class App(RequestMiddleware):
    """The WSGI application; ``.bottle`` holds the routes (for tests and tools)."""

    def __init__(self, bottle_app, settings, metrics: Metrics):
        super().__init__(bottle_app, settings, observers=[metrics.observe])
        self.bottle = bottle_app
        self.settings = settings
        self.metrics = metrics


def create_app(settings) -> App:
    """Build a fresh tinyapp for these settings; nothing is shared with other instances."""
    db.init_database(settings)
    querylog.set_slow_threshold(settings.SLOW_QUERY_MS)
    backend = cache.init_cache(settings.CACHE_URL)

    app = bottle.Bottle()
    app.config["tinyapp.settings"] = settings
    app.config["tinyapp.throttle"] = LoginThrottle(backend)
    app.config["tinyapp.first_run"] = FirstRun()
    app.install(Guard(check_access=auth.check_access))
    app.add_hook("after_request", _release_connection)
    errors.install(app)

    metrics = Metrics(settings)
    health.install(app)
    metrics.install(app)
    api.install(app)
    pages.install(app)
    app.route("/static/<path:path>", "GET", _static_file, permission=PUBLIC)

    for route in app.routes:
        route.prepare()  # build every guarded callback now, so a bad route fails at start
    return App(app, settings, metrics)


def _static_file(path):
    """Serve the stylesheet, scripts and images of the pages."""
    return bottle.static_file(path, root=str(STATIC), headers={"Cache-Control": "max-age=3600"})


def _release_connection():
    """Give the request's connection back to the pool; runs even when the handler raised."""
    db.release_connection(broken=bottle.request.environ.get("tinyapp.db_broken", False))
