"""Backup folders on disk: named by time, built under a temporary name, published by rename.

A backup is a folder such as ``tinyapp-20261124T101500Z-sqlite/`` holding
``manifest.json`` and one data file, the payload (``tinyapp.db``, ``dump.sql.gz`` or
``data.jsonl.gz``). It is built as ``.partial-…`` and renamed only once the payload is
complete, on disk (fsync) and checksummed, so a failure such as a full disk never
leaves anything that looks like a backup. A folder, not an archive, because SQLite's
backup API then writes the copy once, in place; packing it would write every byte twice.
"""

import contextlib
import datetime as dt
import fcntl
import hashlib
import itertools
import os
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tinyapp.backup.manifest import MANIFEST, BackupError, Manifest, read_manifest
from tinyapp.files import make_private, private_folder

PREFIX = "tinyapp-"
PARTIAL = ".partial-"
PAYLOADS = ("tinyapp.db", "tinyapp.db.gz", "dump.sql.gz", "data.jsonl.gz")
CHUNK = 1 << 20


def folder_name(created_at: dt.datetime, fmt: str) -> str:
    """Name a backup after its time (UTC) and format, so names sort by age."""
    return f"{PREFIX}{created_at:%Y%m%dT%H%M%SZ}-{fmt}"


@dataclass
class BackupInfo:
    """One backup folder as listed: its manifest, or why it is not a readable backup."""

    path: Path
    manifest: Manifest | None
    problem: str | None = None
    warnings: list[str] = field(default_factory=list)  # e.g. the change journal missed it

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def created_at(self) -> dt.datetime:
        if self.manifest is not None:
            return self.manifest.created_at
        return dt.datetime.fromtimestamp(self.path.stat().st_mtime, dt.UTC)

    @property
    def size(self) -> int:
        return self.manifest.payload_bytes if self.manifest else 0

    @property
    def verified(self) -> str:
        """'yes' or 'FAILED' (with the date of the last `tinyapp verify`), or 'never'."""
        state = self.manifest.verified if self.manifest else None
        if not state:
            return "never"
        return f"{'yes' if state['ok'] else 'FAILED'} {state['at'][:10]}"


def list_folder(parent: Path) -> list[BackupInfo]:
    """List the backups in a folder, newest first; unreadable ones carry their problem."""
    if not parent.is_dir():
        return []
    found = []
    for entry in parent.iterdir():
        if not entry.name.startswith(PREFIX) or not entry.is_dir():
            continue
        try:
            found.append(BackupInfo(entry, read_manifest(entry)))
        except BackupError as exc:
            found.append(BackupInfo(entry, None, str(exc)))
    return sorted(found, key=lambda info: info.created_at, reverse=True)


def new_folder(parent: Path, prefix: str) -> Path:
    """Create a new private (0700) folder with a unique name in parent."""
    private_folder(parent)
    return Path(tempfile.mkdtemp(prefix=prefix, dir=parent))


@contextlib.contextmanager
def temporary_folder(parent: Path, prefix: str) -> Iterator[Path]:
    """Yield a new private folder in parent, locked while in use, removed afterwards.

    The lock (flock on the folder itself) tells `tinyapp backups --clean` whether a
    leftover folder belongs to a job still running or to one that was killed.
    """
    folder = new_folder(parent, prefix)
    try:
        with in_use(folder):
            yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def in_use(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on a file or folder for as long as a job uses it."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock; so does the process dying


def abandoned(path: Path) -> bool:
    """Tell whether nobody holds the in_use() lock of a leftover (its job is gone)."""
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(descriptor)


@contextlib.contextmanager
def building(parent: Path, name: str) -> Iterator[Path]:
    """Yield an empty temporary folder in parent; it is removed unless publish() renamed it."""
    try:
        partial = new_folder(parent, f"{PARTIAL}{name}-")
    except OSError as exc:
        raise BackupError(f"cannot write in {parent}: {exc.strerror or exc}") from None
    try:
        with in_use(partial):
            yield partial
    except OSError as exc:  # most often: no space left on device
        raise BackupError(f"writing the backup in {parent} failed: {exc.strerror or exc}; "
                          "nothing was kept") from None
    finally:
        shutil.rmtree(partial, ignore_errors=True)


def publish(partial: Path, parent: Path, name: str) -> Path:
    """Put the folder's files on disk, owner-only, then rename it to its final name."""
    make_private(partial)
    for path in partial.iterdir():
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())
    _fsync_folder(partial)
    for number in itertools.count():
        final = parent / (name if number == 0 else f"{name}-{number}")
        try:
            os.rename(partial, final)  # refused when final exists and holds anything
        except OSError:
            if final.exists():
                continue
            raise
        _fsync_folder(parent)
        return final
    raise AssertionError("unreachable")


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class HashingWriter:
    """A binary file that hashes (sha256) and counts what is written through it."""

    def __init__(self, handle):
        self.handle = handle
        self.hash = hashlib.sha256()
        self.size = 0

    def write(self, data) -> int:
        self.hash.update(data)
        self.size += len(data)
        return self.handle.write(data)

    def flush(self) -> None:
        self.handle.flush()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def check_payload(folder: Path, manifest: Manifest) -> None:
    """Compare the payload with the size and sha256 in the manifest; BackupError if not equal."""
    payload = folder / manifest.payload
    if manifest.payload not in PAYLOADS or not payload.is_file():
        raise BackupError(f"{folder}: its data file {manifest.payload} is missing")
    size = payload.stat().st_size
    if size != manifest.payload_bytes:
        raise BackupError(f"{folder}: {manifest.payload} is {size:,} bytes, the manifest says "
                          f"{manifest.payload_bytes:,} (truncated or damaged)")
    if sha256_of(payload) != manifest.sha256:
        raise BackupError(f"{folder}: {manifest.payload} does not match its sha256 checksum "
                          "(the file is damaged)")


