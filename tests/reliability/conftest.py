"""Reliability fixtures: a live tinyapp (waitress in a thread, or a real `tinyapp serve`
process), an admin with a bearer token, and the few helpers the fault tests share.

Nothing here is mocked: every request crosses a real socket to a real waitress, and the
database is a real SQLite file or a real PostgreSQL/MariaDB server.
"""

import os
import random
import re
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import peewee
import pytest
import requests

from tests.support import databases
from tests.support.live import live_server
from tinyapp import db, migrations
from tinyapp.models import Order, Product, StockMovement, User
from tinyapp.services import accounts, catalog, customers

ROOT = Path(__file__).resolve().parents[2]


def require_tool(ready: bool, reason: str) -> None:
    """Skip locally, fail under CI=true, when a tool these tests need is missing."""
    if ready:
        return
    if databases.in_ci():
        pytest.fail(f"CI requires it: {reason}", pytrace=False)
    pytest.skip(reason)


@dataclass
class Live:
    """A tinyapp served over real HTTP, and an admin signed in with a bearer token."""

    url: str
    app: object
    admin: User
    token: str
    session: requests.Session = field(default_factory=requests.Session)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.session.get(self.url + path, headers=self.headers, timeout=30, **kwargs)

    def post(self, path: str, json=None, **kwargs) -> requests.Response:
        return self.session.post(self.url + path, json=json, headers=self.headers,
                                 timeout=30, **kwargs)

    def restore_admin(self) -> None:
        """Undo what a fuzzed request may do to the fuzzer's own account.

        A generated PATCH /users/{id} can demote or deactivate this admin (once the
        fuzzer has created another admin), and DELETE /tokens/{id} can revoke its
        token. Both are correct behaviour; without this, every later case would just
        test the 401/403 path.
        """
        with db.database.connection_context():
            admin = User.get_by_id(self.admin.id)
            if admin.role != "admin" or not admin.is_active:
                accounts.update_user(admin.id, {"role": "admin", "is_active": True},
                                     actor=admin)
            if not self.get("/api/v1/me").ok:
                _, self.token = accounts.create_token(admin, "fuzzer")


serve_in_thread = live_server  # the reliability tests' name for it


@pytest.fixture
def live(database, settings, make_user):
    """tinyapp on the engine under test, served by waitress on 127.0.0.1."""
    admin = make_user("admin")
    with db.database.connection_context():
        _, token = accounts.create_token(admin, "reliability")
    with serve_in_thread(settings) as (url, app):
        yield Live(url, app, admin, token)


# -- a SQLite shop for `tinyapp serve` processes --

INITIAL_STOCK = 100_000


@pytest.fixture
def sqlite_shop(make_settings, tmp_path):
    """A migrated SQLite file with products, a customer and a staff token; the app closed."""
    path = tmp_path / "data" / "tinyapp.db"
    path.parent.mkdir()
    settings = make_settings(DATABASE_URL=f"sqlite:///{path}")
    databases.use(settings)
    with db.database.connection_context():
        migrations.upgrade()
        staff = accounts.create_user("staff@example.com", "Sam Staff", "a long passphrase 1",
                                     role="staff")
        _, token = accounts.create_token(staff, "crash test")
        product_ids = [catalog.create_product({
            "sku": f"CR-{n:03d}", "name": f"Crash {n}", "price": Decimal("2.50"),
            "stock": INITIAL_STOCK}).id for n in range(12)]
        customer_id = customers.create_customer({"name": "Crash Customer"}).id
    db.database.close_all()
    return settings, path, token, product_ids, customer_id


# -- a client that places orders and remembers what was acknowledged --

