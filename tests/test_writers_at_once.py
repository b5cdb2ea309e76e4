"""Units of work writing at once, on every engine: each one returns only once its change
is committed, and one that fails undoes its own change only.

On SQLite the units that wait for their turn share the transaction of the one before
them and its COMMIT (tinyapp/sqlite_writer.py); the tests hold for any way of writing,
and the last one shows, from the WAL file itself, that SQLite's units did share.
"""

import os
import sqlite3
import struct
import threading
from decimal import Decimal

import peewee
import pytest

from tests.support import databases
from tests.support.polling import wait_until
from tests.test_concurrency import run_together
from tinyapp import db, migrations, querylog
from tinyapp.models import Category, Change, Order, Product
from tinyapp.services import catalog, customers, orders
from tinyapp.services.stock import OutOfStock
from tinyapp.unit_of_work import unit_of_work

WRITERS = 8


def test_each_writer_returns_only_once_another_connection_sees_its_change(
        database, migrated_url):
    seen_elsewhere = []

    def create_and_look(index):
        other = db.Database(migrated_url)  # its own pool: other connections
        try:
            for n in range(10):
                product = catalog.create_product({"sku": f"AT-{index}-{n}", "name": "At once",
                                                  "price": Decimal("1.00")})
                with other.bound(), other.connection():
                    seen_elsewhere.append(Product.get_or_none(Product.id == product.id)
                                          is not None)
        finally:
            other.close()

    results = run_together(create_and_look, WRITERS)

    assert [r for r in results if r is not None] == []
    assert seen_elsewhere == [True] * WRITERS * 10


def test_a_writer_that_fails_among_others_undoes_its_own_change_only(database):
    """Half the orders have a line that cannot be had: placing one takes the plentiful
    product's stock first (lines go in product order), then fails on the scarce one."""
    with db.database.connection_context():
        plenty = catalog.create_product({"sku": "PLENTY", "name": "Plenty",
                                         "price": Decimal("1.00"), "stock": 1000})
        none_left = catalog.create_product({"sku": "NONE", "name": "None left",
                                            "price": Decimal("1.00"), "stock": 0})
        buyer = customers.create_customer({"name": "Mixed"})
        drafts = [orders.create_order({"customer_id": buyer.id, "lines": [
            {"product_id": plenty.id, "quantity": 1},
            *([{"product_id": none_left.id, "quantity": 1}] if i % 2 else [])]}).id
            for i in range(4 * WRITERS)]

    def place_my_share(index):
        done = []
        for draft in drafts[index::WRITERS]:
            try:
                done.append(orders.place_order(draft).id)
            except OutOfStock:
                pass
        return done

    results = run_together(place_my_share, WRITERS)

    placed = sorted(order for r in results for order in r)
    assert placed == drafts[::2]  # every order without the scarce line, and only those
    with db.database.connection_context():
        assert Product.get_by_id(plenty.id).stock == 1000 - len(placed)
        assert Product.get_by_id(none_left.id).stock == 0
        assert sorted(o.id for o in Order.select().where(Order.status == "placed")) == placed
        placed_in_journal = [int(c.entity_id) for c in Change.select().where(
            Change.entity == "order", Change.action == "place")]
        assert sorted(placed_in_journal) == placed


WAL_HEADER, FRAME_HEADER = 32, 24  # bytes (sqlite.org/fileformat.html#the_write_ahead_log)


def commits_in_wal(path: str) -> int:
    """The COMMITs in an SQLite WAL file: a frame that ends a transaction says the
    database's size after it; the other frames say 0."""
    with open(path + "-wal", "rb") as wal:
        header = wal.read(WAL_HEADER)
        page_size, salts = struct.unpack(">I", header[8:12])[0], header[16:24]
        commits = 0
        while frame := wal.read(FRAME_HEADER):
            if len(frame) < FRAME_HEADER or frame[8:16] != salts:  # left from an older WAL
                break
            commits += struct.unpack(">I", frame[4:8])[0] != 0
            wal.seek(page_size, os.SEEK_CUR)
    return commits


def test_on_sqlite_writers_at_once_share_their_commits(make_settings, tmp_path):
    path = str(tmp_path / "grouped.db")
    setup = databases.use(make_settings(DATABASE_URL=f"sqlite:///{path}"))
    with db.database.connection_context():
        migrations.upgrade()
    sqlite3.connect(path).execute("PRAGMA wal_checkpoint(TRUNCATE)").connection.close()
    # A reader with a transaction open keeps the WAL from being started again, so that
    # every frame written from here on stays in it to be counted.
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT COUNT(*) FROM products").fetchone()

    def create_many(index):
        for n in range(25):
            catalog.create_product({"sku": f"GC-{index}-{n}", "name": "Grouped",
                                    "price": Decimal("1.00")})

    try:
        results = run_together(create_many, WRITERS)
        commits = commits_in_wal(path)
    finally:
        reader.close()
        setup.close()

    assert [r for r in results if r is not None] == []
    units = WRITERS * 25
    assert 0 < commits <= units // 2, f"{commits} commits for {units} units of work"


@unit_of_work
def _hold_the_turn(work, name: str, holding: threading.Event, release: threading.Event):
    """A write that keeps its turn on the writer until the test lets it go."""
    category = Category.create(name=name)
    work.created(category)
    holding.set()
    release.wait(30)
    return category


