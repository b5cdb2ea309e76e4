"""Backups and recovery: make, list, verify and restore backups of tinyapp's database.

Start here; each step has a module of its own:

    make.py       where a backup is made: the format for the engine, the folder published
    sqlite.py     SQLite's online backup API: a consistent copy while the app writes
    native.py     pg_dump / mysqldump to back up, psql / mysql to restore
    portable.py   every table as JSON lines, restorable into any engine
    manifest.py   what a backup says about itself: time, versions, row counts, sha256
    files.py      backup folders on disk: atomic, checksummed, copied, zipped
    restore.py    restore, after every check     verify.py   restore into a scratch database
    retention.py  which backups to keep          schedule.py backups while serving
"""

import datetime as dt
import threading
from pathlib import Path

from tinyapp.backup.common import progress_factory
from tinyapp.backup.files import BackupInfo, copy_backup, list_folder, zip_stream
from tinyapp.backup.make import write_backup
from tinyapp.backup.manifest import BackupError, read_manifest
from tinyapp.backup.restore import Restored, restore_backup
from tinyapp.backup.retention import prune
from tinyapp.backup.verify import Verification, verify_backup
from tinyapp.config import Settings
from tinyapp.models import User
from tinyapp.services import audit

__all__ = ["BackupBusy", "BackupError", "BackupInfo", "Restored", "Verification",
           "backup_named", "find_backup", "last_backup_age_seconds", "list_backups",
           "make_backup", "record_download", "restore_backup", "verify_backup", "zip_stream"]

_RUNNING = threading.Lock()  # one backup at a time in this process (schedule, API, CLI)


class BackupBusy(BackupError):
    """Another backup is being made in this process right now."""


def make_backup(settings: Settings, portable: bool = False, dest: Path | None = None, *,
                compress: bool = False, user: User | None = None,
                interactive: bool = False) -> BackupInfo:
    """Back up the database now, copy and prune as configured, and record it in the audit log.

    With ``dest`` the backup goes there instead of BACKUP_DIR, and is neither copied
    to BACKUP_COPY_TO nor pruned. Raises BackupBusy if a backup is already running.
    The AuditEvent goes through tinyapp's database proxy: point it at settings'
    database first (serve and the command line do).
    """
    if not _RUNNING.acquire(blocking=False):
        raise BackupBusy("a backup is already running; try again when it has finished")
    try:
        parent = Path(dest) if dest is not None else settings.BACKUP_DIR
        folder = write_backup(settings.DATABASE_URL, parent, portable, compress,
                              progress_factory(interactive))
        copy_problem = _copy_and_prune(settings, folder) if dest is None else None
    finally:
        _RUNNING.release()
    info = BackupInfo(folder, read_manifest(folder))
    audit.record("backup.create", user, "backup", info.name[:50], format=info.manifest.format,
                 bytes=info.size, rows=info.manifest.total_rows, copy_failed=bool(copy_problem))
    if copy_problem:
        raise BackupError(f"backup {folder} was written, but {copy_problem}")
    return info


def _copy_and_prune(settings: Settings, folder: Path) -> str | None:
    """Copy a new backup to BACKUP_COPY_TO and apply retention; say what went wrong, if anything."""
    problem = None
    if settings.BACKUP_COPY_TO:
        try:
            copy_backup(folder, settings.BACKUP_COPY_TO)
            _prune(settings, settings.BACKUP_COPY_TO)
        except (BackupError, OSError) as exc:
            problem = f"copying it to {settings.BACKUP_COPY_TO} failed: {exc}"
    _prune(settings, settings.BACKUP_DIR)
    return problem


def _prune(settings: Settings, folder: Path) -> None:
    prune(folder, settings.BACKUP_KEEP, settings.BACKUP_KEEP_DAILY,
          settings.BACKUP_KEEP_WEEKLY)


def list_backups(settings: Settings) -> list[BackupInfo]:
    """List the backups in BACKUP_DIR, newest first (unreadable ones say why)."""
    return list_folder(settings.BACKUP_DIR)


def record_download(info: BackupInfo, user: User | None) -> None:
    """Note in the audit log that someone took a copy of a backup away."""
    audit.record("backup.download", user, "backup", info.name[:50])


def last_backup_age_seconds(settings: Settings) -> float | None:
    """Seconds since the newest readable backup was taken; None when there is none."""
    for info in list_backups(settings):
        if info.manifest is not None:
            return max(0.0, (dt.datetime.now(dt.UTC) - info.created_at).total_seconds())
    return None


def backup_named(settings: Settings, name: str) -> BackupInfo | None:
    """Find a listed backup by its folder name; None for any other name (e.g. '../x')."""
    return next((info for info in list_backups(settings) if info.name == name), None)


def find_backup(settings: Settings, name: str) -> Path:
    """Turn what a user typed into a backup's path: 'latest', a path, or a name in BACKUP_DIR."""
    if name == "latest":
        newest = next((i for i in list_backups(settings) if i.manifest is not None), None)
        if newest is None:
            raise BackupError(f"there are no backups in {settings.BACKUP_DIR} yet; "
                              "make one with `tinyapp backup`")
        return newest.path
    path = Path(name)
    if not path.exists() and (settings.BACKUP_DIR / name).is_dir():
        return settings.BACKUP_DIR / name
    return path
