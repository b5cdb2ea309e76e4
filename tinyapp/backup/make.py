"""Where a backup is made: pick the format for the engine, write the folder, publish it.

SQLite is copied with SQLite's online backup API (sqlite.py); PostgreSQL and
MySQL/MariaDB are dumped by pg_dump/mysqldump (native.py) when installed, and in the
portable format (portable.py) otherwise or when asked. Either way the folder appears
under its final name only when the data and manifest are complete (files.py).
"""

import datetime as dt
import logging
import time
from pathlib import Path

from tinyapp import __version__, faults
from tinyapp.backup import native, portable, sqlite
from tinyapp.backup.common import (
    Dump,
    ProgressFactory,
    count_rows,
    open_database,
    progress_factory,
    schema_version_of,
)
from tinyapp.backup.files import building, folder_name, publish
from tinyapp.backup.manifest import BackupError, Manifest, write_manifest
from tinyapp.config import mask_url
from tinyapp.db import engine_of, sqlite_path

log = logging.getLogger("tinyapp.backup")


def choose_format(url: str, portable_wanted: bool) -> str:
    """Name the format a backup of url gets: sqlite, pg_dump, mysqldump or portable."""
    engine = engine_of(url)
    if portable_wanted:
        return "portable"
    if engine == "sqlite":
        return "sqlite"
    if native.dump_tool(engine) is None:
        log.warning("%s is not installed: writing a portable backup instead",
                    native.DUMP_TOOLS[engine][0])
        return "portable"
    return native.FORMAT[engine]


def write_backup(url: str, parent: Path, portable_wanted: bool = False,
                 compress: bool = False, progress: ProgressFactory | None = None) -> Path:
    """Back up the database at url into a new folder under parent; return that folder."""
    fmt = choose_format(url, portable_wanted)
    progress = progress or progress_factory(interactive=False)
    started = time.monotonic()
    created = dt.datetime.now(dt.UTC)
    name = folder_name(created, fmt)
    with building(parent, name) as partial:
        dump = _dump(fmt, url, partial, compress, progress)
        manifest = Manifest(created_at=created, app_version=__version__,
                            schema_version=dump.schema_version, engine=engine_of(url),
                            format=fmt, payload=dump.payload, payload_bytes=dump.size,
                            sha256=dump.sha256, tables=dump.tables, source=mask_url(url),
                            unpacked_bytes=dump.unpacked_bytes)
        write_manifest(partial, manifest)
        faults.point("backup:written")
        folder = publish(partial, parent, name)
    log.info("backup written: %s (%s, %s bytes, %s rows, %.1f s)", folder, fmt,
             f"{dump.size:,}", f"{manifest.total_rows:,}", time.monotonic() - started)
    return folder


def _dump(fmt: str, url: str, folder: Path, compress: bool, progress) -> Dump:
    if fmt == "sqlite":
        return sqlite.dump(sqlite_path(url), folder, compress, progress)
    if fmt == "portable":
        return portable.export(url, folder, progress)
    try:  # the dump tools count rows themselves; the schema version comes from here
        db = open_database(url)
        try:
            version, expected = schema_version_of(db), sum(count_rows(db).values())
        finally:
            db.close_all()
    except Exception as exc:  # noqa: BLE001 - any driver error: say what and where
        raise BackupError(f"cannot read {mask_url(url)}: {exc}") from None
    dump = native.dump(url, folder, expected, progress)
    dump.schema_version = version
    return dump
