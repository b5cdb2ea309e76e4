"""Search: find a product, customer or order by any part of a word ("driver" finds
"Screwdriver", "ackus" finds "Backus"), ignoring case and accents.

``LIKE '%driver%'`` reads every row of a table, so each engine gets an index made for
finding substrings, behind one model query (``SearchDocument.matching``):

- SQLite: an FTS5 full-text table with the trigram tokenizer, kept in step with
  ``search_documents`` by triggers;
- PostgreSQL: a GIN index with ``pg_trgm``'s trigram operators, which answers LIKE;
- MySQL/MariaDB: a FULLTEXT index on ``grams``, the trigrams of the words written out
  as words (MariaDB has no n-gram parser of its own), checked with LIKE afterwards.

Trigrams need three characters, so shorter words (``dr``, ``12``) match the start of a
word instead, through ``search_terms``: a word index searched with B-tree prefix ranges
(``term >= 'dr' AND term < 'ds'``). Services keep both in step with the rows they index.
"""

import functools
import operator
import re
import unicodedata

import peewee

from tinyapp import bulk
from tinyapp.db import current_engine
from tinyapp.models.base import BaseModel

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
MAX_TERM = 40
MAX_QUERY_WORDS = 5
GRAM_MARK = "g"  # "gthe", never "the": InnoDB would drop "the" and "for" as stopwords
FTS_TABLE = "search_documents_fts"


def fold(text: str) -> str:
    """Lower-case text and drop its accents, so 'Müller', 'MULLER' and 'muller' match."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """Split text into folded search words, once each, in order."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(fold(text)):
        seen.setdefault(word[:MAX_TERM], None)
    return list(seen)


def trigrams(word: str) -> list[str]:
    """The three-letter pieces of a word, once each: 'drill' -> dri, ril, ill."""
    return list(dict.fromkeys(word[i:i + 3] for i in range(len(word) - 2)))


def gram_words(body: str) -> str:
    """Write the trigrams of every word of body as words, for MariaDB's FULLTEXT index."""
    return " ".join(dict.fromkeys(GRAM_MARK + gram for word in body.split()
                                  for gram in trigrams(word)))


def prepare(text: str) -> tuple[str, str]:
    """What the index stores for a row's text: its words (the body), and their trigrams."""
    body = " ".join(words(text))
    return body, gram_words(body)


class SearchTerm(BaseModel):
    kind = peewee.CharField(max_length=10)  # "product", "customer" or "order"
    term = peewee.CharField(max_length=MAX_TERM)
    ref_id = peewee.IntegerField()

    class Meta:
        table_name = "search_terms"
        primary_key = peewee.CompositeKey("kind", "term", "ref_id")
        indexes = ((("kind", "ref_id"), False),)

    @classmethod
    def matching(cls, kind: str, terms: list[str]) -> peewee.Select:
        """Select the ids of rows of this kind having a word that starts with each term."""
        ids = None
        for word in terms:
            upper = word[:-1] + chr(ord(word[-1]) + 1)
            step = (cls.select(cls.ref_id)
                    .where(cls.kind == kind, cls.term >= word, cls.term < upper))
            ids = step if ids is None else ids.where(cls.ref_id.in_(step))
        if ids is None:
            return cls.select(cls.ref_id).where(False)
        return ids


