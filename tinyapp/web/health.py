"""Probes for process managers and load balancers: /healthz (alive) and /readyz (can serve)."""

import bottle

from tinyapp import db, migrations
from tinyapp.web.errors import error_response
from tinyapp.web.guard import PUBLIC


def healthz():
    """Answer as long as the process runs; touches nothing else."""
    return {"status": "ok"}


def readyz():
    """Answer 200 only when the database answers and its schema is up to date."""
    try:
        db.ping()
        with db.database.connection_context():
            waiting = migrations.pending()
    except db.DatabaseUnavailable as exc:
        return error_response(503, f"Database unreachable: {exc}", database="unreachable")
    if waiting:
        return error_response(503, "Database schema is behind: run `tinyapp migrate up`.",
                              database="ok", pending_migrations=waiting)
    return {"status": "ready", "database": "ok", "pending_migrations": []}


def install(app: bottle.Bottle) -> None:
    app.route("/healthz", "GET", healthz, permission=PUBLIC)
    app.route("/readyz", "GET", readyz, permission=PUBLIC)
