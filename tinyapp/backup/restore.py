"""Restore: check everything that can be checked, save what is there, build apart, swap in.

In order: the payload's checksum; the schema (a backup from a newer tinyapp is refused);
the engine (a native dump goes back into its own engine, a portable backup into any);
the target (rows already there are replaced only with force, after a safety backup of
them). Then the restore is built apart from the live data (staging.py) by load.py:
tinyapp's own schema, the backup's rows and nothing else, counts and references
checked, migrations applied. Only then is it swapped in, all at once. Whatever goes
wrong before the swap, and wherever the process is killed, the live database is the
old one, unchanged; after the swap it is the restored one.
"""

import logging
from dataclasses import dataclass, field
from pathlib import Path

import peewee

from tinyapp import __version__, cache, faults, migrations
from tinyapp.backup.common import (
    ENGINE_LABELS,
    count_rows,
    engine_label,
    migration_number,
    open_database,
    progress_factory,
)
from tinyapp.backup.files import check_payload, opened
from tinyapp.backup.load import build
from tinyapp.backup.make import write_backup
from tinyapp.backup.manifest import BackupError, Manifest, read_manifest
from tinyapp.backup.retention import prune
from tinyapp.backup.staging import staged_restore
from tinyapp.config import Settings, mask_url
from tinyapp.db import describe_error, engine_of, identity_of, sqlite_path
from tinyapp.models import Change, User, utcnow
from tinyapp.serving import is_served

log = logging.getLogger("tinyapp.backup")

# The engine each native format can go back into; "portable" goes anywhere.
NATIVE_ENGINE = {"sqlite": "sqlite", "pg_dump": "postgresql", "mysqldump": "mysql"}
SAFETY = "safety"  # BACKUP_DIR/safety: what each forced restore replaced


@dataclass
class Restored:
    folder_name: str
    manifest: Manifest
    target: str                      # the database URL, password masked
    safety_backup: Path | None       # what the target held before, if anything
    migrated: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # done, but see to this


def restore_backup(path: Path, settings: Settings, database_url: str | None = None,
                   force: bool = False, *, user: User | None = None,
                   interactive: bool = False, while_running: bool = False) -> Restored:
    """Replace the target database's data with a backup's; BackupError says why not.

    Nothing is changed until the checksum, schema, engine and target checks pass, and
    nothing at all if the backup then fails to build (the message says so).
    """
    target = database_url or settings.DATABASE_URL
    with opened(Path(path), settings.BACKUP_DIR) as folder:
        manifest = read_manifest(folder)
        check_payload(folder, manifest)
        check_schema(manifest)
        check_engine(manifest, target)
        if not while_running and _served(target):
            raise BackupError(f"a tinyapp server is serving {mask_url(target)} right now, and "
                              "a restore would replace the data under it: stop it first "
                              "(e.g. systemctl stop tinyapp), or add --force-while-running")
        shared = _shared_cache(settings.CACHE_URL, target)
        rows = rows_in(target)
        if rows and not force:
            raise BackupError(f"{mask_url(target)} already holds {rows:,} rows; restoring "
                              "replaces them. Add --force to go ahead (they are saved in a "
                              "safety backup first)")
        safety = _safety_backup(settings, target) if rows else None
        faults.point("restore:saved")
        try:
            with staged_restore(target) as (db, workdir):
                build(folder, manifest, db, workdir, progress_factory(interactive))
                _record(db, folder.name, manifest, safety, user)
        except BackupError as exc:
            raise BackupError(f"{exc}. Nothing was restored: {mask_url(target)} holds what "
                              "it held before") from None
        faults.point("restore:swapped")
        warnings = [] if shared is None or shared.clear() else [
            f"the shared cache at {mask_url(settings.CACHE_URL)} stopped answering, so what "
            f"it holds from before the restore was not emptied: delete its keys "
            f"{shared.prefix}* (redis-cli --scan --pattern '{shared.prefix}*' | xargs "
            "redis-cli del), or start the server an hour from now, when they have expired"]
    log.info("restored %s into %s", folder.name, mask_url(target))
    return Restored(folder.name, manifest, mask_url(target), safety, newer_migrations(manifest),
                    warnings)


