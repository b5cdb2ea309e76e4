"""Find low-stock products through an index instead of reading the whole table.

"stock <= reorder_level" compares two columns of the same row, which no index can
answer, so the low-stock list read every product. This adds ``needs_reorder``, kept
equal to that comparison by the stock and product services, fills it for existing
rows, and indexes it (with stock, the list's sort order). It also indexes
customers.created_at, a sort of the customer list.
"""

import peewee


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
    migrator.migrate(migrator.add_index("products", ("needs_reorder", "stock"), False),
                     migrator.add_index("customers", ("created_at",), False))


def down(migrator, db):
    migrator.migrate(migrator.drop_index("customers", "customers_created_at"),
                     migrator.drop_index("products", "products_needs_reorder_stock"),
                     migrator.drop_column("products", "needs_reorder"))
