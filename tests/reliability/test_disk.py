"""A full disk and a read-only data folder under a live tinyapp on SQLite.

The database lives on a 2 MB tmpfs mounted by the test (a real filesystem that really
runs out of space, or is really remounted read-only). On a full disk writes must fail
with a clear 503 and a log line naming the cause, reads must keep working, a failed
write must leave nothing behind, and writes must work again once there is room.

A backup to a full or read-only destination is covered in tests/test_backup_files.py
(test_a_full_disk_fails_cleanly_and_leaves_nothing, test_a_read_only_disk_fails_cleanly)
and its answer over the API in tests/test_backup_api.py; not repeated here.
"""

import logging
import os
import sqlite3
import subprocess
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
import requests

from tests.reliability.conftest import require_tool, serve_in_thread
from tests.support import databases
from tinyapp import db, migrations
from tinyapp.services import accounts, catalog, customers, orders

pytestmark = pytest.mark.slow


@pytest.fixture
def small_disk(tmp_path):
    """A 2 MB tmpfs of its own, unmounted afterwards whatever happened."""
    point = tmp_path / "disk"
    point.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m,mode=0777",
                             "tinyapp-disk-test", str(point)], capture_output=True, text=True)
    require_tool(result.returncode == 0, f"cannot mount a tmpfs ({result.stderr.strip()}): "
                                         "run as root")
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], check=True)


@pytest.fixture
def app_on_small_disk(small_disk, make_settings):
    path = small_disk / "tinyapp.db"
    settings = make_settings(DATABASE_URL=f"sqlite:///{path}", POOL_TIMEOUT=2)
    setup = databases.use(settings)
    with db.database.connection_context():
        migrations.upgrade()
        admin = accounts.create_user("admin@example.com", "Admin", "a long passphrase 3",
                                     role="admin")
        _, token = accounts.create_token(admin, "disk")
        product = catalog.create_product({"sku": "D-1", "name": "Disk",
                                          "price": Decimal("1.00"), "stock": 5})
        buyer = customers.create_customer({"name": "Disk Buyer"})
        orders.create_order({"customer_id": buyer.id, "lines": [  # its search entry due
            {"product_id": product.id, "quantity": 1}]})
    setup.close()
    with serve_in_thread(settings) as (url, app):
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        yield url, session, path, app.database


def _import(session, url, rows: int, prefix: str) -> requests.Response:
    """One CSV import: all rows in one transaction (about 2 KB each)."""
    lines = ["sku,name,price,stock,description"]
    lines += [f"{prefix}-{n},Bulk {n},1.00,1,{os.urandom(1000).hex()}" for n in range(rows)]
    return session.post(f"{url}/api/v1/imports/products", data="\n".join(lines).encode(),
                        headers={"Content-Type": "text/csv"}, timeout=60)


def _fill(folder, leave: int = 0) -> None:
    """Write a file that takes all the space left (but `leave` bytes)."""
    free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
    with open(folder / "filler", "wb") as handle:
        try:
            handle.write(b"\0" * max(free - leave, 0))
        except OSError:
            pass  # full: that is the point


def test_a_full_disk_fails_writes_clearly_keeps_reads_and_leaves_nothing(app_on_small_disk,
                                                                         caplog):
    url, session, path, _ = app_on_small_disk
    count = lambda: len(session.get(f"{url}/api/v1/products?limit=100").json()["items"])  # noqa: E731
    assert count() == 1
    _fill(path.parent)

    with caplog.at_level(logging.ERROR, logger="tinyapp.web"):
        refused = [_import(session, url, 400, "FULL"),
                   session.post(f"{url}/api/v1/products", timeout=30, json={
                       "sku": "ONE", "name": "One", "price": "1", "stock": 1,
                       "description": "x" * 5000})]
    for reply in refused:
        assert reply.status_code in (500, 503), reply.text
        assert reply.headers["Content-Type"] == "application/problem+json"
        assert "Traceback" not in reply.text
    assert "disk is full" in caplog.text  # the log line names the cause

    for read in ("/api/v1/products", "/api/v1/products/1", "/api/v1/reports/low-stock",
                 "/api/v1/orders?q=buyer", "/readyz"):
        assert session.get(url + read, timeout=30).status_code == 200, read
    assert count() == 1  # nothing half-written

    (path.parent / "filler").unlink()
    assert _import(session, url, 50, "ROOM").status_code == 200
    assert count() == 51
    _check_integrity(path)


def create_product(session, url: str, sku: str, headers=None) -> requests.Response:
    return session.post(f"{url}/api/v1/products", timeout=60, headers=headers, json={
        "sku": sku, "name": "Together", "price": "1", "description": os.urandom(2500).hex()})


