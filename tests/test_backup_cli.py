"""The backup commands, the README's recovery runbook, and the schedule inside serve."""

import json
import os
import queue
import re
import shlex
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.support import backups as support
from tests.support import databases
from tinyapp import db
from tinyapp.backup import list_backups, make_backup
from tinyapp.backup.schedule import BackupSchedule
from tinyapp.cli import build_parser, main

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER_URL = "postgresql://tinyapp:s3cret@127.0.0.1:5432/tinyapp"


def runbook_commands() -> list[str]:
    """Every tinyapp command in the code blocks of the README's backup section, in order."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Backups and recovery", 1)[1].split("\n## ", 1)[0]
    names = "|".join(build_parser()._subparsers._group_actions[0].choices)
    commands = []
    for block in re.findall(r"```[a-z]*\n(.*?)```", section, re.DOTALL):
        commands += [f"tinyapp {found.strip()}" for found in
                     re.findall(rf"(?:^|[\s/])tinyapp ((?:{names})\b[^|>\n]*)", block, re.M)]
    return commands


def test_the_runbook_names_each_step():
    commands = runbook_commands()
    for needed in ("tinyapp backup", "tinyapp backups", "tinyapp verify latest",
                   "tinyapp restore latest --force", "tinyapp backup --portable",
                   f"tinyapp restore latest --database-url {PLACEHOLDER_URL}"):
        assert needed in commands


def test_every_command_of_the_recovery_runbook_works(environment, capsys):
    """Restore the latest backup, move SQLite -> PostgreSQL, verify: exactly as written."""
    postgresql = databases.configured_urls().get("postgresql")
    if postgresql is None or databases.reachable(postgresql):
        reason = "the runbook moves to PostgreSQL: configure it in " + databases.ENV
        if databases.in_ci():
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    assert main(["migrate", "up"]) == 0 and main(["demo"]) == 0
    target = databases.create_scratch(postgresql, environment)
    try:
        for command in runbook_commands():
            args = shlex.split(command.replace(PLACEHOLDER_URL, target))[1:]
            assert main(args) == 0, f"{command}\n{capsys.readouterr()}"
        sqlite_url = f"sqlite:///{environment / 'data' / 'tinyapp.db'}"
        moved = support.checksums_at(target)
        assert moved.pop("change_journal") and moved == {
            name: sums for name, sums in support.checksums_at(sqlite_url).items()
            if name != "change_journal"}
    finally:
        databases.drop_scratch(target)


def test_restore_refuses_a_database_with_rows_in_one_line(environment, capsys):
    assert main(["migrate", "up"]) == 0 and main(["demo"]) == 0
    assert main(["backup"]) == 0
    capsys.readouterr()
    assert main(["restore", "latest"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "already holds" in err and "--force" in err


def test_verify_lists_what_is_wrong_and_exits_1(environment, capsys):
    assert main(["migrate", "up"]) == 0 and main(["demo"]) == 0 and main(["backup"]) == 0
    payload = next((environment / "data" / "backups").glob("*/tinyapp.db"))
    payload.write_bytes(payload.read_bytes()[:-4096])
    capsys.readouterr()

    assert main(["verify", "latest"]) == 1

    out = capsys.readouterr().out
    assert "OK       checksum" not in out
    assert re.search(r"PROBLEM  .*tinyapp\.db is [\d,]+ bytes, the manifest says", out)
    assert main(["backups"]) == 0
    assert "FAILED" in capsys.readouterr().out


@pytest.mark.parametrize(("url", "expected"), [
    ("postgresql://app:s3cret@127.0.0.1:abc/scratch", "port"),
    ("postgresql://app:s3cret@127.0.0.1:5432/", "names the database"),
    ("scratch", "postgresql://"),
])
def test_a_scratch_url_that_cannot_work_is_a_usage_error_naming_the_option(
        environment, capsys, url, expected):
    assert main(["migrate", "up"]) == 0 and main(["backup"]) == 0
    capsys.readouterr()
    with pytest.raises(SystemExit) as exited:
        main(["verify", "latest", "--scratch-url", url])
    err = capsys.readouterr().err
    assert exited.value.code == 2
    assert "--scratch-url" in err and expected in err
    assert "Error" not in err and "s3cret" not in err  # no exception's name, no password


def test_errors_never_show_a_password(environment, capsys):
    assert main(["migrate", "up"]) == 0 and main(["backup", "--portable"]) == 0
    secret_url = "postgresql://app:s3cr%40t@127.0.0.1:1/shop"
    assert main(["restore", "latest", "--database-url", secret_url]) == 1
    shown = "".join(capsys.readouterr())
    assert "postgresql://app:***@127.0.0.1:1/shop" in shown and "s3cr" not in shown


def test_a_published_backup_exits_0_even_when_the_journal_is_locked(environment, capsys,
                                                                     monkeypatch):
    assert main(["migrate", "up"]) == 0 and main(["demo"]) == 0
    monkeypatch.setenv("TINYAPP_POOL_TIMEOUT", "1")
    capsys.readouterr()
    writer = sqlite3.connect(environment / "data" / "tinyapp.db", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another process holds the write lock throughout
    try:
        code = main(["backup", "--portable"])
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "backup written" in out
    assert "warning: the change journal could not record it" in err and "locked" in err
    assert main(["verify", "latest"]) == 0


def test_backups_lists_the_safety_copies_of_forced_restores(environment, capsys):
    assert main(["migrate", "up"]) == 0 and main(["demo"]) == 0 and main(["backup"]) == 0
    assert main(["restore", "latest", "--force"]) == 0
    capsys.readouterr()
    assert main(["backups"]) == 0
    out = capsys.readouterr().out
    listed, safety = out.split("safety copies:")
    assert listed.count("tinyapp-") == 1 and safety.count("tinyapp-") == 1
    name = re.search(r"(tinyapp-\S+)\s*$", safety.splitlines()[2]).group(1)
    assert main(["verify", name]) == 0  # safety copies are found by name, like backups


def test_check_warns_about_an_empty_database_beside_a_backup_with_rows(environment, capsys):
    assert main(["migrate", "up"]) == 0 and main(["demo"]) == 0 and main(["backup"]) == 0
    with sqlite3.connect(environment / "data" / "tinyapp.db") as conn:
        tables = [row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' "
            "AND name != 'schema_migration'")]
        conn.execute("PRAGMA foreign_keys = OFF")
        for table in tables:
            conn.execute(f'DELETE FROM "{table}"')
    capsys.readouterr()
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"WARNING  the database is empty, but the backup tinyapp-\S+ holds "
                     r"[\d,]+ rows: .*`tinyapp restore tinyapp-", out)
    assert main(["backup"]) == 0
    assert "warning: the database is empty, and the backup before" in capsys.readouterr().err


def test_check_warns_about_what_a_stopped_job_left(environment, capsys):
    assert main(["migrate", "up"]) == 0
    (environment / "data" / ".restore-abc123").mkdir()
    capsys.readouterr()
    assert main(["check"]) == 0
    assert "`tinyapp backups --clean` removes them" in capsys.readouterr().out


def test_nothing_to_back_up_is_a_clear_error(environment, capsys):
    assert main(["backup"]) == 1
    assert "there is no database at" in capsys.readouterr().err
    assert main(["backups"]) == 0
    assert "no backups in" in capsys.readouterr().out


def test_backups_lists_time_size_engine_format_verified_and_rows(environment, capsys):
    assert main(["migrate", "up"]) == 0 and main(["backup", "--compress"]) == 0
    assert main(["verify", "latest"]) == 0
    capsys.readouterr()
    assert main(["backups"]) == 0
    header, row, footer = capsys.readouterr().out.splitlines()
    assert header.split() == ["time", "(UTC)", "size", "engine", "format", "verified", "rows",
                              "name"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +[\d.]+ kB +sqlite +sqlite +yes "
                        r"\d{4}-\d\d-\d\d +0 +tinyapp-\d{8}T\d{6}Z-sqlite", row)
    assert footer.startswith("1 in ")


# -- the schedule --

def test_the_schedule_backs_up_at_once_when_there_is_no_backup_and_stops(database, make_settings,
                                                                         migrated_url):
    settings = make_settings(DATABASE_URL=migrated_url, BACKUP_INTERVAL="1h")
    schedule = BackupSchedule(settings, db.current()).start()
    try:
        assert schedule.wait_for_runs(1, timeout=120)
    finally:
        schedule.stop()
    assert not schedule.running
    assert len(list_backups(settings)) == 1


def test_the_schedule_waits_while_the_last_backup_is_recent(database, make_settings,
                                                           migrated_url):
    settings = make_settings(DATABASE_URL=migrated_url, BACKUP_INTERVAL="1h")
    make_backup(settings)
    schedule = BackupSchedule(settings, db.current()).start()
    schedule.stop()
    assert not schedule.running and schedule.runs == 0
    assert len(list_backups(settings)) == 1


def test_serve_backs_up_on_its_schedule_and_stops_cleanly(tmp_path):
    data = tmp_path / "data"
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "run.py"), "--port", "0", "--data-dir", str(data),
         "--backup-interval", "1h", "--log-format", "json"],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("TINYAPP_")})
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stderr],
                     daemon=True).start()
    try:
        while True:
            line = lines.get(timeout=60)
            entry = json.loads(line) if line.startswith("{") else {"message": line}
            if entry["message"].startswith(("backup written", "scheduled backup failed")):
                break
        assert entry["message"].startswith("backup written"), entry
    finally:
        process.terminate()
        process.wait(timeout=60)
    assert process.returncode == 0
    assert [p.name.endswith("-sqlite") for p in (data / "backups").iterdir()] == [True]
