"""A dump on a network that stops answering fails within a bound; it never hangs.

pg_dump and mysqldump talk to the server themselves, past tinyapp's connection limits
(tinyapp/engines.py). Through a real TCP forwarder (tests/support/tcpproxy.py) the
line goes silent: before the tool's connection is answered, or in the middle of the
rows. A stalled dump held the backup lock, so every later backup, scheduled or
clicked, was "already running", for as long as the network stayed silent.
"""

import threading
from urllib.parse import urlsplit

import pytest

from tests.support.tcpproxy import TCPProxy, through
from tinyapp.backup import BackupError, native
from tinyapp.backup.common import open_database, progress_factory

FILLER_ROWS = 200_000  # ~20 MB of dump: far more than the sockets and pipes buffer


@pytest.fixture
def proxied(engine, scratch_url):
    """(the scratch database's URL through a forwarder, the forwarder)."""
    if engine == "sqlite":
        pytest.skip("SQLite is a local file: its backup crosses no network")
    parts = urlsplit(scratch_url)
    proxy = TCPProxy(parts.hostname, parts.port)
    yield through(proxy, scratch_url), proxy
    proxy.resume()
    proxy.close()


def dump_in_a_thread(url, folder, progress=None) -> tuple[threading.Thread, dict]:
    """Run native.dump in a thread; the dict gets its error (or "done")."""
    outcome = {}

    def run():
        try:
            native.dump(url, folder, 0, progress or progress_factory(False))
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

    class StallAtTheFirstRow:  # a progress bar that cuts the line once rows flow
        def __init__(self, *args):
            pass

        def advance(self, rows):
            if rows:
                proxy.stall()

        def finish(self):
            pass

    dumping, outcome = dump_in_a_thread(url, tmp_path, StallAtTheFirstRow)
    dumping.join(timeout=60)
    assert not dumping.is_alive(), "the dump is still waiting for rows"
    assert "printed nothing for 2 s" in outcome.get("error", "")


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
