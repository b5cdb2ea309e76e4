"""Verify: prove a backup restorable by restoring it where it can do no harm.

The checks, in order: the manifest reads; the payload matches its size and sha256; the
schema is one this tinyapp knows; then the backup is built exactly as a restore builds
it (load.py), in a scratch database (a temporary SQLite file, or a new database on the
PostgreSQL/MariaDB server of DATABASE_URL, dropped afterwards): it holds nothing but
tinyapp's schema, its rows fit it, every reference resolves and the row counts equal
the manifest's. The outcome is recorded in the manifest.
"""

from dataclasses import dataclass, field
from pathlib import Path

from tinyapp.backup.common import ENGINE_LABELS, engine_label, progress_factory
from tinyapp.backup.files import check_payload, opened
from tinyapp.backup.load import build
from tinyapp.backup.manifest import BackupError, Manifest, read_manifest, record_verification
from tinyapp.backup.restore import NATIVE_ENGINE, check_schema
from tinyapp.backup.staging import scratch
from tinyapp.config import Settings
from tinyapp.db import engine_of


@dataclass
class Verification:
    ok: bool
    passed: list[str] = field(default_factory=list)    # the checks that passed, in order
    problems: list[str] = field(default_factory=list)  # what failed or differs
    manifest: Manifest | None = None


def verify_backup(path: Path, settings: Settings, *, interactive: bool = False,
                  scratch_url: str | None = None) -> Verification:
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
            _restore_into_scratch(folder, manifest, settings, interactive, result,
                                  scratch_url)
    except BackupError as exc:
        result.problems.append(str(exc))
    result.ok = not result.problems
    if path.is_dir() and result.manifest is not None:
        record_verification(path, result.ok, result.problems)
    return result


def _restore_into_scratch(folder: Path, manifest: Manifest, settings: Settings,
                          interactive: bool, result: Verification,
                          scratch_url: str | None) -> None:
    server = scratch_url or settings.DATABASE_URL
    engine = NATIVE_ENGINE.get(manifest.format, engine_of(server))
    if scratch_url and engine == "sqlite":
        raise BackupError("--scratch-url is for PostgreSQL and MySQL/MariaDB backups; a "
                          "SQLite backup is verified in a temporary file of its own")
    if scratch_url and engine_of(scratch_url) != engine:
        raise BackupError(f"a {manifest.format} backup is verified in a "
                          f"{ENGINE_LABELS[engine]} database, and --scratch-url is "
                          f"{engine_label(scratch_url)}")
    if engine != "sqlite" and engine_of(server) != engine:
        raise BackupError(f"a {manifest.format} backup is verified on a {ENGINE_LABELS[engine]} "
                          f"server, and DATABASE_URL is {engine_label(server)}: pass "
                          "--database-url with one")
    with scratch(engine, server, settings.BACKUP_DIR, scratch_url) as (db, workdir):
        found = build(folder, manifest, db, workdir, progress_factory(interactive))
    result.passed.append("schema: nothing but the tables, columns and indexes tinyapp makes")
    result.passed.append(f"restored into a scratch {ENGINE_LABELS[engine]} database: "
                         f"{sum(found.values()):,} rows; every reference between rows holds")
    result.passed.append(f"row counts of {len(found)} tables equal the manifest's")
