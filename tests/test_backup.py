"""Backups on every engine: back up, verify, restore; what restore refuses; damaged backups."""

import gzip
import json
import secrets
import socket
from urllib.parse import quote

import pytest

from tests.support import backups as support
from tests.support import databases
from tests.support.backups import pointed_at
from tinyapp import db, migrations
from tinyapp.backup import (
    BackupError,
    list_backups,
    make_backup,
    restore_backup,
    verify_backup,
)
from tinyapp.backup.manifest import read_manifest, write_manifest
from tinyapp.models import Category, Change
from tinyapp.services import catalog

NATIVE = {"sqlite": "sqlite", "postgresql": "pg_dump", "mysql": "mysqldump"}


@pytest.fixture
def filled(database):
    return support.fill()


@pytest.mark.parametrize("kind", ["native", "portable", "compressed"])
def test_backup_verify_restore_into_an_empty_database_gives_identical_rows(
        engine, filled, settings, scratch_url, kind):
    if kind == "compressed" and engine != "sqlite":
        pytest.skip("--compress is for SQLite copies; dumps are always gzipped")
    before = support.table_checksums()

    info = make_backup(settings, portable=kind == "portable", compress=kind == "compressed")
    assert info.manifest.format == ("portable" if kind == "portable" else NATIVE[engine])
    counted = {name: n for name, n in info.manifest.tables.items() if name != "commit_receipts"}
    assert counted == {name: count for name, (count, _) in before.items()}
    assert info.manifest.schema_version == migrations.latest()

    verified = verify_backup(info.path, settings)
    assert verified.ok, verified.problems
    assert read_manifest(info.path).verified["ok"] is True

    restored = restore_backup(info.path, settings, database_url=scratch_url)
    assert restored.safety_backup is None  # the target was empty: nothing to save
    after = support.checksums_at(scratch_url)
    backup_event = after.pop("change_journal"), before.pop("change_journal")
    assert after == before
    # the restored database has the backup's audit trail plus the restore itself
    assert backup_event[0][0] == backup_event[1][0] + 1


def test_new_rows_get_fresh_ids_after_a_portable_restore(filled, settings, scratch_url):
    info = make_backup(settings, portable=True)
    restore_backup(info.path, settings, database_url=scratch_url)
    with pointed_at(scratch_url):
        highest = Category.select().order_by(Category.id.desc()).first().id
        assert catalog.create_category("Made after the restore").id > highest


def test_restore_into_a_database_with_rows_is_refused_without_force(filled, settings):
    info = make_backup(settings)
    with db.database.connection_context():
        catalog.create_category("Made after the backup")
    before = support.table_checksums()

    with pytest.raises(BackupError, match="already holds .* rows.*--force"):
        restore_backup(info.path, settings)

    assert support.table_checksums() == before
    assert not (settings.BACKUP_DIR / "safety").exists()


def test_forced_restore_saves_the_current_data_first(own_settings):
    settings = own_settings
    info = make_backup(settings)
    with db.database.connection_context():
        catalog.create_category("Made after the backup")
    before = support.table_checksums()

    restored = restore_backup(info.path, settings, force=True)

    with db.database.connection_context():
        assert not Category.select().where(Category.name == "Made after the backup").exists()
        assert Change.select().where(Change.entity == "backup", Change.action == "restore").exists()
    safety = restored.safety_backup
    assert safety.parent == settings.BACKUP_DIR / "safety"
    assert [b.name for b in list_backups(settings)] == [info.name]  # not among the backups
    assert verify_backup(safety, settings).ok
    restore_backup(safety, settings, force=True)
    after = support.table_checksums()
    assert after["categories"] == before["categories"]


def _flip_a_byte(path):
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _truncate(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])


@pytest.mark.parametrize("damage", [_flip_a_byte, _truncate], ids=["corrupted", "truncated"])
@pytest.mark.parametrize("portable", [False, True], ids=["native", "portable"])
def test_a_damaged_backup_fails_verify_and_restore_and_changes_nothing(
        filled, settings, damage, portable):
    info = make_backup(settings, portable=portable)
    damage(info.path / info.manifest.payload)
    with db.database.connection_context():
        catalog.create_category("Made after the backup")
    before = support.table_checksums()

    verified = verify_backup(info.path, settings)
    assert not verified.ok
    assert "damaged" in verified.problems[0] or "truncated" in verified.problems[0]
    with pytest.raises(BackupError, match="truncated or damaged|file is damaged"):
        restore_backup(info.path, settings, force=True)

    assert support.table_checksums() == before
    assert not (settings.BACKUP_DIR / "safety").exists()
    assert list_backups(settings)[0].verified.startswith("FAILED")


