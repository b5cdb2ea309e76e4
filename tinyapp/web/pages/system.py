"""The system page (admins): database engine and version, pool, migrations, cache, slow SQL."""

import datetime as dt
import platform

import bottle

from tinyapp import __version__, cache, db, migrations, querylog
from tinyapp.config import mask_url
from tinyapp.web.pages.view import page

ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL", "mysql": "MySQL / MariaDB"}


def show_system():
    """Show how tinyapp and its database are doing."""
    settings = bottle.request.app.config["tinyapp.settings"]
    backend = cache.current()
    slow = [{"at": dt.datetime.fromtimestamp(q.at, dt.UTC), "ms": q.ms, "sql": q.sql,
             "request_id": q.request_id} for q in querylog.slow_queries()]
    looked_up = cache.stats.hits + cache.stats.misses
    return page("system.tpl", "System", section="system", app_version=__version__,
                python_version=platform.python_version(),
                engine=ENGINE_NAMES[db.current_engine()],
                server_version=server_version(), database_url=mask_url(settings.DATABASE_URL),
                pool=db.pool_status(), migrations=migrations.status(),
                cache_kind="Redis" if isinstance(backend, cache.RedisCache) else "memory",
                cache_url=mask_url(settings.CACHE_URL), hits=cache.stats.hits,
                misses=cache.stats.misses,
                hit_rate=f"{100 * cache.stats.hits / looked_up:.0f}%" if looked_up else "–",
                slow=slow, slow_ms=settings.SLOW_QUERY_MS)


def server_version() -> str:
    """The database server's version as peewee saw it when connecting (e.g. '16.4')."""
    version = db.database.obj.server_version
    if isinstance(version, int):  # PostgreSQL: 160004 means 16.4
        return f"{version // 10000}.{version % 10000}"
    if isinstance(version, tuple):
        return ".".join(str(part) for part in version)
    return str(version or "unknown")


def install(app: bottle.Bottle) -> None:
    """Add this area's pages to the app."""
    app.route("/system", "GET", show_system, permission="system:manage")
