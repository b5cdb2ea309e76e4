"""A backup on a network that stops answering fails within a bound; it never hangs.

Through a real TCP forwarder (tests/support/tcpproxy.py) the line goes silent: before
the dump tool's connection is answered, or in the middle of the rows, of a pg_dump or
mysqldump (which talk to the server themselves, past tinyapp's limits) or of a
portable export (tinyapp's own connection, whose statements have no time limit). A
stalled backup held the backup lock, so every later backup, scheduled or clicked, was
"already running", for as long as the network stayed silent.
"""

import re
import threading
from urllib.parse import urlsplit

import pytest

from tests.support import backups as support
from tests.support.tcpproxy import TCPProxy, through
from tinyapp.backup import BackupError, common, native, portable
from tinyapp.backup.common import open_database, progress_factory

FILLER_ROWS = 200_000  # ~20 MB of dump: far more than the sockets and pipes buffer


@pytest.fixture
def forwarded():
    """forward(url) -> (url through a forwarder of its own, the forwarder)."""
    proxies = []

    def forward(url: str) -> tuple[str, TCPProxy]:
        parts = urlsplit(url)
        proxies.append(TCPProxy(parts.hostname, parts.port))
        return through(proxies[-1], url), proxies[-1]
    yield forward
    for proxy in proxies:
        proxy.resume()
        proxy.close()


@pytest.fixture
def proxied(engine, scratch_url, forwarded):
    """(the scratch database's URL through a forwarder, the forwarder)."""
    if engine == "sqlite":
        pytest.skip("SQLite is a local file: its backup crosses no network")
    return forwarded(scratch_url)


class StallAtTheFirstRows:
    """A progress bar that cuts the line once rows flow (``proxy`` set by the test)."""

    proxy: TCPProxy

    def __init__(self, *args):
        pass

    def advance(self, rows):
        if rows:
            self.proxy.stall()

    def finish(self):
        pass


def dump_in_a_thread(url, folder, progress=None, export=None) -> tuple[threading.Thread, dict]:
    """Run native.dump (or portable.export) in a thread; the dict gets its error or "done"."""
    outcome = {}
    progress = progress or progress_factory(False)

    def run():
        try:
            if export:
                portable.export(url, folder, progress)
            else:
                native.dump(url, folder, 0, progress)
            outcome["done"] = True
        except BackupError as exc:
            outcome["error"] = str(exc)
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def test_a_server_that_never_answers_the_dump_tools_connection_fails_the_dump(
        proxied, tmp_path, monkeypatch):
    monkeypatch.setattr(native, "CONNECT_SECONDS", 2)  # pg_dump's limit
    monkeypatch.setattr(native, "SILENT_SECONDS", 2)  # mysqldump has none: this one ends it
    url, proxy = proxied
    proxy.stop(black_hole=True)  # connections are taken, and never answered
    dumping, outcome = dump_in_a_thread(url, tmp_path)
    dumping.join(timeout=60)
    assert not dumping.is_alive(), "the dump is still waiting for the server"
    assert "error" in outcome and "Traceback" not in outcome["error"]


def test_a_network_that_goes_silent_in_the_middle_of_the_rows_stops_the_dump(
        proxied, scratch_url, tmp_path, monkeypatch, engine):
    monkeypatch.setattr(native, "SILENT_SECONDS", 2)
    _fill(scratch_url, engine)
    url, proxy = proxied
    monkeypatch.setattr(StallAtTheFirstRows, "proxy", proxy, raising=False)
    dumping, outcome = dump_in_a_thread(url, tmp_path, StallAtTheFirstRows)
    dumping.join(timeout=60)
    assert not dumping.is_alive(), "the dump is still waiting for rows"
    assert "printed nothing for 2 s" in outcome.get("error", "")


def test_a_network_that_goes_silent_under_a_portable_export_stops_it(
        engine, database, settings, forwarded, tmp_path, monkeypatch):
    if engine == "sqlite":
        pytest.skip("SQLite is a local file: its backup crosses no network")
    monkeypatch.setattr(common, "JOB_WAIT_SECONDS", 2)
    support.fill()
    url, proxy = forwarded(settings.DATABASE_URL)
    monkeypatch.setattr(StallAtTheFirstRows, "proxy", proxy, raising=False)
    exporting, outcome = dump_in_a_thread(url, tmp_path, StallAtTheFirstRows, export=True)
    exporting.join(timeout=60)
    assert not exporting.is_alive(), "the export is still waiting for rows"
    assert re.search(r"did not answer within 2 s|timed out", outcome.get("error", ""))


def _fill(url: str, engine: str) -> None:
    """A filler table of FILLER_ROWS rows, made by the server itself."""
    database = open_database(url)
    try:
        database.execute_sql("CREATE TABLE filler (id INTEGER PRIMARY KEY, words VARCHAR(100))")
        numbers = ("generate_series(1, %d) AS n" if engine == "postgresql"
                   else "(SELECT seq AS n FROM seq_1_to_%d) AS s") % FILLER_ROWS
        database.execute_sql(f"INSERT INTO filler SELECT n, {_words(engine)} FROM {numbers}")
        if engine == "postgresql":
            database.commit()
    finally:
        database.close_all()


def _words(engine: str) -> str:
    text = "'the quick brown fox jumps over the lazy dog, again and again '"
    return f"{text} || n" if engine == "postgresql" else f"CONCAT({text}, n)"


# -- the whole command, as an operator runs it --

def test_tinyapp_backup_on_a_line_gone_silent_mid_dump_fails_in_one_line_and_leaves_nothing(
        proxied, scratch_url, engine, environment, monkeypatch, capsys):
    from tinyapp.cli import main

    monkeypatch.setattr(native, "SILENT_SECONDS", 2)
    _fill(scratch_url, engine)
    url, proxy = proxied
    assert main(["migrate", "up", "--database-url", url]) == 0
    capsys.readouterr()
    proxy.stall_after(2 * 2**20)  # of the dump's ~20 MB
    finished = {}
    command = threading.Thread(target=lambda: finished.update(
        code=main(["backup", "--database-url", url])), daemon=True)
    command.start()
    command.join(timeout=90)
    assert not command.is_alive(), "tinyapp backup is still waiting for rows"
    printed = capsys.readouterr()
    assert finished["code"] == 1
    assert "printed nothing for 2 s" in printed.err
    assert "Traceback" not in printed.err + printed.out
    assert len(printed.err.strip().splitlines()) == 1, printed.err
    backups = environment / "data" / "backups"
    leftovers = [p.name for p in backups.iterdir()] if backups.exists() else []
    assert leftovers == []  # no half-written backup, no lock file kept

    proxy.resume()  # the line is back: the next backup runs (the lock was let go)
    assert main(["backup", "--database-url", url]) == 0
    assert "backup written" in capsys.readouterr().out
