"""What killed backup, verify and restore jobs leave behind, and cleaning it up.

Every such job works in a folder or scratch database of its own and removes it when it
ends, whatever happened, unless it was killed (SIGKILL, a power cut). Then the folder
stays: ``.partial-…`` (a backup being written), ``.verify-…``, ``.restore-…`` (a SQLite
restore being built, beside the database file), ``.partial-unzipped-…``; or a database
``tinyapp_restore_…``, ``tinyapp_old_…`` or ``tinyapp_verify_…`` on the server.

Each job holds a lock while it runs: flock on its folder, or a lock in the database
server for its database; the kernel or the server drops it when the process dies. So a
leftover whose lock is free belongs to no running job and can go.
"""

import shutil
from dataclasses import dataclass
from pathlib import Path

from tinyapp.backup.files import PARTIAL, abandoned
from tinyapp.backup.manifest import BackupError
from tinyapp.backup.staging import (
    RESTORE_FOLDER,
    VERIFY_FOLDER,
    drop_scratch,
    list_scratch,
    scratch_in_use,
)
from tinyapp.config import Settings, mask_url
from tinyapp.db import engine_of, sqlite_path

FOLDER_PREFIXES = (PARTIAL, VERIFY_FOLDER, RESTORE_FOLDER)


@dataclass
class Leftover:
    """A folder or scratch database a job left; ``in_use`` when its job still runs."""

    kind: str        # "folder" or "database"
    name: str        # the path, or the database's name
    in_use: bool

    def describe(self) -> str:
        state = "in use by a running job" if self.in_use else "left by a job that was stopped"
        return f"{self.kind} {self.name} ({state})"


def find_leftovers(settings: Settings) -> list[Leftover]:
    """List the leftovers of backup, verify and restore jobs for these settings."""
    found = []
    for parent in _folders(settings):
        for entry in sorted(parent.glob(".*")) if parent.is_dir() else ():
            if entry.is_dir() and entry.name.startswith(FOLDER_PREFIXES):
                found.append(Leftover("folder", str(entry), not abandoned(entry)))
    if engine_of(settings.DATABASE_URL) != "sqlite":
        for name in _scratch_databases(settings.DATABASE_URL):
            found.append(Leftover("database", name,
                                  scratch_in_use(settings.DATABASE_URL, name)))
    return found


def clean_leftovers(settings: Settings) -> list[Leftover]:
    """Remove every leftover whose job is gone; return what was removed."""
    removed = []
    for leftover in find_leftovers(settings):
        if leftover.in_use:
            continue
        if leftover.kind == "folder":
            shutil.rmtree(leftover.name, ignore_errors=True)
        else:
            drop_scratch(settings.DATABASE_URL, leftover.name)
        removed.append(leftover)
    return removed


def _folders(settings: Settings) -> list[Path]:
    folders = [settings.BACKUP_DIR, settings.BACKUP_DIR / "safety", settings.DATA_DIR]
    database = sqlite_path(settings.DATABASE_URL)
    if database is not None:
        folders.append(database.parent)
    if settings.BACKUP_COPY_TO:
        folders.append(settings.BACKUP_COPY_TO)
    return list(dict.fromkeys(Path(folder).resolve() for folder in folders))


def _scratch_databases(url: str) -> list[str]:
    try:
        return list_scratch(url)
    except BackupError as exc:
        raise BackupError(f"cannot look for scratch databases on {mask_url(url)}: {exc}") \
            from None
