"""The tinyapp command: one-line errors, exit codes 0/1/2, and a working `python run.py`."""

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.support import databases
from tests.support.live import served_url
from tinyapp import db, migrations
from tinyapp.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_check_on_a_broken_url_exits_1_with_one_masked_line(tmp_path, capsys):
    code = main(["check", "--data-dir", str(tmp_path),
                 "--database-url", "postgresql://app:s3cr%40t@127.0.0.1:1/shop"])
    out = capsys.readouterr().out
    assert code == 1
    problems = [line for line in out.splitlines() if line.startswith("PROBLEM")]
    assert len(problems) == 1
    assert "postgresql://app:***@127.0.0.1:1/shop: cannot connect" in problems[0]
    assert "s3cr" not in out


def test_check_passes_on_a_migrated_database(engine, migrated_url, tmp_path, capsys):
    code = main(["check", "--data-dir", str(tmp_path), "--database-url", migrated_url])
    out = capsys.readouterr().out
    assert code == 0, out
    assert f"schema at {migrations.latest()}" in out
    assert "DATABASE_URL" in out and "flag --database-url" in out


def test_check_reports_pending_migrations(scratch_url, tmp_path, capsys):
    code = main(["check", "--data-dir", str(tmp_path), "--database-url", scratch_url])
    assert code == 1
    databases.use(scratch_url)
    pending = ", ".join(m.name for m in migrations.status())
    assert f"migration(s) pending ({pending})" in capsys.readouterr().out


def test_debug_shows_the_traceback_and_default_does_not(tmp_path, capsys):
    flags = ["migrate", "up", "9999_missing", "--data-dir", str(tmp_path)]
    assert main(flags) == 1
    assert "Traceback" not in capsys.readouterr().err
    assert main([*flags, "--debug"]) == 1
    assert "Traceback" in capsys.readouterr().err


def test_usage_errors_exit_2():
    with pytest.raises(SystemExit) as raised:
        main(["frobnicate"])
    assert raised.value.code == 2


def run_tinyapp(*args, cwd, env_extra=None, timeout=30, stdin=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TINYAPP_")}
    env.update(env_extra or {})
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout, stdin=stdin)


def test_python_m_tinyapp_runs_the_same_command(tmp_path):
    result = run_tinyapp("-m", "tinyapp", "--version", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("tinyapp ")


def test_run_py_serves_healthz_and_creates_the_sqlite_database(tmp_path):
    """The README's first command, in a clean folder: serve, answer /healthz, stop.

    When the SQLite library has the WAL-reset bug, the start says so in the log (where
    whoever started it looks), not only /readyz and ``tinyapp check``."""
    data = tmp_path / "data"
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "run.py"), "--port", "0",
         "--data-dir", str(data), "--log-format", "json"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("TINYAPP_")})
    try:
        url = served_url(process)  # printed once the socket listens
        with urllib.request.urlopen(url + "healthz", timeout=10) as reply:
            assert json.load(reply) == {"status": "ok"}
        with urllib.request.urlopen(url + "readyz", timeout=10) as reply:
            assert json.load(reply)["status"] == "ready"
        assert (data / "tinyapp.db").exists()
        assert (data / "secret_key").exists()
    finally:
        process.terminate()
        process.wait(timeout=10)
    logs = [json.loads(line) for line in process.stderr.read().splitlines()
            if line.startswith("{")]
    readyz = [entry for entry in logs if entry.get("path") == "/readyz"]
    assert readyz and readyz[0]["status"] == 200 and readyz[0]["request_id"]
    warned = [entry for entry in logs if entry["level"] == "WARNING"
              and entry["message"] == db.sqlite_library_warning()]
    assert len(warned) == (1 if db.has_wal_reset_bug(db.sqlite3.sqlite_version_info) else 0)


def test_a_password_prompt_that_gets_no_answer_is_one_clear_line(tmp_path):
    """Run from a script or cron, the prompt reads a closed standard input."""
    env = {"TINYAPP_DATA_DIR": str(tmp_path / "data")}
    assert run_tinyapp("-m", "tinyapp", "migrate", "up", cwd=tmp_path,
                       env_extra=env).returncode == 0

    made = run_tinyapp("-m", "tinyapp", "createuser", "ada@example.org", cwd=tmp_path,
                       env_extra=env, stdin=subprocess.DEVNULL)
    assert made.returncode == 1
    assert made.stderr.strip() == ("tinyapp: error: no terminal to type a password at: "
                                   "pipe it in with --password-stdin")

    unknown = run_tinyapp("-m", "tinyapp", "passwd", "nobody@example.org", cwd=tmp_path,
                          env_extra=env, stdin=subprocess.DEVNULL)
    assert unknown.returncode == 1  # said before asking for a password for nobody
    assert unknown.stderr.strip() == "tinyapp: error: no user with e-mail nobody@example.org"
