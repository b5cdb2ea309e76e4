"""Faults the database tests provoke for real, and the checks they share.

``kill_connections`` ends tinyapp's own server connections, the way an operator (or a
failover) would: PostgreSQL's ``pg_terminate_backend`` and MariaDB's ``KILL`` of every
connection to the test's scratch database, never anyone else's.
"""

import os
from collections import defaultdict
from urllib.parse import urlsplit

from tinyapp import db
from tinyapp.db import engine_of, make_database
from tinyapp.models import DailySales, Order, OrderLine, ProductDailySales, business_day

SOLD = ("placed", "fulfilled")


def seconds(variable: str, default: float) -> float:
    """A test's duration: the default, or the number of seconds in this environment variable."""
    return float(os.environ.get(variable, default))


def kill_connections(url: str) -> int:
    """End every server connection to url's database but our own; return how many."""
    engine = engine_of(url)
    name = urlsplit(url).path.lstrip("/")
    killer = make_database(url, max_connections=1)
    try:
        if engine == "postgresql":
            rows = killer.execute_sql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()", (name,)).fetchall()
            return sum(1 for (ended,) in rows if ended)
        ids = [row[0] for row in killer.execute_sql(
            "SELECT id FROM information_schema.PROCESSLIST "
            "WHERE db = %s AND id <> CONNECTION_ID()", (name,)).fetchall()]
        killed = 0
        for connection_id in ids:
            try:
                killer.execute_sql(f"KILL CONNECTION {int(connection_id)}")
                killed += 1
            except Exception:  # noqa: BLE001 - it ended by itself meanwhile
                pass
        return killed
    finally:
        killer.close_all()


def connections_to(url: str) -> list[tuple[str, str]]:
    """(state, query) of every server connection to url's database but our own."""
    engine = engine_of(url)
    name = urlsplit(url).path.lstrip("/")
    looker = make_database(url, max_connections=1)
    try:
        if engine == "postgresql":
            sql = ("SELECT state, query FROM pg_stat_activity "
                   "WHERE datname = %s AND pid <> pg_backend_pid()")
        else:
            sql = ("SELECT command, COALESCE(info, '') FROM information_schema.PROCESSLIST "
                   "WHERE db = %s AND id <> CONNECTION_ID()")
        return [tuple(row) for row in looker.execute_sql(sql, (name,)).fetchall()]
    finally:
        looker.close_all()


def open_transactions(url: str) -> int:
    """Count the open transactions of server connections to url's database but our own."""
    engine = engine_of(url)
    name = urlsplit(url).path.lstrip("/")
    looker = make_database(url, max_connections=1)
    if engine == "postgresql":
        sql = ("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = %s "
               "AND pid <> pg_backend_pid() AND xact_start IS NOT NULL")
    else:
        sql = ("SELECT COUNT(*) FROM information_schema.INNODB_TRX t "
               "JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id "
               "WHERE p.DB = %s AND p.ID <> CONNECTION_ID()")
    try:
        return looker.execute_sql(sql, (name,)).fetchone()[0]
    finally:
        looker.close_all()


def check_daily_figures() -> None:
    """The per-day sales figures equal what the sold orders add up to, day by day."""
    orders: dict = defaultdict(lambda: [0, 0])
    products: dict = defaultdict(lambda: [0, 0])
    with db.database.connection_context():
        for order in Order.select().where(Order.status.in_(SOLD)):
            day = business_day(order.placed_at)
            orders[day][0] += 1
            orders[day][1] += order.total
        lines = (OrderLine.select(OrderLine, Order.placed_at).join(Order)
                 .where(Order.status.in_(SOLD)))
        for line in lines:
            key = (business_day(line.order.placed_at), line.product_id)
            products[key][0] += line.quantity
            products[key][1] += line.quantity * line.unit_price
        stored = {row.day: [row.orders, row.amount] for row in DailySales.select()
                  if row.orders or row.amount}
        stored_products = {(row.day, row.product_id): [row.quantity, row.amount]
                           for row in ProductDailySales.select() if row.quantity or row.amount}
    assert stored == dict(orders)
    assert stored_products == dict(products)