def test_a_backup_with_a_damaged_manifest_is_refused_clearly(filled, settings):
    info = make_backup(settings)
    (info.path / "manifest.json").write_text('{"format": "sqlite", "created_at": ')
    with pytest.raises(BackupError, match="manifest.json is damaged"):
        restore_backup(info.path, settings, force=True)
    assert list_backups(settings)[0].problem.endswith("manifest.json is damaged (JSONDecodeError)")


def test_a_backup_from_a_newer_schema_is_refused(filled, settings, scratch_url):
    info = make_backup(settings, portable=True)
    manifest = read_manifest(info.path)
    manifest.schema_version, manifest.app_version = "0999_from_the_future", "9.0.0"
    write_manifest(info.path, manifest)

    with pytest.raises(BackupError, match=r"newer tinyapp \(9.0.0, schema 0999_from_the_future"
                                          r"\).*upgrade tinyapp"):
        restore_backup(info.path, settings, database_url=scratch_url)
    assert not verify_backup(info.path, settings).ok
    with pointed_at(scratch_url) as scratch:
        assert scratch.get_tables() == []  # nothing was created


@pytest.mark.parametrize("portable", [False, True], ids=["native", "portable"])
def test_a_backup_of_an_older_schema_is_migrated_forward(
        server_url, scratch_url, make_settings, tmp_path, portable):
    first, *later = [m.name for m in
                     migrations.Migration.load_directory(str(migrations.DIRECTORY))]
    if not later:
        pytest.skip("only one migration exists: there is no older schema")
    with pointed_at(scratch_url) as old:
        migrations.upgrade(first)
        old.execute_sql("INSERT INTO categories (name, created_at) "
                        "VALUES ('From the old days', '2025-01-02 03:04:05.678901')")
    settings = make_settings(DATABASE_URL=scratch_url)
    databases.use(settings)  # make_backup journals itself through the proxy
    info = make_backup(settings, portable=portable)
    assert info.manifest.schema_version == first
    target = databases.create_scratch(server_url, tmp_path)
    try:
        restored = restore_backup(info.path, settings, database_url=target)
        assert restored.migrated == later
        with pointed_at(target):
            assert migrations.schema_version() == later[-1]
            category = Category.get(Category.name == "From the old days")
            assert category.created_at.isoformat() == "2025-01-02T03:04:05.678901+00:00"
    finally:
        databases.drop_scratch(target)


def test_a_native_backup_cannot_go_into_another_engine(engine, filled, settings, tmp_path):
    if engine == "sqlite":
        target = "postgresql://nobody@127.0.0.1:1/elsewhere"
    else:
        target = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    info = make_backup(settings)
    with pytest.raises(BackupError, match="make a portable backup"):
        restore_backup(info.path, settings, database_url=target)


def test_the_manifest_describes_the_backup(engine, filled, settings):
    info = make_backup(settings)
    on_disk = json.loads((info.path / "manifest.json").read_text())
    assert on_disk["engine"] == engine
    assert on_disk["created_at"].endswith("+00:00")
    assert on_disk["payload_bytes"] == (info.path / on_disk["payload"]).stat().st_size
    assert len(on_disk["sha256"]) == 64
    assert on_disk["tables"]["products"] == 4
    assert on_disk["verified"] is None
    if engine != "sqlite":  # a dump is gzipped SQL text
        with gzip.open(info.path / on_disk["payload"], "rt") as dump:
            assert "CREATE TABLE" in dump.read()


def test_a_dump_is_verified_on_a_server_of_its_own_engine(engine, filled, settings,
                                                          make_settings, tmp_path):
    if engine == "sqlite":
        pytest.skip("a SQLite backup is verified in a temporary file, on any engine")
    info = make_backup(settings)
    elsewhere = make_settings(DATABASE_URL=f"sqlite:///{tmp_path / 'other.db'}")
    result = verify_backup(info.path, elsewhere)
    assert not result.ok
    assert result.problems == [f"a {info.manifest.format} backup is verified on a "
                               f"{'PostgreSQL' if engine == 'postgresql' else 'MySQL/MariaDB'}"
                               " server, and DATABASE_URL is SQLite: pass --database-url "
                               "with one"]


