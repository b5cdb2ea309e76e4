"""Schema changes as numbered scripts (0001_initial.py, 0002_...), run by playhouse.migrations.

Each script has ``up(migrator, db)`` and ``down(migrator, db)``; the runner records
applied scripts in the ``schema_migration`` table and wraps each one in a transaction.
To change the schema: add the next numbered script, never edit an applied one.
"""

from pathlib import Path

import peewee
from playhouse.migrations import Migration, MigrationError, Runner

from tinyapp.db import bound_database, database

DIRECTORY = Path(__file__).parent

__all__ = ["Migration", "MigrationError", "downgrade", "pending", "schema_version",
           "status", "upgrade"]


def _runner(db: peewee.Database | None = None) -> Runner:
    return Runner(db or database.obj, str(DIRECTORY), table_name="schema_migration")


def status() -> list[Migration]:
    """List every migration, applied or not, in order."""
    return _runner().status()


def pending() -> list[str]:
    """Name the migrations not yet applied to the database."""
    return [m.name for m in status() if not m.applied and m.path is not None]


def upgrade(target: str | None = None, db: peewee.Database | None = None) -> list[str]:
    """Apply pending migrations (up to target) to db (default: the app's); return their names."""
    applied = _runner(db).up(target)
    if applied and db is None:
        _forget_cached()
    return applied


def downgrade(target: str | None = None) -> list[str]:
    """Revert the latest migration (or back through target); return their names."""
    reverted = _runner().down(target)
    if reverted:
        _forget_cached()
    return reverted


def _forget_cached() -> None:
    """Empty the app's cache after a change of schema, which no unit of work journals.

    Pages cached under the old schema lack what the new one adds, and a Redis cache
    outlives the processes that filled it (tinyapp/cache.py).
    """
    bound = bound_database()
    if bound is not None:
        bound.cache.clear()


def schema_version() -> str | None:
    """Name the latest applied migration, or None for an empty database."""
    applied = [m.name for m in status() if m.applied]
    return applied[-1] if applied else None


def latest() -> str:
    """Name the newest migration this version of tinyapp knows."""
    return Migration.load_directory(str(DIRECTORY))[-1].name
