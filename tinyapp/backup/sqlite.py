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
import sqlite3
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import peewee

from tinyapp.backup.common import Dump, ProgressFactory, count_rows, schema_version_of
from tinyapp.backup.files import CHUNK, HashingWriter, sha256_of
from tinyapp.backup.manifest import BackupError

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
    with open(folder / f"{PAYLOAD}.gz", "wb") as raw:
        out = HashingWriter(raw)
        with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=6, mtime=0) as packed, \
                open(copy, "rb") as handle:
            shutil.copyfileobj(handle, packed, CHUNK)
    copy.unlink()
    return Dump(f"{PAYLOAD}.gz", out.size, out.hash.hexdigest(), *details)


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


def unpacked(payload: Path, workdir: Path) -> Path:
    """Return a plain SQLite file for a payload, decompressing a .gz one into workdir."""
    if payload.suffix != ".gz":
        return payload
    plain = workdir / PAYLOAD
    try:
        with gzip.open(payload, "rb") as packed, open(plain, "wb") as handle:
            shutil.copyfileobj(packed, handle, CHUNK)
    except (OSError, EOFError) as exc:
        raise BackupError(f"{payload} cannot be decompressed: {exc}") from None
    return plain


def load(payload: Path, target: Path) -> None:
    """Replace the database at target with the backup, all at once (one write transaction)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=target.parent) as workdir:
        plain = unpacked(payload, Path(workdir))
        src = sqlite3.connect(f"file:{plain}?mode=ro", uri=True)
        dst = sqlite3.connect(target, isolation_level=None)
        try:
            dst.execute("PRAGMA busy_timeout = 10000")
            src.backup(dst)
        except sqlite3.Error as exc:
            raise BackupError(f"SQLite could not restore into {target}: {exc}") from None
        finally:
            src.close()
            dst.close()
