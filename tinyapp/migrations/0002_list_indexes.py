"""Indexes for the lists and reports, now that their queries are known.

1. Low stock: "stock <= reorder_level" compares two columns of a row, which no index
   can answer, so the low-stock list read every product. ``needs_reorder`` holds that
   comparison (the stock and product services keep it up to date); it is filled for
   existing rows here and indexed with stock, the list's sort order.
2. Lists are read a page at a time in (sort column, id) order; an index on exactly that
   pair lets every engine read just the page, so single-column indexes on name and
   created_at become (name, id) and (created_at, id).
"""

import peewee

# (table, old single-column index or None, columns of the new index)
SORT_INDEXES = [
    ("products", "products_name", ("name", "id")),
    ("products", "products_created_at", ("created_at", "id")),
    ("customers", "customers_name", ("name", "id")),
    ("customers", None, ("created_at", "id")),
    ("orders", "orders_created_at", ("created_at", "id")),
]


def _products(db):
    class Products(peewee.Model):
        stock = peewee.IntegerField()
        reorder_level = peewee.IntegerField()
        needs_reorder = peewee.BooleanField()

        class Meta:
            database = db
            table_name = "products"

    return Products


def up(migrator, db):
    migrator.migrate(migrator.add_column("products", "needs_reorder",
                                         peewee.BooleanField(default=False)))
    products = _products(db)
    products.update(needs_reorder=products.stock <= products.reorder_level).execute()
    operations = [migrator.add_index("products", ("needs_reorder", "stock"), False)]
    for table, old, columns in SORT_INDEXES:
        if old:
            operations.append(migrator.drop_index(table, old))
        operations.append(migrator.add_index(table, columns, False))
    migrator.migrate(*operations)


def down(migrator, db):
    operations = []
    for table, old, columns in reversed(SORT_INDEXES):
        operations.append(migrator.drop_index(table, f"{table}_{'_'.join(columns)}"))
        if old:
            operations.append(migrator.add_index(table, (old.split("_", 1)[1],), False))
    operations += [migrator.drop_index("products", "products_needs_reorder_stock"),
                   migrator.drop_column("products", "needs_reorder")]
    migrator.migrate(*operations)
