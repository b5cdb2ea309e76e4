"""Text compares exactly on every engine, so "unique" means the same everywhere.

tinyapp's rule for names, SKUs and e-mail addresses: the schemas store text trimmed and
in Unicode NFC form (SKUs also in capitals, e-mail addresses case-folded), and the
database compares the stored text exactly, character for character. SQLite (BINARY)
and PostgreSQL (deterministic collations) already do. MySQL/MariaDB create text columns
with the server's default collation, usually utf8mb4_general_ci, for which "Cafe" and
"Café", or "ABC" and "abc", are equal: a category valid on SQLite then breaks a unique
index on MariaDB. Here every table, and the database's default for tables made later,
gets the binary NO PAD collation (trailing spaces count too, as elsewhere).
"""

import peewee

from tinyapp.db import exact_collation

TABLES = ["users", "sessions", "api_tokens", "audit_events", "categories", "products",
          "customers", "orders", "order_lines", "stock_movements", "search_terms",
          "daily_sales", "product_daily_sales", "schema_migration"]


def _convert(db, collation: str) -> None:
    db.execute_sql(f"ALTER DATABASE CHARACTER SET utf8mb4 COLLATE {collation}")
    existing = set(db.get_tables())
    for table in TABLES:
        if table in existing:
            db.execute_sql(f"ALTER TABLE `{table}` CONVERT TO CHARACTER SET utf8mb4 "
                           f"COLLATE {collation}")


def up(migrator, db):
    if isinstance(db, peewee.MySQLDatabase):
        _convert(db, exact_collation(db))


def down(migrator, db):
    if isinstance(db, peewee.MySQLDatabase):
        _convert(db, "utf8mb4_general_ci")