class SearchDocument(BaseModel):
    """The searchable words of one product, customer or order, folded (see ``fold``)."""

    kind = peewee.CharField(max_length=10)
    ref_id = peewee.IntegerField()
    body = peewee.TextField()   # "cordless screwdriver 12 sku 000123"
    grams = peewee.TextField()  # "gcor gord ...": what MariaDB's FULLTEXT index reads

    class Meta:
        table_name = "search_documents"
        indexes = ((("kind", "ref_id"), True),)

    @classmethod
    def matching(cls, kind: str, query: str) -> peewee.Select:
        """Select the ids of rows of this kind that contain every word of query.

        Words of three letters or more match anywhere in a word, shorter ones at the
        start of a word. At most five words count; a query without words finds nothing.
        """
        terms = words(query)[:MAX_QUERY_WORDS]
        long_words = [w for w in terms if len(w) >= 3]
        short_words = [w for w in terms if len(w) < 3]
        if not long_words:
            return SearchTerm.matching(kind, short_words)
        ids = cls.select(cls.ref_id).where(cls.kind == kind, _containing(long_words))
        if short_words:
            ids = ids.where(cls.ref_id.in_(SearchTerm.matching(kind, short_words)))
        return ids

    @classmethod
    def add(cls, kind: str, ref_id: int, *texts: str) -> None:
        """Index the texts of a row just made, which has nothing indexed yet."""
        cls.replace_many(kind, [(ref_id, " ".join(t for t in texts if t))], new=True)

    @classmethod
    def replace(cls, kind: str, ref_id: int, *texts: str) -> None:
        """Index the texts of one row (its name, SKU ...), replacing what was there."""
        cls.replace_many(kind, [(ref_id, " ".join(t for t in texts if t))])

    @classmethod
    def replace_many(cls, kind: str, rows: list[tuple[int, str]], new: bool = False) -> None:
        """Index many rows of one kind at once, from (id, text) pairs."""
        cls.replace_prepared(kind, [(ref_id, *prepare(text)) for ref_id, text in rows], new)

    @classmethod
    def replace_prepared(cls, kind: str, rows: list[tuple[int, str, str]],
                         new: bool = False) -> None:
        """Index many rows from (id, body, grams), as ``prepare`` made them.

        A long import prepares its texts before its transaction, so that the write
        lock is held for the writing only. For new rows (``new``) there is nothing to
        delete first, and the DELETE is skipped: on MariaDB a DELETE that finds
        nothing locks the gap where the row would be, and two orders made at once,
        each holding that gap, then deadlock on their INSERTs.
        """
        for start in range(0, len(rows), 100):  # a bounded number of SQL parameters
            chunk = rows[start:start + 100]
            ids = [ref_id for ref_id, _, _ in chunk]
            if not new:
                cls.delete().where(cls.kind == kind, cls.ref_id.in_(ids)).execute()
                (SearchTerm.delete()
                 .where(SearchTerm.kind == kind, SearchTerm.ref_id.in_(ids)).execute())
            bulk.insert(cls, [{"kind": kind, "ref_id": ref_id, "body": body, "grams": grams}
                              for ref_id, body, grams in chunk])
            bulk.insert(SearchTerm, [{"kind": kind, "term": term, "ref_id": ref_id}
                                     for ref_id, body, _ in chunk for term in body.split()])

    @classmethod
    def forget(cls, kind: str, ref_id: int) -> None:
        """Take a deleted row out of the search."""
        cls.delete().where(cls.kind == kind, cls.ref_id == ref_id).execute()
        SearchTerm.delete().where(SearchTerm.kind == kind, SearchTerm.ref_id == ref_id).execute()

    @classmethod
    def create_table(cls, safe: bool = True, **options) -> None:
        """Create the table and the engine's substring index (see the module docstring)."""
        super().create_table(safe, **options)
        for statement in substring_index_sql(cls._meta.database):
            cls._meta.database.execute_sql(statement)

    @classmethod
    def drop_table(cls, safe: bool = True, drop_sequences: bool = True, **options) -> None:
        if isinstance(cls._meta.database, peewee.SqliteDatabase):
            cls._meta.database.execute_sql(f"DROP TABLE IF EXISTS {FTS_TABLE}")
        super().drop_table(safe, drop_sequences, **options)


def _containing(terms: list[str]) -> peewee.Expression:
    """The engine's indexed condition "body contains each of these words"."""
    engine = current_engine()
    if engine == "sqlite":
        phrases = " ".join(f'"{term}"' for term in terms)  # terms are letters and digits
        return SearchDocument.id.in_(peewee.SQL(
            f"(SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ?)", [phrases]))
    likes = [SearchDocument.body % f"%{term}%" for term in terms]  # % is SQL LIKE
    if engine == "postgresql":
        return functools.reduce(operator.and_, likes)
    wanted = " ".join(f"+{GRAM_MARK}{gram}" for term in terms for gram in trigrams(term))
    match = peewee.NodeList((peewee.SQL("MATCH"), peewee.EnclosedNodeList([SearchDocument.grams]),
                             peewee.SQL("AGAINST"), peewee.EnclosedNodeList([
                                 peewee.NodeList((peewee.Value(wanted),
                                                  peewee.SQL("IN BOOLEAN MODE")))])))
    return functools.reduce(operator.and_, [match, *likes])  # the grams may be out of order


def substring_index_sql(db: peewee.Database) -> list[str]:
    """The statements that build this engine's substring index over search_documents.

    Migration 0006 runs a frozen copy of these; a test keeps the two equal.
    """
    if isinstance(db, peewee.SqliteDatabase):
        fts = FTS_TABLE
        old_row = f"INSERT INTO {fts} ({fts}, rowid, body) VALUES ('delete', old.id, old.body);"
        new_row = f"INSERT INTO {fts} (rowid, body) VALUES (new.id, new.body);"
        return [
            f"DROP TABLE IF EXISTS {fts}",
            f"CREATE VIRTUAL TABLE {fts} USING fts5(body, content='search_documents', "
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