def test_on_sqlite_a_writer_kept_waiting_past_pool_timeout_is_refused_and_the_one_ahead_commits(
        make_settings, tmp_path):
    """POOL_TIMEOUT bounds the wait for a turn; the writer that gave up leaves nothing
    behind, and the one that had the turn still commits alone when it is done."""
    path = tmp_path / "held.db"
    setup = databases.use(make_settings(DATABASE_URL=f"sqlite:///{path}", POOL_TIMEOUT=1))
    with db.database.connection_context():
        migrations.upgrade()
    holding, release = threading.Event(), threading.Event()
    database = db.current()
    held: list = []

    def first():
        with database.bound(), db.database.connection_context():
            held.append(_hold_the_turn("Held", holding, release))

    ahead = threading.Thread(target=first)
    ahead.start()
    try:
        assert holding.wait(30)
        with pytest.raises(db.DatabaseUnavailable, match="busy with other writes"):
            with db.database.connection_context():
                catalog.create_category("Refused")
    finally:
        release.set()
        ahead.join(30)
    try:
        assert [c.name for c in held] == ["Held"]
        other = sqlite3.connect(path)
        assert other.execute("SELECT name FROM categories").fetchall() == [("Held",)]
        other.close()
    finally:
        setup.close()


def test_on_sqlite_a_writer_waiting_for_another_process_to_finish_writing_is_a_slow_query(
        make_settings, tmp_path):
    """Another program (a second tinyapp, the sqlite3 shell) holding the write lock keeps
    the BEGIN waiting: the slow-query log says so, instead of a request slow for no
    visible reason."""
    path = tmp_path / "waited.db"
    setup = databases.use(make_settings(DATABASE_URL=f"sqlite:///{path}", SLOW_QUERY_MS=100))
    with db.database.connection_context():
        migrations.upgrade()
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # the write lock, held by another connection
    letting_go = threading.Timer(1.0, other.rollback)
    letting_go.start()
    try:
        with querylog.track(keep_statements=True) as log:
            catalog.create_category("Waited")
    finally:
        letting_go.join()
        other.close()
        setup.close()

    begin = next(query for query in log.statements if query.sql.startswith("BEGIN"))
    assert begin.ms >= 300
    assert any(slow.sql.startswith("BEGIN") for slow in querylog.slow_queries())


@unit_of_work
def _fail_ending_the_transaction(work, name: str):
    """A write whose failure makes SQLite roll back the whole transaction, not only this
    statement (``OR ROLLBACK``; a full disk can do the same)."""
    Category.create(name=name)
    Category.insert(name=name).on_conflict("ROLLBACK").execute()  # the same name again


def test_on_sqlite_a_writer_whose_shared_transaction_another_ended_runs_again(
        make_settings, tmp_path):
    """Units that share a transaction lose their changes with it when SQLite ends it for
    one unit's error: that unit is told its error; the others run again, as after a
    deadlock, instead of being told of an error that is not theirs."""
    path = tmp_path / "ended.db"
    setup = databases.use(make_settings(DATABASE_URL=f"sqlite:///{path}"))
    with db.database.connection_context():
        migrations.upgrade()
    holding, release = threading.Event(), threading.Event()
    database = db.current()
    writer = database._writer
    outcomes: dict = {}

    def in_thread(name, write):
        def run():
            with database.bound(), db.database.connection_context():
                try:
                    outcomes[name] = write()
                except Exception as exc:  # noqa: BLE001 - the test looks at it
                    outcomes[name] = exc
        thread = threading.Thread(target=run)
        thread.start()
        return thread

    ahead = in_thread("ahead", lambda: _hold_the_turn("Ahead", holding, release).name)
    try:
        assert holding.wait(30)
        failing = in_thread("failing", lambda: _fail_ending_the_transaction("Twice"))
        # Nothing signals that the failing unit waits for its turn behind the one ahead.
        wait_until(lambda: writer._queued == 1, 30, interval=0.001, what="a unit queued")
    finally:
        release.set()
    ahead.join(30)
    failing.join(30)
    try:
        assert outcomes["ahead"] == "Ahead"
        assert isinstance(outcomes["failing"], peewee.IntegrityError)
        other = sqlite3.connect(path)
        assert other.execute("SELECT name FROM categories").fetchall() == [("Ahead",)]
        other.close()
    finally:
        setup.close()


@unit_of_work
def _go_on_after_the_transaction_ended(work, name: str):
    """A write that catches the error with which SQLite ended its transaction, and goes on
    as if its first change were still there."""
    Category.create(name=name)
    try:
        Category.insert(name=name).on_conflict("ROLLBACK").execute()
    except peewee.IntegrityError:
        pass
    return name


def test_on_sqlite_a_writer_that_goes_on_after_sqlite_ended_its_transaction_is_told_it_failed(
        make_settings, tmp_path):
    """Its first change went with the transaction: returning as if it were saved would lie."""
    path = tmp_path / "caught.db"
    setup = databases.use(make_settings(DATABASE_URL=f"sqlite:///{path}"))
    try:
        with db.database.connection_context():
            migrations.upgrade()
            with pytest.raises(peewee.OperationalError, match="rolled back"):
                _go_on_after_the_transaction_ended("Lost")
            assert list(Category.select()) == []
    finally:
        setup.close()
