"""A backup is a file someone hands tinyapp: an edited one runs nothing and changes nothing.

Each test edits a real backup the way an attacker would (and recomputes its checksum,
which anyone who can edit the file can do), then shows that verify and restore refuse
it by name, that no command ran, and that the live database is exactly as it was.
"""

import gzip
import json
import re
import sqlite3
import zipfile

import pytest

from tests.support import backups as support
from tinyapp.backup import BackupError, make_backup, restore_backup, verify_backup
from tinyapp.backup.manifest import read_manifest, write_manifest

MARKER = "tinyapp-was-here"


def refused(settings, info, match: str) -> None:
    """Verify and a forced restore both refuse the backup, with a message matching match."""
    before = support.table_checksums()
    result = verify_backup(info.path, settings)
    assert not result.ok
    assert re.search(match, " ".join(result.problems)), result.problems
    with pytest.raises(BackupError, match=match) as raised:
        restore_backup(info.path, settings, force=True)
    assert "Nothing was restored" in str(raised.value)
    assert support.table_checksums() == before


# -- native dumps: client commands and foreign statements --

def _client_commands(engine: str, marker) -> list[str]:
    """Lines that psql or mysql would run as programs, each creating the marker file."""
    if engine == "postgresql":
        return [f"\\! touch {marker}",
                f"COPY (SELECT 1) TO PROGRAM 'touch {marker}';"]
    return [f"\\! touch {marker}", f"system touch {marker}"]


@pytest.mark.parametrize("command", [0, 1], ids=["backslash-command", "program"])
def test_a_dump_with_a_client_command_runs_nothing_and_is_refused(engine, own_settings,
                                                                  tmp_path, command):
    if engine == "sqlite":
        pytest.skip("a SQLite backup is a database file, not a script; see the trigger test")
    marker = tmp_path / MARKER
    line = _client_commands(engine, marker)[command]
    info = make_backup(own_settings)
    support.edit_text_payload(info.path, lambda text: f"{line}\n{text}")

    refused(own_settings, info, r"(a psql command '\\!'|a mysql client command '\\!'|"
                                r"a statement tinyapp's dumps never hold)")
    assert not marker.exists()


_FOREIGN_DDL = {
    "postgresql": [
        ("CREATE FUNCTION public.promote() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
         "UPDATE public.users SET role = 'admin'; RETURN NEW; END $$;", "a function 'public"),
        ("CREATE TABLE public.evil (id integer);", "a table 'evil'"),
        ("CREATE VIEW public.everyone AS SELECT * FROM public.users;", "a view 'public"),
    ],
    "mysql": [
        ("DELIMITER ;;\n/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`%`*/ /*!50003 TRIGGER "
         "`promote` AFTER INSERT ON `users` FOR EACH ROW UPDATE `users` SET role = 'admin' "
         "*/;;\nDELIMITER ;", "a trigger 'promote'"),
        ("CREATE TABLE `evil` (\n  `id` int(11) NOT NULL\n) ENGINE=InnoDB;", "a table 'evil'"),
        ("CREATE VIEW `everyone` AS SELECT * FROM `users`;", "a view 'everyone'"),
    ],
}


@pytest.mark.parametrize("which", [0, 1, 2], ids=["trigger-or-function", "table", "view"])
def test_a_dump_with_a_foreign_schema_object_is_refused_naming_it(engine, own_settings, which):
    if engine == "sqlite":
        pytest.skip("a SQLite backup is a database file; see the SQLite test below")
    statement, named = _FOREIGN_DDL[engine][which]
    info = make_backup(own_settings)
    support.edit_text_payload(info.path, lambda text: text.replace(
        "\n--\n", f"\n{statement}\n--\n", 3))
    refused(own_settings, info, re.escape(named))


def test_a_dump_column_that_tinyapp_lacks_is_refused(engine, own_settings):
    if engine == "sqlite":
        pytest.skip("see the SQLite file test below")
    info = make_backup(own_settings)
    if engine == "postgresql":
        edit = lambda text: text.replace("    role character varying(10)",  # noqa: E731
                                         "    is_admin boolean DEFAULT true,\n"
                                         "    role character varying(10)")
    else:
        edit = lambda text: text.replace("  `role` varchar(10)",  # noqa: E731
                                         "  `is_admin` tinyint(1) DEFAULT 1,\n  `role` varchar(10)")
    support.edit_text_payload(info.path, edit)
    refused(own_settings, info, "a column 'is_admin' on table 'users'")


# -- SQLite files: objects tinyapp's migrations would not make --

_SQLITE_OBJECTS = [
    ("CREATE TRIGGER promote AFTER INSERT ON users BEGIN "
     "UPDATE users SET role = 'admin' WHERE id = NEW.id; END", "a trigger 'promote'"),
    ("CREATE VIEW everyone AS SELECT * FROM users", "a view 'everyone'"),
    ("CREATE TABLE evil (id INTEGER)", "a table 'evil'"),
    ("ALTER TABLE users ADD COLUMN is_admin INTEGER DEFAULT 1",
     "a column 'is_admin' on table 'users'"),
    ("CREATE INDEX users_by_hash ON users (password_hash)", "an index 'users_by_hash'"),
]


@pytest.mark.parametrize("statement,named", _SQLITE_OBJECTS,
                         ids=["trigger", "view", "table", "column", "index"])
