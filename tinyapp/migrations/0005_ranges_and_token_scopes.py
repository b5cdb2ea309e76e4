"""Documented ranges enforced by the database; API tokens with a scope; e-mails normalised.

- CHECK constraints for every stored number's range: prices, order lines and totals at
  most 99,999,999.99 (in cents), stock and reorder levels at most 1,000,000, an order line
  at most 10,000 units, a stock movement at most 1,000,000 either way. Rows that already
  break one stop the migration with a message naming them (fix those first).
- ``api_tokens.scope``: "all" (acts as its user, as before) or "metrics" (reads /metrics).
- E-mail addresses stored NFKC-normalised and case-folded, as tinyapp now compares them;
  a user whose normalised address another user already has keeps the old spelling (the
  migration prints which), so an admin can decide.

SQLite cannot add a CHECK to an existing table: the table is rebuilt with it (a copy
with the constraint, the rows moved over, the old one dropped, the copy renamed), which
is what peewee's migrator does for such changes too; foreign keys are off meanwhile.
"""

import unicodedata

import peewee
from playhouse.migrations import MigrationError

CHECKS = {  # table -> (constraint name, condition); the names are for PostgreSQL/MySQL
    "products": [("products_price_max", "price <= 9999999999"),
                 ("products_stock_max", "stock <= 1000000"),
                 ("products_reorder_level_max", "reorder_level <= 1000000")],
    "orders": [("orders_total_min", "total >= 0"),
               ("orders_total_max", "total <= 9999999999")],
    "order_lines": [("order_lines_quantity_max", "quantity <= 10000"),
                    ("order_lines_unit_price_max", "unit_price <= 9999999999")],
    "stock_movements": [("stock_movements_delta_min", "delta >= -1000000"),
                        ("stock_movements_delta_max", "delta <= 1000000")],
}


def up(migrator, db):
    for table, checks in CHECKS.items():
        for _, condition in checks:
            _refuse_rows_outside(db, table, condition)
        if isinstance(db, peewee.SqliteDatabase):
            _sqlite_rebuild(db, table, add=[condition for _, condition in checks])
        else:
            for name, condition in checks:
                db.execute_sql(f"ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({condition})")
    scope_rule = "scope IN ('all', 'metrics')"
    sqlite = isinstance(db, peewee.SqliteDatabase)
    # SQLite takes the CHECK with the new column only; elsewhere it is added by name after
    # (MariaDB would drop a column's own CHECK when the migrator makes it NOT NULL).
    scope = peewee.CharField(max_length=10, default="all",
                             constraints=[peewee.Check(scope_rule)] if sqlite else [])
    migrator.migrate(migrator.add_column("api_tokens", "scope", scope))
    if not sqlite:
        db.execute_sql(f"ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_scope "
                       f"CHECK ({scope_rule})")
    _normalise_emails(db)


def down(migrator, db):
    migrator.migrate(migrator.drop_column("api_tokens", "scope"))
    for table, checks in CHECKS.items():
        if isinstance(db, peewee.SqliteDatabase):
            _sqlite_rebuild(db, table, remove=[condition for _, condition in checks])
        else:
            for name, _ in checks:
                db.execute_sql(f"ALTER TABLE {table} DROP CONSTRAINT {name}")


def _refuse_rows_outside(db, table: str, condition: str) -> None:
    ids = [row[0] for row in db.execute_sql(
        f"SELECT id FROM {table} WHERE NOT ({condition}) ORDER BY id LIMIT 20").fetchall()]
    if ids:
        raise MigrationError(f"{table}: the rows with id {', '.join(map(str, ids))} break "
                             f"'{condition}'; correct them with tinyapp 1.0, then migrate")


def _sqlite_rebuild(db, table: str, add=(), remove=()) -> None:
    """Recreate a SQLite table with CHECK constraints added or removed, rows and indexes kept."""
    (create,) = db.execute_sql("SELECT sql FROM sqlite_master WHERE type = 'table' "
                               "AND name = ?", (table,)).fetchone()
    indexes = [sql for (sql,) in db.execute_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL", (table,)).fetchall()]
    for condition in remove:
        create = create.replace(f", CHECK ({condition})", "")
    body = create.rstrip()[:-1] + "".join(f", CHECK ({condition})" for condition in add)
    copy = f"{table}__new"
    db.execute_sql(body.replace(f'"{table}"', f'"{copy}"', 1) + ")")
    db.execute_sql(f'INSERT INTO "{copy}" SELECT * FROM "{table}"')
    db.execute_sql(f'DROP TABLE "{table}"')
    db.execute_sql(f'ALTER TABLE "{copy}" RENAME TO "{table}"')
    for sql in indexes:
        db.execute_sql(sql)


def _normalise(email: str) -> str:
    """The rule of tinyapp.schemas.fields.normalize_email, frozen as it was on this day."""
    folded = unicodedata.normalize("NFKC", email.strip()).casefold()
    return unicodedata.normalize("NFKC", folded)


def _normalise_emails(db) -> None:
    users = db.execute_sql("SELECT id, email FROM users ORDER BY id").fetchall()
    taken = {email for _, email in users}
    for user_id, email in users:
        normal = _normalise(email)
        if normal == email:
            continue
        if normal in taken:
            print(f"0005: user {user_id} keeps e-mail {email!r}: another user has {normal!r}")
            continue
        db.execute_sql("UPDATE users SET email = %s WHERE id = %s"
                       .replace("%s", db.param), (normal, user_id))
        taken.add(normal)
    for customer_id, email in db.execute_sql(
            "SELECT id, email FROM customers WHERE email IS NOT NULL").fetchall():
        if _normalise(email) != email:
            db.execute_sql("UPDATE customers SET email = %s WHERE id = %s"
                           .replace("%s", db.param), (_normalise(email), customer_id))
