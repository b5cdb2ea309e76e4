"""Orders' search entries are written after the orders: the orders still waiting for one.

``order_search_entries_due`` holds the id of every order whose entry in
``search_documents`` is yet to be written or rewritten (see tinyapp/services/search.py).
Every order that exists now has its entry, so the table starts empty.
"""

import peewee


def _models(db):
    class Order(peewee.Model):
        class Meta:
            database = db
            table_name = "orders"

    class OrderSearchEntryDue(peewee.Model):
        order = peewee.ForeignKeyField(Order, primary_key=True, on_delete="CASCADE")

        class Meta:
            database = db
            table_name = "order_search_entries_due"

    return [OrderSearchEntryDue]


def up(migrator, db):
    db.create_tables(_models(db))


def down(migrator, db):
    db.drop_tables(_models(db))
