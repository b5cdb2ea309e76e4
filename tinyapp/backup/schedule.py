"""Scheduled backups: a background thread of ``serve`` that backs up every BACKUP_INTERVAL.

The first backup comes as soon as the newest one is BACKUP_INTERVAL old (at once when
there is none), then one per interval. A failed backup is logged and tried again at
the next interval; stop() ends the thread between backups, or after the current one.
"""

import logging
import threading

from tinyapp.backup import BackupBusy, last_backup_age_seconds, make_backup
from tinyapp.config import Settings
from tinyapp.db import Database

log = logging.getLogger("tinyapp.backup")


class BackupSchedule:
    """Make a backup every ``settings.BACKUP_INTERVAL`` seconds until stopped."""

    def __init__(self, settings: Settings, database: Database):
        self.settings = settings
        self.database = database  # the serving app's: its journal entries go there
        self.interval = settings.BACKUP_INTERVAL
        self.runs = 0  # backups attempted so far
        self._stopping = threading.Event()
        self._ran = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="tinyapp-backups", daemon=True)

    def start(self) -> "BackupSchedule":
        self._thread.start()
        log.info("backing up every %s s into %s", self.interval, self.settings.BACKUP_DIR)
        return self

    def stop(self, timeout: float = 60) -> None:
        """Ask the thread to end and wait for it (a backup under way is finished first)."""
        self._stopping.set()
        self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def wait_for_runs(self, count: int, timeout: float) -> bool:
        """Wait until `count` backups were attempted; False if that took longer than timeout."""
        with self._ran:
            return self._ran.wait_for(lambda: self.runs >= count, timeout)

    def _run(self) -> None:
        try:
            age = last_backup_age_seconds(self.settings)
        except OSError as exc:  # an unreadable BACKUP_DIR: the backup will say more
            log.error("cannot list the backups: %s", exc)
            age = None
        delay = 0 if age is None else max(0.0, self.interval - age)
        while not self._stopping.wait(delay):
            self._back_up_once()
            delay = self.interval

    def _back_up_once(self) -> None:
        try:
            with self.database.bound(), self.database.connection():
                make_backup(self.settings)
        except BackupBusy:
            log.info("scheduled backup skipped: another backup is running")
        except Exception as exc:  # noqa: BLE001 - keep the schedule alive; the log says why
            log.error("scheduled backup failed: %s", exc)
        with self._ran:
            self.runs += 1
            self._ran.notify_all()


def start_schedule(settings: Settings, database: Database) -> BackupSchedule | None:
    """Start scheduled backups if BACKUP_INTERVAL is set (None when it is 0: off)."""
    if not settings.BACKUP_INTERVAL:
        return None
    return BackupSchedule(settings, database).start()
