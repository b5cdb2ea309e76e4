"""Barcodes on products, and search by any part of a word.

1. ``products.barcode``: optional, unique (EAN, UPC or any code a scanner reads).
2. ``search_documents``: the folded words of every product, customer and order, with
   each engine's own substring index (tinyapp/models/search.py explains them), filled
   here from the rows that exist. ``search_terms`` is rebuilt with folded words too
   (accents dropped), and now also indexes orders.

The text functions and index statements are frozen copies of tinyapp.models.search as
it was when this migration was written (a migration never imports the models).
"""

import re
import unicodedata

import peewee

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
FTS = "search_documents_fts"


def _words(text: str) -> list[str]:
    folded = "".join(ch for ch in unicodedata.normalize("NFKD", text.casefold())
                     if not unicodedata.combining(ch))
    return list(dict.fromkeys(word[:40] for word in _WORD.findall(folded)))


def _gram_words(body: str) -> str:
    return " ".join(dict.fromkeys("g" + word[i:i + 3] for word in body.split()
                                  for i in range(len(word) - 2)))


def _models(db):
    class SearchDocument(peewee.Model):
        kind = peewee.CharField(max_length=10)
        ref_id = peewee.IntegerField()
        body = peewee.TextField()
        grams = peewee.TextField()

        class Meta:
            database = db
            legacy_table_names = False  # index names from the table name, as the models'
            table_name = "search_documents"
            indexes = ((("kind", "ref_id"), True),)

    class SearchTerm(peewee.Model):
        kind = peewee.CharField(max_length=10)
        term = peewee.CharField(max_length=40)
        ref_id = peewee.IntegerField()

        class Meta:
            database = db
            table_name = "search_terms"
            primary_key = peewee.CompositeKey("kind", "term", "ref_id")

    return SearchDocument, SearchTerm


def _substring_index_sql(db) -> list[str]:
    if isinstance(db, peewee.SqliteDatabase):
        old_row = f"INSERT INTO {FTS} ({FTS}, rowid, body) VALUES ('delete', old.id, old.body);"
        new_row = f"INSERT INTO {FTS} (rowid, body) VALUES (new.id, new.body);"
        return [
            f"DROP TABLE IF EXISTS {FTS}",
            f"CREATE VIRTUAL TABLE {FTS} USING fts5(body, content='search_documents', "
            "content_rowid='id', tokenize='trigram')",
            f"CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents "
            f"BEGIN {new_row} END",
            f"CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents "
            f"BEGIN {old_row} END",
            f"CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents "
            f"BEGIN {old_row} {new_row} END",
        ]
    if isinstance(db, peewee.PostgresqlDatabase):
        return ["CREATE EXTENSION IF NOT EXISTS pg_trgm",
                "CREATE INDEX search_documents_body_trgm ON search_documents "
                "USING gin (body gin_trgm_ops)"]
    return ["CREATE FULLTEXT INDEX search_documents_grams ON search_documents (grams)"]


SOURCES = {  # kind: the SQL that reads each row's id and the texts it is found by
    "product": "SELECT p.id, p.sku, p.name FROM products p",
    "customer": "SELECT c.id, c.name, COALESCE(c.email, '') FROM customers c",
    "order": "SELECT o.id, o.number, c.name FROM orders o "
             "JOIN customers c ON c.id = o.customer_id",
}


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("products", "barcode",
                            peewee.CharField(max_length=64, null=True)),
        migrator.add_index("products", ("barcode",), True))
    documents, terms = _models(db)
    db.create_tables([documents])
    for statement in _substring_index_sql(db):
        db.execute_sql(statement)
    terms.delete().execute()
    for kind, sql in SOURCES.items():
        alias = sql.split()[1][0]  # "p" of "SELECT p.id ..."
        last = 0
        while True:
            rows = db.execute_sql(f"{sql} WHERE {alias}.id > {db.param} ORDER BY {alias}.id "
                                  "LIMIT 100", (last,)).fetchall()
            if not rows:
                break
            last = rows[-1][0]
            bodies = [(row[0], " ".join(_words(" ".join(row[1:])))) for row in rows]
            documents.insert_many([(kind, ref_id, body, _gram_words(body))
                                   for ref_id, body in bodies],
                                  fields=[documents.kind, documents.ref_id, documents.body,
                                          documents.grams]).execute()
            found = [(kind, term, ref_id) for ref_id, body in bodies for term in body.split()]
            for first in range(0, len(found), 1000):
                terms.insert_many(found[first:first + 1000],
                                  fields=[terms.kind, terms.term, terms.ref_id]).execute()


def down(migrator, db):
    documents, terms = _models(db)
    if isinstance(db, peewee.SqliteDatabase):
        db.execute_sql(f"DROP TABLE IF EXISTS {FTS}")
    db.drop_tables([documents])
    terms.delete().where(terms.kind == "order").execute()
    migrator.migrate(migrator.drop_index("products", "products_barcode"),
                     migrator.drop_column("products", "barcode"))
