"""The REAL PostgreSQL or MariaDB server stops while orders are placed, then starts again.

tinyapp must answer 503 quickly (never hang past POOL_TIMEOUT, never 500), serve again
within 5 seconds of the server being back, without a restart, and have lost no write
it acknowledged. This stops the shared server everyone's tests use: it runs only when
the marker expression names it (``-m outage``; CI does), and always starts the server
again, waiting until it answers, before it ends.
"""

import shutil
import subprocess
import threading
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from tests.reliability.conftest import (
    OrderClient,
    check_stored_as_acknowledged,
    require_tool,
    serve_in_thread,
)
from tests.support.polling import wait_until
from tinyapp import db
from tinyapp.services import accounts, catalog, customers

pytestmark = [pytest.mark.slow, pytest.mark.outage]

POOL_TIMEOUT = 2
BACK_WITHIN = 5.0  # seconds from "the server answers" to "tinyapp answers"


class DatabaseServer:
    """Stop and start the real server behind a URL, the way an operator would."""

    def __init__(self, engine: str, url: str):
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, str(parts.port)
        if engine == "postgresql":
            versions = sorted(p.name for p in Path("/etc/postgresql").glob("*"))
            require_tool(bool(versions) and shutil.which("pg_ctlcluster") is not None,
                         "pg_ctlcluster and a cluster in /etc/postgresql")
            cluster = ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main"]
            self.stop_command = [*cluster, "stop", "-m", "fast"]
            self.start_command = [*cluster, "start"]
            self.ready_command = ["pg_isready", "-h", self.host, "-p", self.port, "-q"]
            self.running_command = [*cluster, "status"]
        else:
            require_tool(shutil.which("mysqladmin") is not None
                         and Path("/usr/sbin/mariadbd").exists(), "mysqladmin and mariadbd")
            self.stop_command = ["mysqladmin", f"-h{self.host}", f"-P{self.port}", "-uroot",
                                 "shutdown"]
            self.start_command = ["start-stop-daemon", "--start", "--oknodo", "--background",
                                  "--exec", "/usr/sbin/mariadbd"]
            self.ready_command = ["mysqladmin", "ping", f"-h{self.host}", f"-P{self.port}",
                                  "-uroot", "--silent"]
            self.running_command = ["start-stop-daemon", "--status", "--exec",
                                    "/usr/sbin/mariadbd"]

    def answers(self) -> bool:
        return subprocess.run(self.ready_command, capture_output=True).returncode == 0

    def running(self) -> bool:
        """Whether the server's process exists (it stops answering before it exits)."""
        return subprocess.run(self.running_command, capture_output=True).returncode == 0

    def stop(self) -> None:
        """Stop the server and wait until its process is gone, not only silent.

        MariaDB stops answering pings early in its shutdown; a start issued then finds the
        old process still running, does nothing (``--oknodo``), and the server stays down.
        """
        subprocess.run(self.stop_command, capture_output=True, check=True, timeout=60)
        wait_until(lambda: not self.answers() and not self.running(), timeout=60,
                   what="the server stopped")

    def start(self) -> float:
        """Start the server (if it is down); return the moment it answers again."""
        def started() -> bool:
            if self.answers():
                return True
            if not self.running():
                subprocess.run(self.start_command, capture_output=True, timeout=60)
            return False
        wait_until(started, timeout=90, interval=0.1, what="the server answering")
        return time.monotonic()


@pytest.fixture
def outage_allowed(request):
    if "outage" not in (request.config.option.markexpr or ""):
        pytest.skip("stops the shared database server: run with -m outage (CI does)")


@pytest.mark.parametrize("engine", ["postgresql", "mysql"], indirect=True)
def test_a_stopped_database_server_means_quick_503s_then_recovery_without_loss(
        outage_allowed, engine, server_url, database, make_settings, migrated_url, make_user):
    settings = make_settings(DATABASE_URL=migrated_url, POOL_TIMEOUT=POOL_TIMEOUT)
    staff = make_user("staff")
    with db.database.connection_context():
        _, token = accounts.create_token(staff, "outage")
        products = [catalog.create_product({"sku": f"OUT-{n}", "name": f"Outage {n}",
                                            "price": Decimal("1.00"), "stock": 100_000}).id
                    for n in range(6)]
        customer = customers.create_customer({"name": "Outage Customer"}).id
    server = DatabaseServer(engine, server_url)
    client = OrderClient(token, products, customer)
    stop = threading.Event()
    with serve_in_thread(settings, threads=6) as (url, app):
        workers = [threading.Thread(target=client.run, args=(url, stop, n)) for n in range(4)]
        try:
            for worker in workers:
                worker.start()
            wait_until(lambda: client.acknowledged >= 30, timeout=60, what="orders flowing")
            server.stop()
            wait_until(lambda: len(client.unavailable) >= 20 or client.unexpected,
                       timeout=60, what="20 answers of 503 during the outage")
        finally:
            back_at = server.start()
        wait_until(lambda: _reads_ok(url, token), timeout=BACK_WITHIN, interval=0.05,
                   what=f"tinyapp serving within {BACK_WITHIN} s of the server's return")
        recovered = time.monotonic() - back_at
        acknowledged = client.acknowledged
        wait_until(lambda: client.acknowledged >= acknowledged + 30 or client.unexpected,
                   timeout=60, what="orders flowing again")
        stop.set()
        for worker in workers:
            worker.join(timeout=60)

    assert client.unexpected == []
    assert client.slowest < POOL_TIMEOUT + 1.5, f"an answer took {client.slowest:.1f} s"
    check_stored_as_acknowledged(client.expected)
    assert app.database.pool_status()["in_use"] == 0
    print(f"{engine}: {len(client.unavailable)} answers of 503 (slowest "
          f"{max(client.unavailable):.2f} s), serving {recovered:.2f} s after the server "
          f"was back, {client.acknowledged} acknowledged changes kept")


def _reads_ok(url: str, token: str) -> bool:
    reply = requests.get(f"{url}/api/v1/products", timeout=10,
                         headers={"Authorization": f"Bearer {token}"})
    return reply.status_code == 200
