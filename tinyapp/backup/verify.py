"""Verify: prove a backup restorable by restoring it where it can do no harm.

The checks, in order: the manifest reads; the payload matches its size and sha256; the
schema is one this tinyapp knows; the backup loads into a scratch database (a
temporary SQLite file, or a new database on the PostgreSQL/MariaDB server of
DATABASE_URL, dropped afterwards); SQLite's integrity and foreign-key checks pass; the
row counts there equal the manifest's. The outcome is recorded in the manifest.
"""

import contextlib
import secrets
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import peewee

from tinyapp.backup import sqlite
from tinyapp.backup.common import ENGINE_LABELS, engine_label, open_database, progress_factory
from tinyapp.backup.files import check_payload, opened
from tinyapp.backup.manifest import BackupError, Manifest, read_manifest, record_verification
from tinyapp.backup.restore import NATIVE_ENGINE, check_schema, load_into
from tinyapp.config import Settings, mask_url
from tinyapp.db import describe_error, engine_of, sqlite_path


@dataclass
class Verification:
    ok: bool
    passed: list[str] = field(default_factory=list)    # the checks that passed, in order
    problems: list[str] = field(default_factory=list)  # what failed or differs
    manifest: Manifest | None = None


def verify_backup(path: Path, settings: Settings, *, interactive: bool = False
                  ) -> Verification:
    """Check a backup end to end without touching the real database."""
    path = Path(path)
    result = Verification(ok=False)
    try:
        with opened(path, settings.BACKUP_DIR) as folder:
            result.manifest = manifest = read_manifest(folder)
            result.passed.append(f"manifest: {manifest.format} backup of {manifest.engine}, "
                                 f"schema {manifest.schema_version}, "
                                 f"{manifest.total_rows:,} rows")
            check_payload(folder, manifest)
            result.passed.append(f"checksum: sha256 of {manifest.payload} matches")
            check_schema(manifest)
            _restore_into_scratch(folder, manifest, settings, interactive, result)
    except BackupError as exc:
        result.problems.append(str(exc))
    result.ok = not result.problems
    if path.is_dir() and result.manifest is not None:
        record_verification(path, result.ok, result.problems)
    return result


def _restore_into_scratch(folder: Path, manifest: Manifest, settings: Settings,
                          interactive: bool, result: Verification) -> None:
    with scratch_database(manifest, settings) as url:
        try:
            found = load_into(folder, manifest, url, progress_factory(interactive))
        except BackupError as exc:
            result.problems.append(str(exc))
            return
        result.passed.append(f"restored into a scratch {engine_label(url)} database: "
                             f"{sum(found.values()):,} rows")
        result.passed.append(f"row counts of {len(found)} tables equal the manifest's")
        path = sqlite_path(url)
        if path is not None:
            result.problems += sqlite.integrity_problems(path)
            if not result.problems:
                result.passed.append("SQLite integrity and foreign-key checks: ok")


@contextlib.contextmanager
def scratch_database(manifest: Manifest, settings: Settings) -> Iterator[str]:
    """Yield the URL of an empty database to restore into, and get rid of it afterwards.

    SQLite gets a temporary file beside the backups; PostgreSQL and MariaDB a new
    database on the server of DATABASE_URL (its user needs the right to create one).
    """
    engine = NATIVE_ENGINE.get(manifest.format, engine_of(settings.DATABASE_URL))
    if engine == "sqlite":
        settings.BACKUP_DIR.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".verify-", dir=settings.BACKUP_DIR) as temp:
            yield f"sqlite:///{Path(temp) / 'scratch.db'}"
        return
    server = settings.DATABASE_URL
    if engine_of(server) != engine:
        raise BackupError(f"a {manifest.format} backup is verified on a {ENGINE_LABELS[engine]} "
                          f"server, and DATABASE_URL is {engine_label(server)}: pass "
                          "--database-url with one")
    name = f"tinyapp_verify_{secrets.token_hex(5)}"
    _server_execute(server, f"CREATE DATABASE {name}"
                    + (" CHARACTER SET utf8mb4" if engine == "mysql" else ""))
    try:
        yield urlunsplit(urlsplit(server)._replace(path="/" + name))
    finally:
        _server_execute(server, f"DROP DATABASE IF EXISTS {name}"
                        + (" WITH (FORCE)" if engine == "postgresql" else ""))


def _server_execute(url: str, sql: str) -> None:
    """Run one statement outside any transaction (CREATE/DROP DATABASE need that)."""
    try:
        db = open_database(url)
    except peewee.DatabaseError as exc:
        raise BackupError(f"cannot connect to {mask_url(url)}: {describe_error(exc)}") from None
    try:
        if isinstance(db, peewee.PostgresqlDatabase):
            db.connection().autocommit = True
        db.execute_sql(sql)
    except peewee.DatabaseError as exc:
        raise BackupError(f"{sql.split(' tinyapp_')[0].lower()} on {mask_url(url)} failed: "
                          f"{describe_error(exc)}") from None
    finally:
        db.close_all()
