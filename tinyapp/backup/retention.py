"""Retention: which backups to keep, and deleting the others.

Three tiers, each keeping a backup that any tier wants:

- the newest ``keep`` backups (BACKUP_KEEP);
- optionally the newest backup of each of the ``daily`` most recent days that have one;
- optionally the newest backup of each of the ``weekly`` most recent ISO weeks.

With backups every 6 hours, keep=8, daily=7, weekly=8 holds two days in full, a week
of dailies and two months of weeklies: about twenty backups (BACKUP_KEEP,
BACKUP_KEEP_DAILY and BACKUP_KEEP_WEEKLY; the tiers are off by default).
Folders that are not readable backups are never deleted (a person should look at them);
the leftovers of a backup that was killed half-way (``.partial-…`` that no running
backup holds locked) are.
"""

import datetime as dt
import shutil
from collections.abc import Callable, Hashable
from pathlib import Path

from tinyapp.backup.files import PARTIAL, abandoned, list_folder


def plan(backups: list[tuple[Path, dt.datetime]], keep: int, daily: int = 0,
         weekly: int = 0) -> list[Path]:
    """Choose which of (folder, created_at) to delete: every one no tier keeps, oldest last."""
    newest_first = sorted(backups, key=lambda backup: backup[1], reverse=True)
    kept = {path for path, _ in newest_first[:keep]}
    kept |= _newest_per(newest_first, lambda moment: moment.date(), daily)
    kept |= _newest_per(newest_first, lambda moment: moment.isocalendar()[:2], weekly)
    return [path for path, _ in newest_first if path not in kept]


def _newest_per(newest_first, period: Callable[[dt.datetime], Hashable],
                count: int) -> set[Path]:
    """The newest backup of each of the `count` most recent periods that have one."""
    chosen: dict[Hashable, Path] = {}
    for path, created in newest_first:
        key = period(created)
        if key not in chosen:
            if len(chosen) == count:
                break
            chosen[key] = path
    return set(chosen.values())


def prune(folder: Path, keep: int, daily: int = 0, weekly: int = 0) -> list[Path]:
    """Delete the backups in folder that retention does not keep; return them."""
    backups = [(info.path, info.created_at) for info in list_folder(folder) if info.manifest]
    doomed = plan(backups, keep, daily, weekly)
    for path in doomed:
        shutil.rmtree(path)
    for partial in folder.glob(f"{PARTIAL}*") if folder.is_dir() else ():
        if abandoned(partial):  # its backup was killed: no running job holds its lock
            shutil.rmtree(partial, ignore_errors=True)
    return doomed
