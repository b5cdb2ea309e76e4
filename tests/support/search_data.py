"""100,000 products, customers and orders with their search index, written fast.

For the EXPLAIN guard of search: a planner only shows whether it uses an index when a
table is large. The rows go in as multi-row INSERTs with parameters (building them
through the ORM would take minutes); the search rows come from the same functions the
services use, so the index holds exactly what tinyapp would write.
"""

import random

from tinyapp.db import database
from tinyapp.demo import ADJECTIVES, FIRST, LAST, NOUNS
from tinyapp.models.search import gram_words, words

ROWS = 100_000
BATCH = 5000
CREATED = "2026-01-01 00:00:00"


def load(rows: int = ROWS) -> None:
    """Fill an empty, migrated database with `rows` products, customers and orders."""
    rng = random.Random("tinyapp-search")
    for start in range(1, rows + 1, BATCH):
        ids = range(start, min(start + BATCH, rows + 1))
        names = {n: f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {n % 97 + 1}" for n in ids}
        people = {n: f"{rng.choice(FIRST)} {rng.choice(LAST)}" for n in ids}
        documents, terms = [], []
        for kind, texts in (("product", {n: f"SKU-{n:06d} {names[n]}" for n in ids}),
                            ("customer", people),
                            ("order", {n: f"SO-{n:06d} {people[n]}" for n in ids})):
            for n, text in texts.items():
                body = " ".join(words(text))
                documents.append((kind, n, body, gram_words(body)))
                terms += [(kind, term, n) for term in body.split()]
        with database.atomic():
            _insert("products", ("id", "sku", "name", "description", "price", "needs_reorder",
                                 "stock", "reorder_level", "is_active", "version", "created_at",
                                 "updated_at"),
                    [(n, f"SKU-{n:06d}", names[n], "", 100 + n % 5000, False, n % 50, 0,
                      True, 1, CREATED, CREATED) for n in ids])
            _insert("customers", ("id", "name", "phone", "address", "notes", "is_active",
                                  "version", "created_at"),
                    [(n, people[n], "", "", "", True, 1, CREATED) for n in ids])
            _insert("orders", ("id", "number", "customer_id", "status", "notes", "total",
                               "created_at", "version"),
                    [(n, f"SO-{n:06d}", n, "placed", "", 0, CREATED, 1) for n in ids])
            _insert("search_documents", ("kind", "ref_id", "body", "grams"), documents)
            _insert("search_terms", ("kind", "term", "ref_id"), terms)


def _insert(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    one = "(" + ", ".join([database.param] * len(columns)) + ")"
    for start in range(0, len(rows), 500):
        chunk = rows[start:start + 500]
        database.execute_sql(f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
                             + ", ".join([one] * len(chunk)),
                             [value for row in chunk for value in row])
