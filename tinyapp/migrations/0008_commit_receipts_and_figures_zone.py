"""Commit receipts, and the time zone the per-day sales figures are counted in.

- ``commit_receipts``: one row per write transaction on PostgreSQL and MySQL/MariaDB,
  so that a COMMIT whose answer was lost can be told committed or not (see
  ``CommitReceipt`` in tinyapp/db.py). Rows older than an hour are deleted.
- ``app_state``: facts about the stored data itself; ``figures_timezone`` names the
  zone of the days in ``daily_sales`` and ``product_daily_sales``. Until now they were
  UTC days, which is what no row means (so a restore, which builds this schema and
  then copies the backup's rows, finds the table empty); when TIMEZONE differs,
  ``tinyapp migrate up`` counts them again and records the zone.
"""

import peewee


def _models(db):
    class CommitReceipt(peewee.Model):
        token = peewee.CharField(max_length=32, primary_key=True)
        created_at = peewee.DateTimeField()

        class Meta:
            database = db
            table_name = "commit_receipts"

    class AppState(peewee.Model):
        key = peewee.CharField(max_length=50, primary_key=True)
        value = peewee.CharField(max_length=200)

        class Meta:
            database = db
            table_name = "app_state"

    return [CommitReceipt, AppState]


def up(migrator, db):
    db.create_tables(_models(db))


def down(migrator, db):
    db.drop_tables(_models(db))
