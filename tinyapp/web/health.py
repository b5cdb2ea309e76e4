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
    database = db.current()
    try:
        database.ping()
        with database.connection():
            waiting = migrations.pending()
    except db.DatabaseUnavailable as exc:
        return error_response(503, f"Database unreachable: {exc}", database="unreachable")
    if waiting:
        return error_response(503, "Database schema is behind: run `tinyapp migrate up`.",
                              database="ok", pending_migrations=waiting)
    ready = {"status": "ready", "database": "ok", "pending_migrations": []}
    if db.current_engine() == "sqlite":
        ready["sqlite_library"] = db.sqlite3.sqlite_version
        if warning := db.sqlite_library_warning():
            ready["warnings"] = [warning]
    return ready


def install(app: bottle.Bottle) -> None:
    app.route("/healthz", "GET", healthz, permission=PUBLIC, database=False)
    app.route("/readyz", "GET", readyz, permission=PUBLIC, database=False)
