"""Build the web application: read this first, it points to everything else.

``create_app(settings)`` wires the pieces together and returns a WSGI application:
the database (db.py), the route guard (guard.py), the error formats (errors.py),
the routes (health.py, api/, pages/), and the middleware around every request.
"""

from pathlib import Path

import bottle

from tinyapp import db, querylog
from tinyapp.db import Database
from tinyapp.metrics import Metrics
from tinyapp.security import passwords
from tinyapp.security.permissions import PUBLIC
from tinyapp.security.throttle import LoginThrottle
from tinyapp.web import api, auth, errors, health, pages
from tinyapp.web.guard import Guard
from tinyapp.web.middleware import RequestMiddleware
from tinyapp.web.setup import FirstRun

STATIC = Path(__file__).parent / "static"


class App(RequestMiddleware):
    """The WSGI application; ``.bottle`` holds the routes, ``.database`` the app's database."""

    def __init__(self, bottle_app, settings, database: Database, metrics: Metrics):
        super().__init__(bottle_app, settings, database, observers=[metrics.observe])
        self.bottle = bottle_app
        self.settings = settings
        self.metrics = metrics

    def close(self) -> None:
        """Close the app's database connections (when it stops serving)."""
        self.database.close()


def create_app(settings) -> App:
    """Build a fresh tinyapp for these settings; nothing is shared with other instances.

    The app owns its database (a pool for DATABASE_URL, with its cache): the middleware
    binds it around every request, the route guard borrows a connection from it for
    the route and gives it back after (db.py tells how).
    """
    database = Database.from_settings(settings)
    querylog.set_slow_threshold(settings.SLOW_QUERY_MS)
    passwords.limit_hashes(settings.LOGIN_SLOTS)

    app = bottle.Bottle()
    app.config["tinyapp.settings"] = settings
    app.config["tinyapp.database"] = database
    app.config["tinyapp.throttle"] = LoginThrottle(database.cache)
    app.config["tinyapp.first_run"] = FirstRun()
    app.install(Guard(check_access=auth.check_access, database=database))
    app.add_hook("after_request", _give_back_connection)
    errors.install(app)

    metrics = Metrics(settings)
    health.install(app)
    metrics.install(app)
    api.install(app)
    pages.install(app)
    app.route("/static/<path:path>", "GET", _static_file, permission=PUBLIC, database=False)

    for route in app.routes:
        route.prepare()  # build every guarded callback now, so a bad route fails at start
    return App(app, settings, database, metrics)


def _static_file(path):
    """Serve the stylesheet, scripts and images of the pages."""
    return bottle.static_file(path, root=str(STATIC), headers={"Cache-Control": "max-age=3600"})


def _give_back_connection():
    """Give back a connection something outside a route borrowed (an error page, say).

    Runs after every request, even when the handler raised; the guard has given back
    the route's own connection already.
    """
    db.current().give_back(broken=bottle.request.environ.get("tinyapp.db_broken", False))
