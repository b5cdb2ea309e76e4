"""Restore: check everything that can be checked, save what is there, then load the backup.

In order: the payload's checksum; the schema (a backup from a newer tinyapp is refused);
the engine (a native dump goes back into its own engine, a portable backup into any);
the target (rows already there are replaced only with force, after a safety backup of
them). Then the data goes in, the row counts must equal the manifest's, and pending
migrations bring an older backup's schema up to date. ``verify`` reuses load_into().
"""

import logging
from dataclasses import dataclass, field
from pathlib import Path

import peewee

from tinyapp import __version__, migrations
from tinyapp.backup import native, portable, sqlite
from tinyapp.backup.common import (
    ENGINE_LABELS,
    ProgressFactory,
    count_rows,
    differences,
    drop_tables,
    engine_label,
    migration_number,
    open_database,
    pointed_at,
    progress_factory,
)
from tinyapp.backup.files import check_payload, opened
from tinyapp.backup.make import write_backup
from tinyapp.backup.manifest import BackupError, Manifest, read_manifest
from tinyapp.backup.retention import prune
from tinyapp.config import Settings, mask_url
from tinyapp.db import describe_error, engine_of, reset_sequences, sqlite_path, transaction
from tinyapp.models import MODELS, User
from tinyapp.services import audit

log = logging.getLogger("tinyapp.backup")

# The engine each native format can go back into; "portable" goes anywhere.
NATIVE_ENGINE = {"sqlite": "sqlite", "pg_dump": "postgresql", "mysqldump": "mysql"}


@dataclass
class Restored:
    folder_name: str
    manifest: Manifest
    target: str                      # the database URL, password masked
    safety_backup: Path | None       # what the target held before, if anything
    migrated: list[str] = field(default_factory=list)


def restore_backup(path: Path, settings: Settings, database_url: str | None = None,
                   force: bool = False, *, user: User | None = None,
                   interactive: bool = False) -> Restored:
    """Replace the target database's data with a backup's; BackupError says why not.

    Nothing is changed until the checksum, schema, engine and target checks pass.
    """
    target = database_url or settings.DATABASE_URL
    with opened(Path(path), settings.BACKUP_DIR) as folder:
        manifest = read_manifest(folder)
        check_payload(folder, manifest)
        check_schema(manifest)
        check_engine(manifest, target)
        rows = rows_in(target)
        if rows and not force:
            raise BackupError(f"{mask_url(target)} already holds {rows:,} rows; restoring "
                              "replaces them. Add --force to go ahead (they are saved in a "
                              "safety backup first)")
        safety = _safety_backup(settings, target) if rows else None
        load_into(folder, manifest, target, progress_factory(interactive))
        name = folder.name
    with pointed_at(target):
        migrated = migrations.upgrade()
        audit.record("backup.restore", user, "backup", name[:50], format=manifest.format,
                     safety_backup=safety.name if safety else "", migrated=migrated)
    log.info("restored %s into %s", name, mask_url(target))
    return Restored(name, manifest, mask_url(target), safety, migrated)


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
    parent = settings.BACKUP_DIR / "safety"
    folder = write_backup(target, parent)
    prune(parent, settings.BACKUP_KEEP)
    log.info("saved what %s held in %s", mask_url(target), folder)
    return folder


def load_into(folder: Path, manifest: Manifest, url: str,
              progress: ProgressFactory) -> dict[str, int]:
    """Load a checked backup into the database at url; return its row counts there.

    Raises BackupError when the counts differ from the manifest's.
    """
    payload = folder / manifest.payload
    try:
        if manifest.format == "sqlite":
            sqlite.load(payload, sqlite_path(url))
            found = sqlite.inspect(sqlite_path(url))[0]
        elif manifest.format == "portable":
            found = _load_portable(payload, manifest, url, progress)
        else:
            native.load(payload, url)
            db = open_database(url)
            try:
                found = count_rows(db)
            finally:
                db.close_all()
    except (peewee.DatabaseError, migrations.MigrationError) as exc:
        raise BackupError(f"restoring into {mask_url(url)} failed: {describe_error(exc)}") \
            from None
    _check_counts(manifest, found)
    return found


def _load_portable(payload: Path, manifest: Manifest, url: str, progress) -> dict[str, int]:
    """Build the backup's schema with its migrations, then insert its rows in one transaction."""
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    with pointed_at(url) as db:
        drop_tables(db)
        migrations.upgrade(manifest.schema_version)
        with transaction():  # a count that differs rolls every row back
            portable.load(payload, progress, manifest.total_rows)
            reset_sequences([m for m in MODELS if m._meta.table_name in manifest.tables])
            found = count_rows(db)
            _check_counts(manifest, found)
    return found


def _check_counts(manifest: Manifest, found: dict[str, int]) -> None:
    problems = differences(manifest.tables, found)
    if problems:
        raise BackupError("after loading, the row counts differ from the backup's manifest: "
                          + "; ".join(problems))