def _shared_cache(cache_url: str, target: str):
    """The Redis cache of the database being replaced, checked to answer; None: no Redis.

    Redis outlives the servers, and what it holds of this database (pages, reports,
    API tokens) describes the data before the restore: a token made since the backup
    would still open the door. So the restore empties it once the new data is in, and
    does not start while Redis cannot be reached. (A memory cache dies with its server;
    the command line tells whoever forced a restore under a running one to restart it.)
    """
    if not cache.is_shared(cache_url):
        return None
    shared = cache.make_cache(cache_url, identity_of(target))
    if not shared.ping():
        raise BackupError(f"the shared cache CACHE_URL={mask_url(cache_url)} does not answer, "
                          "and a restore must empty what it holds of this database (pages, "
                          "reports and API tokens from before), or the next server would "
                          "serve them: start Redis and restore again. Nothing was changed")
    return shared


def _served(target: str) -> bool:
    try:
        return is_served(target)
    except peewee.DatabaseError as exc:
        raise BackupError(f"cannot reach {mask_url(target)}: {describe_error(exc)}") from None


def newer_migrations(manifest: Manifest) -> list[str]:
    """Name the migrations a restore applies after loading this backup (those it predates)."""
    known = [m.name for m in migrations.Migration.load_directory(str(migrations.DIRECTORY))]
    return [name for name in known
            if migration_number(name) > migration_number(manifest.schema_version)]


def _record(db: peewee.Database, name: str, manifest: Manifest, safety: Path | None,
            user: User | None) -> None:
    """Write the restore into the restored data's journal, before the swap: both or neither."""
    values = {"at": utcnow(), "action": "restore", "entity": "backup", "request_id": "",
              "entity_id": name[:64], "changes": {}, "note": "", "details": {
                  "format": manifest.format, "by": user.email if user else "",
                  "safety_backup": safety.name if safety else ""}}
    # A plain table insert: the model is bound to the app's database, not to this one.
    fields, table = Change._meta.fields, peewee.Table(Change._meta.table_name)
    table.insert({table.c[fields[name].column_name]: fields[name].db_value(value)
                  for name, value in values.items()}).execute(db)


def check_schema(manifest: Manifest) -> None:
    """Refuse a backup whose schema this tinyapp does not know (made by a newer one)."""
    known = [m.name for m in migrations.Migration.load_directory(str(migrations.DIRECTORY))]
    version = manifest.schema_version
    if version in known:
        return
    if version is None:
        raise BackupError("the backup holds no tinyapp tables (its database was never "
                          "migrated); there is nothing to restore")
    if migration_number(version) > migration_number(known[-1]):
        raise BackupError(f"the backup comes from a newer tinyapp ({manifest.app_version}, "
                          f"schema {version}); this tinyapp {__version__} knows the schema "
                          f"up to {known[-1]}: upgrade tinyapp, then restore")
    raise BackupError(f"the backup's schema {version} is not one this tinyapp knows")


def check_engine(manifest: Manifest, target: str) -> None:
    """Refuse to load a native dump into another engine; portable backups go anywhere."""
    needed = NATIVE_ENGINE.get(manifest.format)
    if needed and engine_of(target) != needed:
        raise BackupError(f"a {manifest.format} backup can only be restored into "
                          f"{ENGINE_LABELS[needed]}; to move to {engine_label(target)}, make "
                          "a portable backup (tinyapp backup --portable) and restore that")


def rows_in(url: str) -> int:
    """Count the rows in tinyapp's tables at url (0 for a missing SQLite file)."""
    path = sqlite_path(url)
    if path is not None and not path.exists():
        return 0
    try:
        db = open_database(url)
        try:
            return sum(count_rows(db).values())
        finally:
            db.close_all()
    except peewee.DatabaseError as exc:
        raise BackupError(f"cannot read {mask_url(url)}: {describe_error(exc)}") from None


def _safety_backup(settings: Settings, target: str) -> Path:
    parent = settings.BACKUP_DIR / SAFETY
    folder = write_backup(target, parent)
    prune(parent, settings.BACKUP_KEEP)
    log.info("saved what %s held in %s", mask_url(target), folder)
    return folder