def copy_backup(folder: Path, to_parent: Path) -> Path:
    """Copy a backup folder into another folder and check its checksum there."""
    manifest = read_manifest(folder)
    with building(to_parent, folder.name) as partial:
        for name in (manifest.payload, MANIFEST):
            shutil.copyfile(folder / name, partial / name)
        check_payload(partial, manifest)
        return publish(partial, to_parent, folder.name)


# -- a backup as one .zip file: for downloading it, and for restoring a download --

class _Chunks:
    """A write-only stream that hands back what was written since last asked."""

    def __init__(self):
        self.parts: list[bytes] = []

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def zip_stream(folder: Path) -> Iterator[bytes]:
    """Yield the backup folder as a .zip (stored, not recompressed), a chunk at a time."""
    manifest = read_manifest(folder)
    out = _Chunks()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        for name in (MANIFEST, manifest.payload):
            with archive.open(f"{folder.name}/{name}", "w", force_zip64=True) as member, \
                    open(folder / name, "rb") as handle:
                while chunk := handle.read(CHUNK):
                    member.write(chunk)
                    yield out.take()
    yield out.take()


@contextlib.contextmanager
def opened(path: Path, workdir: Path) -> Iterator[Path]:
    """Yield the backup folder at path, or unpack a downloaded backup .zip into workdir."""
    if path.is_dir():
        yield path
        return
    if not path.exists():
        raise BackupError(f"{path} does not exist")
    if path.suffix.lower() != ".zip":
        raise BackupError(f"{path} is neither a backup folder nor a backup .zip")
    try:
        unpacked = new_folder(workdir, f"{PARTIAL}unzipped-")
    except OSError as exc:
        raise BackupError(f"cannot unpack {path} in {workdir}: {exc.strerror or exc}") from None
    try:
        with in_use(unpacked):
            folder = unpacked / path.stem
            folder.mkdir()
            yield unpack_zip(path, folder)
    finally:
        shutil.rmtree(unpacked, ignore_errors=True)


MAX_MANIFEST_BYTES = 1 << 20  # a real manifest is about 1 kB


def unpack_zip(path: Path, folder: Path) -> Path:
    """Unpack a downloaded backup .zip into folder (empty, the caller's); return folder.

    The archive is someone's file: nothing but a manifest and the one payload it names
    is taken, and no byte beyond the size the manifest declares is written (a 200 kB
    "zip bomb" can otherwise unpack into gigabytes). Names are flattened, so nothing
    lands outside folder.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = {}
            for info in archive.infolist():
                if info.is_dir():
                    continue
                name = Path(info.filename).name
                if name not in (MANIFEST, *PAYLOADS) or name in members or len(members) == 2:
                    raise BackupError(f"{path} is not a tinyapp backup (a .zip of {MANIFEST} "
                                      "and one data file)")
                members[name] = info
            if MANIFEST not in members or len(members) != 2:
                raise BackupError(f"{path} is not a tinyapp backup (a .zip of {MANIFEST} "
                                  "and one data file)")
            _extract(archive, members[MANIFEST], folder / MANIFEST, MAX_MANIFEST_BYTES)
            manifest = read_manifest(folder)
            payload = members.get(manifest.payload)
            if payload is None:
                raise BackupError(f"{path}: its manifest names {manifest.payload}, which the "
                                  "archive does not hold")
            _check_room(folder, manifest.payload_bytes)
            _extract(archive, payload, folder / manifest.payload, manifest.payload_bytes)
            return folder
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise BackupError(f"{path} is not a complete .zip (truncated or damaged: {exc})") \
            from None


def _extract(archive: zipfile.ZipFile, member: zipfile.ZipInfo, target: Path,
             limit: int) -> None:
    """Copy one member out of the archive, refusing it the moment it passes limit bytes."""
    written = 0
    with archive.open(member) as source, open(target, "wb") as out:
        while chunk := source.read(min(CHUNK, limit - written + 1)):
            written += len(chunk)
            if written > limit:
                raise BackupError(f"{member.filename} in the archive is larger than the "
                                  f"{limit:,} bytes its manifest declares: refused (stopped "
                                  "before writing more)")
            out.write(chunk)


def _check_room(folder: Path, needed: int) -> None:
    free = shutil.disk_usage(folder).free
    if needed > free:
        raise BackupError(f"unpacking needs {needed:,} bytes and {folder.parent} has "
                          f"{free:,} free")