class OrderClient:
    """Places (and sometimes cancels) orders over HTTP; remembers what tinyapp acknowledged.

    ``expected`` maps an order id to the statuses it may have in the database: one
    status once a 2xx answer reported it, two while a change was sent and its answer
    never came (the kill cut it), since that change may or may not have committed.
    """

    def __init__(self, token: str, product_ids: list[int], customer_id: int):
        self.headers = {"Authorization": f"Bearer {token}"}
        self.product_ids = product_ids
        self.customer_id = customer_id
        self.expected: dict[int, set[str]] = {}
        self.acknowledged = self.cut = 0
        self.unavailable: list[float] = []  # seconds each 503 took
        self.slowest = 0.0  # seconds, of any answer
        self.slowest_request = ""  # which it was, and its answer
        self.unexpected: list[str] = []
        self.lock = threading.Lock()

    def run(self, url: str, stop: threading.Event, seed: int) -> None:
        """Place orders until stopped or until the server goes away (503s: go on)."""
        rng, session, placed = random.Random(seed), requests.Session(), []
        while not stop.is_set():
            try:
                self._one_order(session, url, rng, placed)
            except requests.Timeout:
                return self._note("a request timed out")
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
                with self.lock:  # the server went away, perhaps halfway through an answer
                    self.cut += 1
                return

    def _one_order(self, session, url, rng, placed: list[int]) -> None:
        lines = [{"product_id": product, "quantity": rng.randint(1, 3)}
                 for product in rng.sample(self.product_ids, rng.randint(1, 3))]
        reply = self._timed(session.post(f"{url}/api/v1/orders", json={
            "customer_id": self.customer_id, "lines": lines}, headers=self.headers, timeout=30))
        if reply.status_code != 201:
            return self._refused("create", reply)
        order_id = reply.json()["id"]
        self._record(order_id, "draft")
        if self._change(session, url, order_id, "place", "draft", "placed"):
            placed.append(order_id)  # only an order tinyapp said it placed is cancelled later
        if placed and rng.random() < 0.2:  # cancel a placed order: stock comes back
            self._change(session, url, placed.pop(rng.randrange(len(placed))), "cancel",
                         "placed", "cancelled")

    def _change(self, session, url, order_id, action, before, after) -> bool:
        """Send a state change; True when tinyapp acknowledged it."""
        self._record(order_id, before, after)  # in flight: either may be stored
        reply = self._timed(session.post(f"{url}/api/v1/orders/{order_id}/{action}",
                                         headers=self.headers, timeout=30))
        if reply.status_code != 200:
            self._refused(action, reply)
            return False
        self._record(order_id, reply.json()["status"])
        return True

    def _record(self, order_id: int, *statuses: str) -> None:
        with self.lock:
            self.expected[order_id] = set(statuses)
            self.acknowledged += len(statuses) == 1

    def _timed(self, reply: requests.Response) -> requests.Response:
        with self.lock:
            if reply.elapsed.total_seconds() > self.slowest:
                self.slowest_request = (f"{reply.request.method} {reply.request.path_url} "
                                        f"[{reply.headers.get('X-Request-ID')}]: "
                                        f"{reply.status_code} {reply.text[:120]}")
            self.slowest = max(self.slowest, reply.elapsed.total_seconds())
        return reply

    def _refused(self, action: str, reply: requests.Response) -> None:
        """A 503 (database away) is an answer; anything else is a problem."""
        if reply.status_code == 503 and reply.headers.get("Retry-After"):
            with self.lock:
                self.unavailable.append(reply.elapsed.total_seconds())
        else:
            self._note(f"{action}: {reply.status_code} {reply.text[:200]}")

    def _note(self, problem: str) -> None:
        with self.lock:
            self.unexpected.append(problem)


# -- tinyapp as a real process (`python -m tinyapp serve`) --

class ServerProcess:
    """`python -m tinyapp serve --port 0` in a child process, and what it printed."""

    def __init__(self, data_dir: Path, database_url: str, *flags: str,
                 env: dict[str, str] | None = None):
        command = [sys.executable, "-m", "tinyapp", "serve", "--port", "0",
                   "--data-dir", str(data_dir), "--database-url", database_url,
                   "--secret-key", "reliability", *flags]
        environment = {k: v for k, v in os.environ.items() if not k.startswith("TINYAPP_")}
        environment.update(env or {})
        self.process = subprocess.Popen(command, cwd=ROOT, env=environment, text=True,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.lines: list[str] = []
        self.url = self._wait_for_url()
        threading.Thread(target=self._drain, daemon=True).start()

    @property
    def pid(self) -> int:
        return self.process.pid

    def _wait_for_url(self) -> str:
        for line in self.process.stdout:
            self.lines.append(line)
            found = re.search(r"serving (http://127\.0\.0\.1:\d+)/", line)
            if found:
                return found.group(1)
        raise RuntimeError("tinyapp did not start:\n" + "".join(self.lines))

    def _drain(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    def output(self) -> str:
        return "".join(self.lines)

    def kill(self) -> None:
        """SIGKILL: no handler runs, nothing is flushed or closed by tinyapp."""
        self.process.kill()
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def check_stored_as_acknowledged(expected: dict[int, set[str]]) -> None:
    """Every order has a status it may have; every product's stock equals its movements."""
    with db.database.connection_context():
        stored = dict(Order.select(Order.id, Order.status).tuples())
        missing = {o: (s, stored.get(o)) for o, s in expected.items() if stored.get(o) not in s}
        assert missing == {}, f"acknowledged but not stored as reported (expected, stored): " \
                              f"{missing}"
        moved = dict(StockMovement.select(StockMovement.product,
                                          peewee.fn.SUM(StockMovement.delta))
                     .group_by(StockMovement.product).tuples())
        for product_id, stock in Product.select(Product.id, Product.stock).tuples():
            assert stock == moved.get(product_id, 0), f"product {product_id}"
