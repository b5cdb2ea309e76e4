"""The portable format carries every row and type from any engine to any other."""

import gzip
import json
import sqlite3

import pytest

from tests.support import backups as support
from tests.support import databases
from tests.support.backups import pointed_at
from tinyapp import db, migrations
from tinyapp.backup import make_backup, native, restore_backup
from tinyapp.backup.manifest import read_manifest
from tinyapp.db import sqlite_path
from tinyapp.models import Product

URLS = databases.configured_urls()


@pytest.fixture
def all_engines() -> dict[str, str]:
    """The three servers; skipped with the reason when one is missing (failed under CI)."""
    problems = [f"{name}: " + ("not configured" if name not in URLS else
                               f"unreachable: {databases.reachable(URLS[name])}")
                for name in databases.ENGINES
                if name not in URLS or databases.reachable(URLS[name])]
    if problems:
        reason = ("the round trip needs all three engines in "
                  f"{databases.ENV} ({'; '.join(problems)})")
        if databases.in_ci():
            pytest.fail(f"CI requires every engine: {reason}", pytrace=False)
        pytest.skip(reason)
    return URLS


def raw_rows(url: str) -> dict[str, list[str]]:
    """Every row of every table of a SQLite file exactly as stored (repr keeps int vs text)."""
    with sqlite3.connect(sqlite_path(url)) as conn:
        tables = [row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {table: sorted(repr(row) for row in conn.execute(f'SELECT * FROM "{table}"'))
                for table in tables}


def test_a_portable_backup_goes_sqlite_mariadb_postgresql_sqlite_keeping_rows_and_types(
        all_engines, make_settings, tmp_path):
    """Names such as "Cafe" and "Café", or "ABC" and "abc" (support.fill), arrive everywhere."""
    source = databases.create_scratch("sqlite://", tmp_path)
    hops = [databases.create_scratch(all_engines["mysql"], tmp_path),
            databases.create_scratch(all_engines["postgresql"], tmp_path),
            databases.create_scratch("sqlite://", tmp_path)]
    try:
        settings = make_settings(DATABASE_URL=source)
        databases.use(settings)
        with db.database.connection_context():
            migrations.upgrade()
        support.fill()
        expected = support.table_checksums()
        audit_rows = expected.pop("change_journal")[0]
        original = raw_rows(source)

        for hop, target in enumerate(hops, start=1):
            databases.use(settings)  # the backup's journal entry goes into its own database
            info = make_backup(settings, portable=True)
            restore_backup(info.path, settings, database_url=target)
            found = support.checksums_at(target)
            assert found.pop("change_journal")[0] == audit_rows + hop  # + each restore
            assert found == expected, f"hop {hop}: {info.manifest.engine} -> {target}"
            settings = make_settings(DATABASE_URL=target)
            databases.use(settings)
            with db.database.connection_context():  # the engine's search index is built
                assert Product.listing(search="roduct").count() == 3, target

        arrived = raw_rows(hops[-1])
        for table, rows in original.items():
            # The full-text index's own tables (search_documents_fts_*) are rebuilt from
            # search_documents as its rows arrive: the same index, stored differently.
            if table not in ("change_journal", "schema_migration") \
                    and not table.startswith("search_documents_fts"):
                assert arrived[table] == rows, table
        # The journal arrives whole, plus an entry of each restore on the way.
        assert set(original["change_journal"]) <= set(arrived["change_journal"])
        assert len(arrived["change_journal"]) == len(original["change_journal"]) + len(hops)
    finally:
        db.database.close_all()
        for url in hops:
            databases.drop_scratch(url)


def test_money_times_and_flags_are_written_in_their_portable_types(database, settings):
    support.fill()
    info = make_backup(settings, portable=True)
    lines = gzip.open(info.path / info.manifest.payload, "rt", encoding="utf-8").read().split("\n")
    header_at = next(i for i, line in enumerate(lines) if line.startswith('{"table": "products"'))
    header = json.loads(lines[header_at])
    product = dict(zip(header["columns"], json.loads(lines[header_at + 1]), strict=True))
    types = dict(zip(header["columns"], header["types"], strict=True))
    assert types["price"] == "int" and product["price"] == 1  # whole cents: 0.01
    assert types["is_active"] == "bool" and product["is_active"] is True
    assert types["created_at"] == "datetime" and product["created_at"].endswith("+00:00")
    assert product["description"] == support.AWKWARD


def test_without_the_dump_tools_a_backup_is_portable_and_a_dump_still_restores(
        engine, database, settings, monkeypatch, tmp_path):
    if engine == "sqlite":
        pytest.skip("SQLite needs no tool: the backup API is part of it")
    tool = native.FORMAT[engine]
    support.fill()
    dump = make_backup(settings)
    assert dump.manifest.format == tool
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no client tools at all

    fallback = make_backup(settings)

    assert read_manifest(fallback.path).format == "portable"
    before = support.table_checksums()
    restore_backup(dump.path, settings, force=True)  # tinyapp reads the dump itself
    after = support.table_checksums()
    assert {k: v for k, v in after.items() if k != "change_journal"} == {
        k: v for k, v in before.items() if k != "change_journal"}
    with pointed_at(settings.DATABASE_URL):
        assert migrations.schema_version() == migrations.latest()
