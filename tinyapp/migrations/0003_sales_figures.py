"""Keep sales per day and per product per day, so reports need not read every order.

Creates ``daily_sales`` and ``product_daily_sales`` (see tinyapp/models/reporting.py) and
fills them from the orders already placed; from now on the order service keeps them up
to date in the same transaction as each order.
"""

import peewee

SOLD = ("placed", "fulfilled")


def _models(db):
    class DailySales(peewee.Model):
        day = peewee.DateField(primary_key=True)
        orders = peewee.IntegerField(default=0)
        amount = peewee.BigIntegerField(default=0)

        class Meta:
            database = db
            table_name = "daily_sales"

    class ProductDailySales(peewee.Model):
        day = peewee.DateField()
        product = peewee.ForeignKeyField(_stub(db, "products"), on_delete="RESTRICT",
                                         index=False)
        category = peewee.ForeignKeyField(_stub(db, "categories"), null=True,
                                          on_delete="SET NULL")
        quantity = peewee.IntegerField(default=0)
        amount = peewee.BigIntegerField(default=0)

        class Meta:
            database = db
            table_name = "product_daily_sales"
            primary_key = peewee.CompositeKey("day", "product")
            indexes = ((("product", "day"), False),)

    return [DailySales, ProductDailySales]


def _stub(db, table):
    class Stub(peewee.Model):
        class Meta:
            database = db
            table_name = table

    return Stub


def _day_of(db, column: str) -> str:
    """SQL for the UTC date of a timestamp column, as each engine writes it."""
    if isinstance(db, peewee.SqliteDatabase):
        return f"substr({column}, 1, 10)"  # timestamps are text: 'YYYY-MM-DD HH:MM:SS'
    if isinstance(db, peewee.PostgresqlDatabase):
        return f"CAST({column} AS DATE)"
    return f"DATE({column})"


def up(migrator, db):
    db.create_tables(_models(db))
    day = _day_of(db, "o.placed_at")
    db.execute_sql(
        "INSERT INTO daily_sales (day, orders, amount) "
        f"SELECT {day}, COUNT(*), SUM(o.total) FROM orders o "
        "WHERE o.status IN ('placed', 'fulfilled') "
        f"GROUP BY {day}")
    db.execute_sql(
        "INSERT INTO product_daily_sales (day, product_id, category_id, quantity, amount) "
        f"SELECT {day}, l.product_id, MAX(p.category_id), SUM(l.quantity), "
        "SUM(l.unit_price * l.quantity) "
        "FROM order_lines l JOIN orders o ON o.id = l.order_id "
        "JOIN products p ON p.id = l.product_id "
        "WHERE o.status IN ('placed', 'fulfilled') "
        f"GROUP BY {day}, l.product_id")


def down(migrator, db):
    db.drop_tables(_models(db))
