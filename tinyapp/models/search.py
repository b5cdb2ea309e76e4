"""A word index for search: every word of a product or customer, kept in a B-tree.

``LIKE '%drill%'`` reads every row of the table; a prefix range on this indexed
``term`` column (``term >= 'dri' AND term < 'drj'``) reads only the matching words, on
SQLite, PostgreSQL and MySQL alike. Services keep it in step with the rows it indexes.
"""

import re

import peewee

from tinyapp.models.base import BaseModel

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
MAX_TERM = 40


def words(text: str) -> list[str]:
    """Split text into lower-case search words, once each, in order."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(text.lower()):
        seen.setdefault(word[:MAX_TERM], None)
    return list(seen)


class SearchTerm(BaseModel):
    kind = peewee.CharField(max_length=10)  # "product" or "customer"
    term = peewee.CharField(max_length=MAX_TERM)
    ref_id = peewee.IntegerField()

    class Meta:
        table_name = "search_terms"
        primary_key = peewee.CompositeKey("kind", "term", "ref_id")
        indexes = ((("kind", "ref_id"), False),)

    @classmethod
    def matching(cls, kind: str, query: str) -> peewee.Select:
        """Select the ids of rows of this kind having a word that starts with each word of query."""
        ids = None
        for word in words(query)[:5]:
            upper = word[:-1] + chr(ord(word[-1]) + 1)
            step = (cls.select(cls.ref_id)
                    .where(cls.kind == kind, cls.term >= word, cls.term < upper))
            ids = step if ids is None else ids.where(cls.ref_id.in_(step))
        if ids is None:
            return cls.select(cls.ref_id).where(False)
        return ids

    @classmethod
    def replace(cls, kind: str, ref_id: int, *texts: str) -> None:
        """Index the words of texts for one row, replacing what was indexed before."""
        cls.delete().where(cls.kind == kind, cls.ref_id == ref_id).execute()
        terms = words(" ".join(t for t in texts if t))
        if terms:
            cls.insert_many([(kind, term, ref_id) for term in terms],
                            fields=[cls.kind, cls.term, cls.ref_id]).execute()
