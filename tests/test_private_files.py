"""tinyapp's files are its owner's alone (0700 folders, 0600 files), whatever the umask."""

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from tinyapp.cli import main


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def umask_022():
    """The common default umask, under which Python makes 0755 folders and 0644 files."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_the_data_folder_database_wal_and_backups_are_owner_only(engine, server_url, tmp_path,
                                                                 umask_022, scratch_url):
    data = tmp_path / "new" / "data"
    url = f"sqlite:///{data / 'tinyapp.db'}" if engine == "sqlite" else scratch_url
    flags = ["--data-dir", str(data), "--database-url", url, "--log-level", "warning"]
    assert main(["migrate", "up", *flags]) == 0
    assert main(["backup", *flags]) == 0
    assert main(["backup", "--portable", *flags]) == 0
    assert main(["restore", "latest", "--force", *flags]) == 0  # adds a safety copy

    assert mode(data) == 0o700 and mode(data / "backups") == 0o700
    backups = sorted((data / "backups").rglob("*"))
    assert len([p for p in backups if p.name == "manifest.json"]) == 3
    assert {oct(mode(p)) for p in backups if p.is_dir()} == {"0o700"}
    assert {oct(mode(p)) for p in backups if p.is_file()} == {"0o600"}
    if engine == "sqlite":
        database = data / "tinyapp.db"
        with sqlite3.connect(database) as conn:  # -wal and -shm exist while it is open
            conn.execute("PRAGMA journal_mode = wal")
            conn.execute("CREATE TABLE t (x)")
            found = {p.name: mode(p) for p in data.glob("tinyapp.db*")}
        assert found == {"tinyapp.db": 0o600, "tinyapp.db-wal": 0o600, "tinyapp.db-shm": 0o600}


def test_check_warns_about_files_others_can_read(tmp_path, capsys, umask_022):
    data = tmp_path / "data"
    flags = ["--data-dir", str(data), "--log-level", "warning"]
    assert main(["migrate", "up", *flags]) == 0
    assert main(["check", *flags]) == 0
    assert "readable by other local users" not in capsys.readouterr().out

    os.chmod(data / "tinyapp.db", 0o644)
    assert main(["check", *flags]) == 0
    out = capsys.readouterr().out
    assert f"WARNING  readable by other local users: {data / 'tinyapp.db'} (mode 0644)" in out
    assert "chmod -R go-rwx" in out