def test_a_sqlite_backup_with_a_foreign_object_is_refused_naming_it(engine, own_settings,
                                                                   statement, named):
    if engine != "sqlite":
        pytest.skip("SQLite files are SQLite's own format; dumps are tested above")
    info = make_backup(own_settings)
    with sqlite3.connect(info.path / info.manifest.payload) as conn:
        conn.execute(statement)
    support.reseal(info.path)
    refused(own_settings, info, re.escape(named))


# -- the portable format: names and rows are checked too --

def _edit_portable_header(table: str, change):
    def edit(text: str) -> str:
        lines = text.splitlines(keepends=True)
        for number, line in enumerate(lines):
            if line.startswith("{") and json.loads(line)["table"] == table:
                lines[number] = json.dumps(change(json.loads(line))) + "\n"
        return "".join(lines)
    return edit


def test_a_portable_backup_naming_a_foreign_table_or_column_is_refused(own_settings):
    info = make_backup(own_settings, portable=True)
    support.edit_text_payload(info.path, _edit_portable_header(
        "categories", lambda header: {**header, "table": "evil"}))
    refused(own_settings, info, "a table 'evil'")

    info = make_backup(own_settings, portable=True)
    support.edit_text_payload(info.path, _edit_portable_header(
        "users", lambda header: {**header, "columns": [
            "is_admin" if c == "role" else c for c in header["columns"]]}))
    refused(own_settings, info, "a column 'is_admin' on table 'users'")


def test_rows_that_refer_to_missing_rows_are_refused(own_settings):
    info = make_backup(own_settings, portable=True)
    manifest = read_manifest(info.path)

    def drop_products(text: str) -> str:  # the order lines then point at nothing
        out, skipping = [], False
        for line in text.splitlines(keepends=True):
            if line.startswith("{"):
                skipping = json.loads(line)["table"] == "products"
            elif skipping:
                continue
            out.append(line)
        return "".join(out)

    support.edit_text_payload(info.path, drop_products)
    manifest = read_manifest(info.path)
    manifest.tables["products"] = 0
    write_manifest(info.path, manifest)
    refused(own_settings, info, r"rows of (order_lines|stock_movements|product_daily_sales) "
                                r"refer to a missing products")


# -- counts: the manifest is a promise the data must keep --

def test_a_backup_whose_rows_differ_from_its_manifest_is_refused_before_anything_changes(
        engine, own_settings):
    info = make_backup(own_settings)
    manifest = read_manifest(info.path)
    manifest.tables["products"] += 1
    write_manifest(info.path, manifest)
    refused(own_settings, info, "row counts differ from the backup's manifest: products")


def test_more_rows_than_the_manifest_declares_are_refused(own_settings):
    info = make_backup(own_settings, portable=True)
    manifest = read_manifest(info.path)
    manifest.tables["categories"] = 0
    write_manifest(info.path, manifest)
    refused(own_settings, info, "table categories holds more rows than the 0 its manifest "
                                "declares")


# -- archives and compressed copies are bounded by what the manifest declares --

def _zip_bomb(info, path, declared: int, actual: int):
    """A .zip of the backup whose payload is `actual` zero bytes and declares `declared`."""
    manifest = read_manifest(info.path)
    manifest.payload_bytes = declared
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{info.name}/manifest.json", manifest.to_json())
        with archive.open(f"{info.name}/{manifest.payload}", "w", force_zip64=True) as member:
            chunk = bytes(1 << 20)
            for _ in range(actual >> 20):
                member.write(chunk)
    return path


def test_a_zip_bomb_is_refused_without_filling_the_disk(engine, own_settings, small_disk,
                                                       make_settings):
    # The backups folder is a real 16 MB disk: writing the 200 MB payload would fill it.
    disk = small_disk(16 * 1024)
    settings = make_settings(DATABASE_URL=own_settings.DATABASE_URL, BACKUP_DIR=str(disk))
    info = make_backup(settings)
    bomb = _zip_bomb(info, disk / "download.zip", declared=info.size, actual=200 << 20)
    assert bomb.stat().st_size < 1 << 20  # a small file...

    before = support.table_checksums()
    result = verify_backup(bomb, settings)
    assert not result.ok
    assert "is larger than the" in result.problems[0]
    with pytest.raises(BackupError, match=r"larger than the [\d,]+ bytes its manifest declares"):
        restore_backup(bomb, settings, force=True)
    assert support.table_checksums() == before
    assert sorted(p.name for p in disk.iterdir()) == sorted([info.name, "download.zip"])


def test_a_zip_with_more_than_a_backup_in_it_is_refused(own_settings, tmp_path):
    info = make_backup(own_settings)
    path = tmp_path / "extra.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name in ("manifest.json", info.manifest.payload):
            archive.write(info.path / name, f"{info.name}/{name}")
        archive.writestr(f"{info.name}/run-me.sh", "touch /tmp/x\n")
    with pytest.raises(BackupError, match="is not a tinyapp backup"):
        restore_backup(path, own_settings, force=True)


def test_a_compressed_sqlite_copy_unpacks_no_further_than_its_manifest_says(
        engine, own_settings, small_disk, make_settings):
    if engine != "sqlite":
        pytest.skip("compressed copies are SQLite files")
    disk = small_disk(16 * 1024)
    settings = make_settings(DATABASE_URL=own_settings.DATABASE_URL, BACKUP_DIR=str(disk))
    info = make_backup(settings, compress=True)
    payload = info.path / info.manifest.payload
    with gzip.open(payload, "wb") as packed:
        for _ in range(200):
            packed.write(bytes(1 << 20))
    support.reseal(info.path)
    with pytest.raises(BackupError, match="unpacks to more than the"):
        restore_backup(info.path, settings, force=True)
