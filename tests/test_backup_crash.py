"""Killed at any step, a restore leaves the old database or the new one, whole; never half.

Each test runs the real ``tinyapp restore`` (or ``backup``) command in a process of its
own and has it SIGKILL itself at a named step (TINYAPP_KILL_AT, see tinyapp/faults.py):
no clean-up runs, exactly as after a power cut. Then the database is compared, table
by table, with what it held before and with what the backup holds, and what the dead
job left behind must be listed by ``tinyapp backups`` and removed by ``--clean``.
"""

import os
import secrets
import signal
import subprocess
import sys

import pytest

from tests.support import backups as support
from tinyapp import db
from tinyapp.backup import (
    clean_leftovers,
    find_leftovers,
    list_backups,
    make_backup,
    restore_backup,
)
from tinyapp.models import Product
from tinyapp.services import catalog

# Where a restore can be killed, and which database must be there afterwards.
KILL_POINTS = {
    "restore:saved": "old",     # the safety backup is written, nothing else done
    "restore:loading": "old",   # rows are going into the staged database
    "restore:built": "old",     # staged and checked, not yet swapped in
    "restore:swap": "old",      # SQLite: half the pages copied into the live file
    "restore:swapped": "new",   # swapped in; the clean-up after it never ran
}

# Where a killed restore leaves its staged database behind (PostgreSQL's is a transaction,
# which the server rolls back by itself).
LEAVES_WORK_BEHIND = {"sqlite": {"restore:loading", "restore:built", "restore:swap"},
                      "mysql": {"restore:loading", "restore:built", "restore:swapped"},
                      "postgresql": set()}


def run_killed(settings, point: str, *args: str) -> subprocess.CompletedProcess:
    """Run `tinyapp ARGS` in a new process that kills itself at point; return the result."""
    env = {**os.environ, "TINYAPP_KILL_AT": point, "TINYAPP_DATA_DIR": str(settings.DATA_DIR),
           "TINYAPP_DATABASE_URL": settings.DATABASE_URL, "TINYAPP_LOG_LEVEL": "warning"}
    return subprocess.run([sys.executable, "-m", "tinyapp", *args], env=env,
                          capture_output=True, text=True, timeout=300)


def stopped_jobs(settings) -> list:
    """What killed jobs left; running jobs' work (other tests', on a shared server) is not."""
    return [leftover for leftover in find_leftovers(settings) if not leftover.in_use]


def without_audit(checksums: dict) -> dict:
    return {table: value for table, value in checksums.items() if table != "change_journal"}


def bulk_up(megabytes: int) -> None:
    """Add about that many megabytes of products, so that copying the file takes many steps."""
    with db.database.connection_context():
        rows = [{"sku": f"BULK-{n:05d}", "name": f"Bulk {n}", "description":
                 secrets.token_hex(2000), "price": 1, "stock": 0} for n in range(megabytes * 250)]
        for start in range(0, len(rows), 100):
            Product.insert_many(rows[start:start + 100]).execute()


@pytest.mark.parametrize("portable", [False, True], ids=["native", "portable"])
@pytest.mark.parametrize("point", KILL_POINTS)
def test_a_restore_killed_at_any_step_leaves_the_old_or_the_new_database_whole(
        engine, own_settings, point, portable):
    if point == "restore:swap" and engine != "sqlite":
        pytest.skip("PostgreSQL swaps in with one COMMIT and MySQL with one RENAME TABLE: "
                    "there is no step in between to be killed at")
    settings = own_settings
    if point == "restore:swap":
        bulk_up(8)  # more than one 4 MB step of the copy into the live file
    info = make_backup(settings, portable=portable)
    new = support.table_checksums()
    with db.database.connection_context():
        catalog.create_category("Made after the backup")
        Product.delete().where(Product.sku.startswith("BULK-")).execute()
    old = support.table_checksums()
    db.database.close_all()

    result = run_killed(settings, point, "restore", str(info.path), "--force")

    assert result.returncode == -signal.SIGKILL, result.stderr
    after = support.table_checksums()
    expected = new if KILL_POINTS[point] == "new" else old
    assert without_audit(after) == without_audit(expected)
    events = after["change_journal"][0]
    # the backup holds the audit trail up to its snapshot; the restore adds its own entry
    # where the backup's own "backup.create" entry came after the snapshot: as many
    assert events == (new if KILL_POINTS[point] == "new" else old)["change_journal"][0]

    stopped = stopped_jobs(settings)
    assert bool(stopped) == (point in LEAVES_WORK_BEHIND[engine]), stopped
    assert {leftover.name for leftover in clean_leftovers(settings)} == {
        leftover.name for leftover in stopped}
    assert stopped_jobs(settings) == []

    restore_backup(info.path, settings, force=True)  # and a restore then just works
    assert without_audit(support.table_checksums()) == without_audit(new)


def test_a_killed_backup_leaves_no_backup_and_its_leftover_is_cleaned(engine, own_settings,
                                                                     capsys):
    from tinyapp.cli import main

    settings = own_settings
    result = run_killed(settings, "backup:written", "backup", "--portable")
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert list_backups(settings) == []  # half a backup never looks like one
    [leftover] = stopped_jobs(settings)
    assert ".partial-" in leftover.name

    assert main(["backups", "--data-dir", str(settings.DATA_DIR),
                 "--database-url", settings.DATABASE_URL]) == 0
    out = capsys.readouterr().out
    assert "1 left behind by stopped jobs" in out and leftover.name in out
    assert "tinyapp backups --clean" in out
    assert main(["backups", "--clean", "--data-dir", str(settings.DATA_DIR),
                 "--database-url", settings.DATABASE_URL]) == 0
    assert "1 removed" in capsys.readouterr().out
    assert stopped_jobs(settings) == []
    assert not os.path.exists(leftover.name)


def test_a_running_jobs_folder_is_listed_as_in_use_and_never_cleaned(engine, own_settings):
    from tinyapp.backup.files import building

    with building(own_settings.BACKUP_DIR, "tinyapp-now") as partial:
        [leftover] = [found for found in find_leftovers(own_settings) if found.kind == "folder"]
        assert leftover.in_use and leftover.name == str(partial)
        assert clean_leftovers(own_settings) == []
        assert partial.exists()
