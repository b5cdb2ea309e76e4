"""The system page (admins): database engine and version, pool, migrations, cache, slow SQL,
and backups (the list, "back up now", downloads through the API's download link)."""

import datetime as dt
import platform

import bottle

from tinyapp import __version__, backup, cache, db, demo, migrations, querylog
from tinyapp.config import mask_url
from tinyapp.errors import AppError
from tinyapp.explain import explain
from tinyapp.web import auth
from tinyapp.web.pages.forms import flash
from tinyapp.web.pages.view import page, redirect

ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL", "mysql": "MySQL / MariaDB"}


def show_system():
    """Show how tinyapp and its database are doing."""
    settings = bottle.request.app.config["tinyapp.settings"]
    backend = cache.current()
    slow = [{"at": dt.datetime.fromtimestamp(q.at, dt.UTC), "ms": q.ms, "sql": q.sql,
             "request_id": q.request_id, "plan": plan_of(q)} for q in querylog.slow_queries()]
    stats = backend.stats
    looked_up = stats.hits + stats.misses
    return page("system.tpl", "System", section="system", app_version=__version__,
                python_version=platform.python_version(),
                engine=ENGINE_NAMES[db.current_engine()],
                server_version=server_version(), database_url=mask_url(settings.DATABASE_URL),
                sqlite_warning=db.sqlite_library_warning()
                if db.current_engine() == "sqlite" else None,
                pool=db.current().pool_status(), migrations=migrations.status(),
                cache_kind="Redis" if isinstance(backend, cache.RedisCache) else "memory",
                cache_url=mask_url(settings.CACHE_URL), hits=stats.hits,
                misses=stats.misses,
                hit_rate=f"{100 * stats.hits / looked_up:.0f}%" if looked_up else "–",
                slow=slow, slow_ms=settings.SLOW_QUERY_MS,
                backups=backup.list_backups(settings)[:15],
                backup_age=backup_age_text(backup.last_backup_age_seconds(settings)),
                backup_dir=str(settings.BACKUP_DIR), backup_schedule=schedule_text(settings))


def back_up_now():
    """Make a backup now (the page waits for it) and say how it went."""
    settings = bottle.request.app.config["tinyapp.settings"]
    portable = bottle.request.forms.getunicode("portable") == "on"
    try:
        made = backup.make_backup(settings, portable=portable, user=auth.current_user())
        flash(f"Backup {made.name} made ({made.manifest.total_rows:,} rows).")
    except backup.BackupBusy:
        flash("A backup is already running; try again when it has finished.", "error")
    except backup.BackupError as exc:
        flash(f"The backup failed: {exc}.", "error")
    redirect("/system#backups")


def load_demo_data():
    """Fill an empty shop with the small demo data, to look around (admins)."""
    try:
        counts = demo.load_demo("small")
    except AppError as exc:
        flash(exc.message, "error")
        redirect("/")
    flash(f"Demo data loaded: {counts['products']} products, {counts['customers']} customers "
          f"and {counts['orders']} orders.")
    redirect("/")


def schedule_text(settings) -> str:
    """Say when tinyapp backs up by itself and how many backups it keeps."""
    keep = f"the newest {settings.BACKUP_KEEP} are kept"
    interval = settings.BACKUP_INTERVAL
    if not interval:
        return f"none is made on a schedule (BACKUP_INTERVAL is off); {keep}"
    every = f"{interval // 3600} hours" if interval >= 3600 else f"{interval // 60} minutes"
    return f"one is made every {every}; {keep}"


def backup_age_text(seconds: float | None) -> str:
    """Say how old the newest backup is, in words ("" when there is none)."""
    if seconds is None:
        return ""
    if seconds < 3600:
        return f"{int(seconds // 60)} minutes ago"
    if seconds < 2 * 86400:
        return f"{int(seconds // 3600)} hours ago"
    return f"{int(seconds // 86400)} days ago"


def plan_of(query: querylog.SlowQuery) -> list[str]:
    """The engine's plan for a slow SELECT, as it would run now (nothing for writes)."""
    if not query.sql.lstrip().upper().startswith("SELECT"):
        return []
    try:
        return explain(query.sql, query.params)
    except Exception as exc:  # noqa: BLE001 - a plan is a help, not a need
        return [f"(no plan: {exc.__class__.__name__})"]


def server_version() -> str:
    """The database server's version as peewee saw it when connecting (e.g. '16.4')."""
    version = db.current().peewee.server_version
    if isinstance(version, int):  # PostgreSQL: 160004 means 16.4
        return f"{version // 10000}.{version % 10000}"
    if isinstance(version, tuple):
        return ".".join(str(part) for part in version)
    return str(version or "unknown")


def install(app: bottle.Bottle) -> None:
    """Add this area's pages to the app."""
    app.route("/system", "GET", show_system, permission="system:manage")
    app.route("/system/backups", "POST", back_up_now, permission="backups:manage")
    app.route("/system/demo", "POST", load_demo_data, permission="system:manage")
