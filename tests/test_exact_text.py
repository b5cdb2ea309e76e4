"""Unique means the same on every engine: stored text (NFC) is compared exactly.

MariaDB's default collation finds "Cafe" equal to "Café" and "ABC" equal to "abc",
so data valid on SQLite used to fail there. tinyapp's rule (migrations/0004): text
is stored trimmed and in Unicode NFC form, and every engine compares it exactly.
"""

import pytest

from tests.support.backups import NAMES_THAT_DIFFER
from tinyapp import db
from tinyapp.errors import AppError
from tinyapp.models import Category, Customer
from tinyapp.services import catalog, customers


def test_names_that_differ_in_accent_case_or_spaces_are_different_names(database):
    with db.database.connection_context():
        for name in NAMES_THAT_DIFFER:
            catalog.create_category(name)
        stored = sorted(c.name for c in Category.select())
        assert stored == sorted(NAMES_THAT_DIFFER)
        assert Category.get(Category.name == "Café").name == "Café"
        assert Category.get(Category.name == "abc").name == "abc"


def test_the_same_name_spelled_in_two_unicode_forms_is_one_name(api):
    composed, decomposed = "Caf\u00e9", "Cafe\u0301"
    api.category(composed)
    reply = api.post("/api/v1/categories", {"name": decomposed}, status=409)
    assert "already" in reply.json["detail"]
    created = api.category(f"  {decomposed} 2 ")
    assert created["name"] == f"{composed} 2"  # stored trimmed, in NFC


def test_words_equal_only_under_a_loose_collation_are_indexed_on_every_engine(database):
    with db.database.connection_context():
        customers.create_customer({"name": "Cafe Café CAFE Ca"})  # 'ca': the short words
        assert [c.name for c in Customer.listing(search="café")] == ["Cafe Café CAFE Ca"]
        assert [c.name for c in Customer.listing(search="ca")] == ["Cafe Café CAFE Ca"]


def test_a_duplicate_name_is_refused_alike_everywhere(database):
    with db.database.connection_context():
        catalog.create_category("Cafe")
        with pytest.raises(AppError, match="already"):
            catalog.create_category("Cafe")