def test_writers_at_once_on_a_full_disk_keep_exactly_what_they_were_told_is_saved(
        app_on_small_disk):
    """On SQLite writers that arrive together share a transaction and its COMMIT
    (tinyapp/sqlite_writer.py); when the disk fills under it, each one is told whether
    its own change was saved, and the database holds exactly those told yes."""
    url, session, path, _ = app_on_small_disk
    assert create_product(session, url, "BEFORE").status_code == 201  # its files are open
    _fill(path.parent)

    def create(sku: str) -> requests.Response:
        return create_product(requests.Session(), url, sku, session.headers)

    with ThreadPoolExecutor(8) as pool:
        replies = dict(zip(pool.map(create, [f"AT-{n}" for n in range(24)]),
                           [f"AT-{n}" for n in range(24)], strict=True))
    refused = [reply for reply in replies if reply.status_code != 201]
    assert refused, "the disk did not fill: nothing was tested"
    for reply in refused:
        assert reply.status_code in (500, 503), reply.text
        assert reply.headers["Content-Type"] == "application/problem+json"
        assert "Traceback" not in reply.text
    saved = sorted(sku for reply, sku in replies.items() if reply.status_code == 201)
    listed = session.get(f"{url}/api/v1/products?limit=100", timeout=30).json()
    assert sorted(p["sku"] for p in listed["items"] if p["sku"].startswith("AT-")) == saved

    (path.parent / "filler").unlink()
    with ThreadPoolExecutor(8) as pool:
        again = list(pool.map(create, [f"ROOM-{n}" for n in range(8)]))
    assert [reply.status_code for reply in again] == [201] * 8
    _check_integrity(path)


def test_a_read_only_data_folder_answers_503_and_recovers_without_restart(app_on_small_disk,
                                                                         caplog):
    """SQLite cannot open a WAL database on a read-only filesystem, even to read it.

    So on a read-only data folder reads fail too (but for cached lists), cleanly: 503
    with the reason in the log, and all works again once the folder is writable, without
    a restart.
    """
    url, session, path, database = app_on_small_disk
    assert session.get(f"{url}/api/v1/products", timeout=30).status_code == 200
    database.close()  # no file open (as after a restart): the remount can happen
    subprocess.run(["mount", "-o", "remount,ro", str(path.parent)], check=True)
    try:
        with caplog.at_level(logging.ERROR, logger="tinyapp.web"):
            replies = [session.post(f"{url}/api/v1/categories", json={"name": "Nope"},
                                    timeout=30),
                       session.get(f"{url}/api/v1/products/1", timeout=30)]
        for reply in replies:
            assert reply.status_code == 503, reply.text
            assert reply.headers["Content-Type"] == "application/problem+json"
            assert reply.elapsed.total_seconds() < 5
        assert "unable to open database file" in caplog.text
        # A list read before, cached until a write changes it, is still served.
        assert session.get(f"{url}/api/v1/products", timeout=30).status_code == 200
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(path.parent)], check=True)
    assert session.post(f"{url}/api/v1/categories", json={"name": "Yes"},
                        timeout=30).status_code == 201
    assert [c["name"] for c in session.get(f"{url}/api/v1/categories").json()["items"]] == [
        "Yes"]
    _check_integrity(path)


def test_a_database_opened_on_a_full_disk_says_the_disk_is_full_and_opens_once_there_is_room(
        app_on_small_disk, caplog):
    """No one can read a WAL database without its shared-memory file (-shm), which SQLite
    makes when the first connection opens (after a restart): on a full disk it cannot, and
    SQLite calls that a "disk I/O error", which sends an operator looking for a failing
    disk. The log and /readyz say the disk is full instead."""
    url, session, path, database = app_on_small_disk
    database.close()  # no connection open, as after a restart: SQLite removed the -shm
    assert not path.with_name(path.name + "-shm").exists()
    _fill(path.parent)

    with caplog.at_level(logging.ERROR, logger="tinyapp.web"):
        reply = session.get(f"{url}/api/v1/products/1", timeout=30)
    ready = session.get(f"{url}/readyz", timeout=30)

    assert reply.status_code == 503 and ready.status_code == 503
    assert "the disk holding the database is full" in caplog.text
    assert "the disk holding the database is full" in ready.json()["detail"]
    (path.parent / "filler").unlink()
    assert session.get(f"{url}/api/v1/products/1", timeout=30).status_code == 200
    assert session.get(f"{url}/readyz", timeout=30).status_code == 200


def _check_integrity(path) -> None:
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        connection.close()
