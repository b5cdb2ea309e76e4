"""SQLite: a consistent copy of the live database through SQLite's online backup API.

Never ``cp`` a live SQLite file: the copy can catch half a transaction, and it misses
whatever still sits in the ``-wal`` file. The backup API copies pages inside one read
transaction instead: in WAL mode writers carry on meanwhile, and the copy is the
database exactly as it was when that transaction began. The same API restores.
"""

import contextlib
import gzip
import os
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import peewee

from tinyapp import faults, files
from tinyapp.backup.common import (
    Dump,
    ProgressFactory,
    TableRows,
    count_rows,
    schema_version_of,
    table_names,
)
from tinyapp.backup.files import CHUNK, HashingWriter, sha256_of
from tinyapp.backup.manifest import BackupError
from tinyapp.backup.schema import Schema, of_database
from tinyapp.db import sqlite3  # the same SQLite library as the app's connections

PAYLOAD = "tinyapp.db"
PAGES_PER_STEP = 4096  # 16 MB of 4 KB pages between progress updates


def dump(source: Path, folder: Path, compress: bool, progress: ProgressFactory) -> Dump:
    """Copy the database file at source into folder (gzipped if compress)."""
    if not source.is_file():
        raise BackupError(f"there is no SQLite database at {source}")
    copy = folder / (".copy.db" if compress else PAYLOAD)
    try:
        _copy_pages(source, copy, progress)
        details = inspect(copy)
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite could not copy {source}: {exc}") from None
    if not compress:
        return Dump(PAYLOAD, copy.stat().st_size, _checksum_while_syncing(copy), *details)
    unpacked_size = copy.stat().st_size
    with open(folder / f"{PAYLOAD}.gz", "wb") as raw:
        out = HashingWriter(raw)
        with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=6, mtime=0) as packed, \
                open(copy, "rb") as handle:
            shutil.copyfileobj(handle, packed, CHUNK)
    copy.unlink()
    return Dump(f"{PAYLOAD}.gz", out.size, out.hash.hexdigest(), *details,
                unpacked_bytes=unpacked_size)


def _copy_pages(source: Path, target: Path, progress: ProgressFactory) -> None:
    # mode=rw: never create an empty database where the real one is missing
    src = sqlite3.connect(f"file:{source}?mode=rw", uri=True, isolation_level=None)
    dst = sqlite3.connect(target, isolation_level=None)
    bar = None

    def advance(status: int, remaining: int, total: int) -> None:
        nonlocal bar
        bar = bar or progress("copying pages", total)
        bar.advance(total - remaining - bar.done)

    try:
        src.execute("PRAGMA busy_timeout = 10000")
        dst.execute("PRAGMA synchronous = OFF")  # the finished copy is fsynced once, at the end
        # Hold one read transaction across every step, so the copy is one snapshot and
        # other connections' commits cannot make the backup start over.
        src.execute("BEGIN")
        src.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        src.backup(dst, pages=PAGES_PER_STEP, progress=advance)
        src.execute("ROLLBACK")
        # The copy carries the source's WAL flag; a backup file should stand alone.
        dst.execute("PRAGMA journal_mode = DELETE")
    finally:
        src.close()
        dst.close()
    if bar:
        bar.finish()


def _checksum_while_syncing(path: Path) -> str:
    """Hash the copy while the disk writes it out: one waits on the CPU, the other on the disk."""
    with ThreadPoolExecutor(max_workers=1) as helper:
        checksum = helper.submit(sha256_of, path)
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())
        return checksum.result()


def inspect(path: Path) -> tuple[dict[str, int], str | None]:
    """Count the rows and read the schema version of a SQLite file."""
    db = peewee.SqliteDatabase(str(path))
    try:
        return count_rows(db), schema_version_of(db)
    finally:
        db.close()


def integrity_problems(path: Path) -> list[str]:
    """Run SQLite's integrity and foreign-key checks; list what they found (empty: fine)."""
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check") if row[0] != "ok"]
        problems += [f"foreign key: row {rowid} of {table} refers to a missing {parent}"
                     for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check")]
    return problems


def unpacked(payload: Path, workdir: Path, limit: int | None) -> Path:
    """Return a plain SQLite file for a payload, decompressing a .gz one into workdir.

    No more than ``limit`` bytes are written (the manifest's figure; for backups made
    before manifests said, the free space of workdir): a small, crafted .gz must not fill
    the disk.
    """
    if payload.suffix != ".gz":
        return payload
    plain = workdir / "unpacked-backup.db"
    limit = limit if limit is not None else shutil.disk_usage(workdir).free
    written = 0
    try:
        with gzip.open(payload, "rb") as packed, open(plain, "wb") as handle:
            while chunk := packed.read(min(CHUNK, limit - written + 1)):
                written += len(chunk)
                if written > limit:
                    raise BackupError(f"{payload.name} unpacks to more than the {limit:,} "
                                      "bytes its manifest declares: refused")
                handle.write(chunk)
    except (OSError, EOFError) as exc:
        raise BackupError(f"{payload} cannot be decompressed: {exc}") from None
    return plain


def tables_in(path: Path, expected: Schema) -> Iterator[TableRows]:
    """Read the rows of a SQLite backup file, after refusing any object tinyapp would not make.

    The file is only read (mode=ro, query_only), with trusted_schema off so that nothing
    it declares can call a function; its triggers never fire, because nothing is written
    to it, and its tables' definitions are never used: the rows go into tables made by
    tinyapp's migrations.
    """
    backup = peewee.SqliteDatabase(f"file:{path}?mode=ro", uri=True, pragmas={
        "trusted_schema": "off", "query_only": "on"})
    try:
        if backup.execute_sql("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError(f"{path.name} is damaged (SQLite's quick_check failed)")
        found = of_database(backup)
        expected.refuse_extras(found)
        for table in [name for name in table_names() if name in found.columns]:
            columns = sorted(found.columns[table])
            listed = ", ".join(f'"{column}"' for column in columns)
            yield TableRows(table, columns, iter(backup.execute_sql(
                f'SELECT {listed} FROM "{table}"')))
    except peewee.DatabaseError as exc:
        raise BackupError(f"{path.name} cannot be read: {exc}") from None
    finally:
        backup.close()


SWAP_PAGES_PER_STEP = 1024  # 4 MB a step: the crash tests kill a restore between steps


def _between_steps(status: int, remaining: int, total: int) -> None:
    if remaining:  # after the last step the copy is committed: that is "swapped"
        faults.point("restore:swap")


def copy_into(staged: Path, target: Path) -> None:
    """Replace the database at target with the staged one, in one write transaction.

    SQLite's backup API writes the pages into target under its write lock and commits
    once at the end: killed half-way, target is still the old database (its journal
    or WAL undoes the partial copy); other connections then see the new one.
    """
    files.private_file(target)
    src = sqlite3.connect(f"file:{staged}?mode=ro", uri=True)
    dst = sqlite3.connect(target, isolation_level=None)
    try:
        dst.execute("PRAGMA busy_timeout = 10000")
        src.backup(dst, pages=SWAP_PAGES_PER_STEP, progress=_between_steps)
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite could not write {target}: {exc}") from None
    finally:
        src.close()
        dst.close()
