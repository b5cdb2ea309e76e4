"""The portable format carries every row and type from any engine to any other."""

import gzip
import json
import sqlite3

import pytest

from tests.support import backups as support
from tests.support import databases
from tinyapp import db, migrations
from tinyapp.backup import BackupError, make_backup, native, restore_backup
from tinyapp.backup.common import pointed_at
from tinyapp.backup.manifest import read_manifest
from tinyapp.db import sqlite_path

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


def test_a_portable_backup_goes_sqlite_postgresql_mariadb_sqlite_keeping_rows_and_types(
        all_engines, make_settings, tmp_path):
    source = databases.create_scratch("sqlite://", tmp_path)
    hops = [databases.create_scratch(all_engines["postgresql"], tmp_path),
            databases.create_scratch(all_engines["mysql"], tmp_path),
            databases.create_scratch("sqlite://", tmp_path)]
    try:
        settings = make_settings(DATABASE_URL=source)
        db.init_database(settings)
        with db.database.connection_context():
            migrations.upgrade()
        support.fill()
        expected = support.table_checksums()
        audit_rows = expected.pop("audit_events")[0]
        original = raw_rows(source)

        for hop, target in enumerate(hops, start=1):
            db.init_database(settings)  # the backup's AuditEvent goes into its own database
            info = make_backup(settings, portable=True)
            restore_backup(info.path, settings, database_url=target)
            found = support.checksums_at(target)
            assert found.pop("audit_events")[0] == audit_rows + hop  # + each restore
            assert found == expected, f"hop {hop}: {info.manifest.engine} -> {target}"
            settings = make_settings(DATABASE_URL=target)

        arrived = raw_rows(hops[-1])
        for table, rows in original.items():
            if table not in ("audit_events", "schema_migration"):
                assert arrived[table] == rows, table
        assert arrived["audit_events"][:len(original["audit_events"])] == \
            original["audit_events"]
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


def test_without_the_dump_tool_a_backup_is_portable_and_a_dump_cannot_be_restored(
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
    with pytest.raises(BackupError, match=r"(psql|mysql) is not installed: install .*client, "
                                          "or restore a portable backup"):
        restore_backup(dump.path, settings, force=True)
    with pointed_at(settings.DATABASE_URL):
        assert migrations.schema_version() == migrations.latest()
