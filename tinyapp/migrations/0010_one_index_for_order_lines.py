"""Order lines keep one index by order: the unique (order, product) one.

``order_lines_order_id`` indexed the order alone, and the unique index on (order,
product) starts with the same column: every lookup by order can use that one, so the
first only made each order's writes larger. MySQL and MariaDB, which need an index for
the foreign key, use the unique one too.
"""


def up(migrator, db):
    migrator.migrate(migrator.drop_index("order_lines", "order_lines_order_id"))


def down(migrator, db):
    migrator.migrate(migrator.add_index("order_lines", ("order_id",), False))
