"""Backups and recovery: make, list, verify and restore backups of tinyapp's database.

Start here; each step has a module of its own:

    make.py       where a backup is made: the format for the engine, the folder published
    sqlite.py     SQLite's online backup API: a consistent copy while the app writes
    native.py     pg_dump / mysqldump, to back up (never psql / mysql: see dumpfile.py)
    portable.py   every table as JSON lines, restorable into any engine
    manifest.py   what a backup says about itself: time, versions, row counts, sha256
    files.py      backup folders on disk: atomic, owner-only, checksummed, zipped, bounded

    A backup is a file someone hands tinyapp, so restoring never runs it:
    dumpfile.py   read a pg_dump or mysqldump file as rows, refusing anything else
    schema.py     what tinyapp's migrations create; anything more is refused by name
    load.py       build a database from a backup: schema, rows, references, counts
    staging.py    where a restore is built, and the one step that swaps it in
    restore.py    restore, after every check     verify.py   build in a scratch database
    leftovers.py  what killed jobs left behind   retention.py which backups to keep
    schedule.py   backups while serving
"""

import datetime as dt
import logging
import threading
from pathlib import Path

import peewee

from tinyapp.backup.common import progress_factory
from tinyapp.backup.files import BackupInfo, copy_backup, list_folder, zip_stream
from tinyapp.backup.leftovers import Leftover, clean_leftovers, find_leftovers
from tinyapp.backup.make import write_backup
from tinyapp.backup.manifest import BackupError, read_manifest
from tinyapp.backup.restore import SAFETY, Restored, restore_backup
from tinyapp.backup.retention import prune
from tinyapp.backup.verify import Verification, verify_backup
from tinyapp.config import Settings
from tinyapp.db import DatabaseUnavailable, describe_error
from tinyapp.models import User
from tinyapp.unit_of_work import Work, unit_of_work

__all__ = ["BackupBusy", "BackupError", "BackupInfo", "Restored", "Verification",
           "backup_named", "find_backup", "last_backup_age_seconds", "list_backups",
           "list_safety_copies", "make_backup", "record_download", "restore_backup",
           "verify_backup", "zip_stream", "Leftover", "find_leftovers", "clean_leftovers"]

log = logging.getLogger("tinyapp.backup")
_RUNNING = threading.Lock()  # one backup at a time in this process (schedule, API, CLI)


class BackupBusy(BackupError):
    """Another backup is being made in this process right now."""


def make_backup(settings: Settings, portable: bool = False, dest: Path | None = None, *,
                compress: bool = False, user: User | None = None,
                interactive: bool = False) -> BackupInfo:
    """Back up the database now, copy and prune as configured, and record it in the journal.

    With ``dest`` the backup goes there instead of BACKUP_DIR, and is neither copied
    to BACKUP_COPY_TO nor pruned. Raises BackupBusy if a backup is already running.
    The journal entry goes to the bound database: bind settings'
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
    _journal("create", user, info, format=info.manifest.format, bytes=info.size,
           rows=info.manifest.total_rows, copy_failed=bool(copy_problem))
    if copy_problem:
        raise BackupError(f"backup {folder} was written, but {copy_problem}")
    return info


def _journal(action: str, user: User | None, info: BackupInfo, **details) -> None:
    """Record a backup in the change journal; failing to is a warning, never a failed backup.

    The backup exists by now, and the exit code of `tinyapp backup` must say so: a
    cron job should not raise the alarm because the database was busy for a moment.
    """
    try:
        _record(action, info.name[:64], details, user=user)
    except (peewee.DatabaseError, DatabaseUnavailable) as exc:
        info.warnings.append(f"the change journal could not record it "
                             f"({describe_error(exc)})")
        log.warning("backup %s %s: the change journal could not record it: %s", action,
                    info.name, describe_error(exc))


@unit_of_work
def _record(work: Work, action: str, name: str, details: dict) -> None:
    work.record("backup", name, action, details=details)


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


def list_safety_copies(settings: Settings) -> list[BackupInfo]:
    """List the safety copies restore made of what it replaced (BACKUP_DIR/safety), newest first."""
    return list_folder(settings.BACKUP_DIR / SAFETY)


def record_download(info: BackupInfo, user: User | None) -> None:
    """Note in the journal that someone took a copy of a backup away."""
    _journal("download", user, info)


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
    """Turn what a user typed into a backup's path: 'latest', a path, or a name in BACKUP_DIR.

    The names of safety copies (in BACKUP_DIR/safety) are found too.
    """
    if name == "latest":
        newest = next((i for i in list_backups(settings) if i.manifest is not None), None)
        if newest is None:
            raise BackupError(f"there are no backups in {settings.BACKUP_DIR} yet; "
                              "make one with `tinyapp backup`")
        return newest.path
    path = Path(name)
    for parent in (settings.BACKUP_DIR, settings.BACKUP_DIR / SAFETY):
        if not path.exists() and (parent / name).is_dir():
            return parent / name
    return path