def test_a_password_reaches_the_mysql_tools_in_a_private_option_file(engine, request,
                                                                      make_settings):
    if engine != "mysql":
        pytest.skip("PostgreSQL gets PGPASSWORD; the test server trusts local logins anyway")
    settings = request.getfixturevalue("own_settings")
    name = settings.DATABASE_URL.rsplit("/", 1)[1]
    user, password = f"tinyapp_{secrets.token_hex(4)}", 'p@ss"w\\rd;#x'
    with db.database.connection_context():
        db.database.execute_sql(f"CREATE USER '{user}'@'%%' IDENTIFIED BY %s", (password,))
        db.database.execute_sql(f"GRANT ALL ON {name}.* TO '{user}'@'%%'")
        # a restore builds in a database of its own first (see the README)
        db.database.execute_sql(f"GRANT ALL ON `tinyapp\\_%%`.* TO '{user}'@'%%'")
    try:
        url = f"mysql://{user}:{quote(password, safe='')}@127.0.0.1:3306/{name}"
        with_password = make_settings(DATABASE_URL=url)
        info = make_backup(with_password)
        assert info.manifest.format == "mysqldump"
        assert "p@ss" not in info.manifest.source
        restore_backup(info.path, with_password, force=True)
    finally:
        with db.database.connection_context():
            db.database.execute_sql(f"DROP USER '{user}'@'%%'")


def test_without_the_right_to_create_a_scratch_database_a_mysql_restore_says_what_to_grant(
        engine, request, make_settings):
    if engine != "mysql":
        pytest.skip("PostgreSQL restores in one transaction of the database itself")
    settings = request.getfixturevalue("own_settings")
    name = settings.DATABASE_URL.rsplit("/", 1)[1]
    user, password = f"tinyapp_{secrets.token_hex(4)}", "only-its-own-database"
    with db.database.connection_context():
        db.database.execute_sql(f"CREATE USER '{user}'@'%%' IDENTIFIED BY %s", (password,))
        db.database.execute_sql(f"GRANT ALL ON {name}.* TO '{user}'@'%%'")
    try:
        limited = make_settings(DATABASE_URL=f"mysql://{user}:{password}@127.0.0.1:3306/{name}")
        info = make_backup(limited, portable=True)
        before = support.table_checksums()
        with pytest.raises(BackupError, match="let the user create and drop databases named "
                                              "tinyapp_.*Nothing was restored"):
            restore_backup(info.path, limited, force=True)
        assert support.table_checksums() == before
    finally:
        with db.database.connection_context():
            db.database.execute_sql(f"DROP USER '{user}'@'%%'")


def test_a_restore_empties_the_shared_cache_of_the_database_it_replaces(
        own_settings, make_settings, redis_url):
    """Redis outlives the servers. Pages and tokens cached before a restore must not be
    served after it by the next server: a token made since the backup is gone with it."""
    import webtest

    from tests.support.api import ApiClient
    from tinyapp.models import User
    from tinyapp.services import accounts
    from tinyapp.web.app import create_app

    settings = make_settings(DATABASE_URL=own_settings.DATABASE_URL, CACHE_URL=redis_url)
    info = make_backup(settings)

    def next_server(secret: str) -> ApiClient:
        app = create_app(settings)
        databases.use(app.database)
        return ApiClient(webtest.TestApp(app), secret)

    with db.database.connection_context():
        _, secret = accounts.create_token(User.get(User.role == "admin"), "since the backup")
    before = next_server(secret)
    made = before.category("Made after the backup")
    assert made["name"] in [c["name"] for c in before.get("/api/v1/categories").json["items"]]

    restore_backup(info.path, settings, force=True)

    after = next_server(secret)
    after.get("/api/v1/categories", status=401)  # the token is not in the backup
    with db.database.connection_context():
        user = User.get(User.role == "admin")
        _, secret = accounts.create_token(user, "after the restore")
    names = [c["name"] for c in next_server(secret).get("/api/v1/categories").json["items"]]
    assert made["name"] not in names


def test_a_restore_refuses_to_start_while_the_shared_cache_does_not_answer(
        own_settings, make_settings):
    """It could not empty the cache after the swap: the next server would be served the
    old pages and accept the old tokens. So it changes nothing, and says why."""
    with socket.socket() as probe:  # a port nobody listens on: Redis is down
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = make_settings(DATABASE_URL=own_settings.DATABASE_URL,
                             CACHE_URL=f"redis://127.0.0.1:{port}/0")
    info = make_backup(settings)
    with db.database.connection_context():
        catalog.create_category("Made after the backup")
    before = support.table_checksums()

    with pytest.raises(BackupError, match=r"redis://127\.0\.0\.1:\d+/0 does not answer"):
        restore_backup(info.path, settings, force=True)

    assert support.table_checksums() == before
