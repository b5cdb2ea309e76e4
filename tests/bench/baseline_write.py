"""The write-path baseline: tinyapp's two order transactions, written on the raw driver.

Creating a draft and placing it issue the same statements as tinyapp's services
(services/orders.py, services/stock.py), with the same locking: BEGIN IMMEDIATE on
SQLite, conditional UPDATEs for stock, products taken in id order.
"""

import datetime as dt
import sqlite3
import threading
import uuid
from urllib.parse import urlsplit


class BaselineShop:
    def __init__(self, url: str):
        self.url = url
        self.sqlite = url.startswith("sqlite")
        self.param = "?" if self.sqlite else "%s"
        self._local = threading.local()
        self._all = []
        self._lock = threading.Lock()

    def _connection(self):
        if not hasattr(self._local, "connection"):
            if self.sqlite:
                connection = sqlite3.connect(self.url.split("///", 1)[1], isolation_level=None,
                                             check_same_thread=False, timeout=10)
                for pragma in ("journal_mode=wal", "foreign_keys=1", "synchronous=full",
                               "cache_size=-16000", "temp_store=memory"):
                    connection.execute("PRAGMA " + pragma)
            else:
                import psycopg2

                parts = urlsplit(self.url)
                connection = psycopg2.connect(host=parts.hostname, port=parts.port,
                                              user=parts.username, dbname=parts.path[1:])
            self._local.connection = connection
            with self._lock:
                self._all.append(connection)
        return self._local.connection

    def _transaction(self, work):
        connection = self._connection()
        cursor = connection.cursor()
        if self.sqlite:
            cursor.execute("BEGIN IMMEDIATE")
        try:
            result = work(cursor)
            connection.commit() if not self.sqlite else cursor.execute("COMMIT")
            return result
        except Exception:
            connection.rollback() if not self.sqlite else cursor.execute("ROLLBACK")
            raise

    def _sql(self, text: str) -> str:
        return text.replace("?", self.param)

    def create_order(self, customer_id: int, lines: list[tuple[int, int]]) -> int:
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)

        def work(cursor):
            q = self._sql
            cursor.execute(q("SELECT id, is_active FROM customers WHERE id = ?"), (customer_id,))
            cursor.fetchone()
            ids = [p for p, _ in lines]
            cursor.execute(q("SELECT id, price, is_active FROM products WHERE id IN (?, ?, ?)"),
                           ids)
            prices = {row[0]: row[1] for row in cursor.fetchall()}
            cursor.execute(q("INSERT INTO orders (number, customer_id, status, notes, total, "
                             "created_at, version) VALUES (?, ?, 'draft', '', 0, ?, 1)"
                             + ("" if self.sqlite else " RETURNING id")),
                           (f"tmp-{uuid.uuid4().hex[:16]}", customer_id, now))
            order_id = cursor.lastrowid if self.sqlite else cursor.fetchone()[0]
            for product_id, quantity in lines:
                cursor.execute(q("INSERT INTO order_lines (order_id, product_id, quantity, "
                                 "unit_price) VALUES (?, ?, ?, ?)"),
                               (order_id, product_id, quantity, prices[product_id]))
            total = sum(prices[p] * qty for p, qty in lines)
            cursor.execute(q("UPDATE orders SET number = ?, total = ? WHERE id = ?"),
                           (f"SO-{order_id:06d}", total, order_id))
            return order_id

        return self._transaction(work)

    def place_order(self, order_id: int) -> None:
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)

        def work(cursor):
            q = self._sql
            cursor.execute(q("UPDATE orders SET status = 'placed', version = version + 1, "
                             "placed_at = ? WHERE id = ? AND status = 'draft'"), (now, order_id))
            cursor.execute(q("SELECT id, product_id, quantity, unit_price FROM order_lines "
                             "WHERE order_id = ? ORDER BY product_id"), (order_id,))
            lines = cursor.fetchall()
            for _, product_id, quantity, _ in lines:
                cursor.execute(q("UPDATE products SET needs_reorder = (stock - ? <= "
                                 "reorder_level), stock = stock - ? WHERE id = ? AND "
                                 "stock - ? >= 0 AND is_active = ?"),
                               (quantity, quantity, product_id, quantity, True))
                if cursor.rowcount != 1:
                    raise RuntimeError("out of stock")
                cursor.execute(q("INSERT INTO stock_movements (product_id, delta, reason, "
                                 "order_id, created_at) VALUES (?, ?, ?, ?, ?)"),
                               (product_id, -quantity, f"order SO-{order_id:06d} placed",
                                order_id, now))
            cursor.execute(q("SELECT id, price, category_id FROM products WHERE id IN "
                             "(?, ?, ?)"), [line[1] for line in lines])
            products = {row[0]: row for row in cursor.fetchall()}
            total = sum(products[p][1] * qty for _, p, qty, _ in lines)
            cursor.execute(q("UPDATE orders SET total = ? WHERE id = ?"), (total, order_id))
            day = now.date().isoformat()
            for _, product_id, quantity, _ in lines:
                amount = products[product_id][1] * quantity
                cursor.execute(q("UPDATE product_daily_sales SET quantity = quantity + ?, "
                                 "amount = amount + ? WHERE day = ? AND product_id = ?"),
                               (quantity, amount, day, product_id))
                if cursor.rowcount == 0:
                    cursor.execute(q("INSERT INTO product_daily_sales (day, product_id, "
                                     "category_id, quantity, amount) VALUES (?, ?, ?, ?, ?)"),
                                   (day, product_id, products[product_id][2], quantity, amount))

        self._transaction(work)

    def close(self) -> None:
        for connection in self._all:
            connection.close()
