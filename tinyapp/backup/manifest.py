"""What a backup says about itself: ``manifest.json``, beside the data in the backup folder.

The manifest is written last, once the data is complete and checksummed; a folder
without one is not a backup. Only ``verified`` changes afterwards (``tinyapp verify``
records its outcome there); everything else describes the data and never changes.
"""

import datetime as dt
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

MANIFEST = "manifest.json"
FORMAT_VERSION = 1

# format -> what it is, and the engines it can be restored into
FORMATS = {
    "sqlite": "a copy of the SQLite file, made with SQLite's online backup API",
    "pg_dump": "a plain SQL dump made by pg_dump (PostgreSQL only)",
    "mysqldump": "a SQL dump made by mysqldump (MySQL/MariaDB only)",
    "portable": "every table as JSON lines, restorable into any engine",
}


class BackupError(Exception):
    """A backup could not be made, read, verified or restored; the message says why."""


@dataclass
class Manifest:
    created_at: dt.datetime        # when the snapshot was taken (UTC)
    app_version: str               # tinyapp version that made it
    schema_version: str | None     # the latest migration applied to the data
    engine: str                    # engine the data came from: sqlite, postgresql, mysql
    format: str                    # one of FORMATS
    payload: str                   # file name of the data, beside the manifest
    payload_bytes: int
    sha256: str                    # of the payload file exactly as stored
    tables: dict[str, int]         # rows per table
    source: str = ""               # database URL, password masked
    unpacked_bytes: int | None = None  # tinyapp.db.gz: the size of the file it unpacks to
    verified: dict | None = None   # {"at", "ok", "problems"} after `tinyapp verify`
    format_version: int = FORMAT_VERSION

    @property
    def total_rows(self) -> int:
        return sum(self.tables.values())

    def to_json(self) -> str:
        data = asdict(self)
        data["created_at"] = self.created_at.isoformat()
        return json.dumps(data, indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> "Manifest":
        """Read a manifest; raise BackupError if it is not one this tinyapp understands."""
        try:
            data = json.loads(text)
            created = dt.datetime.fromisoformat(data["created_at"])
            data["created_at"] = created if created.tzinfo else created.replace(tzinfo=dt.UTC)
            if data.get("format_version", 0) > FORMAT_VERSION:
                raise BackupError(f"it was written in backup format {data['format_version']}; "
                                  f"this tinyapp reads format {FORMAT_VERSION}: upgrade tinyapp")
            if data["format"] not in FORMATS:
                raise BackupError(f"unknown backup format {data['format']!r}")
            known = set(cls.__dataclass_fields__)
            return cls(**{key: value for key, value in data.items() if key in known})
        except BackupError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise BackupError(f"its {MANIFEST} is damaged ({exc.__class__.__name__})") from None


def read_manifest(folder: Path) -> Manifest:
    """Read a backup folder's manifest; BackupError if it is missing or damaged."""
    try:
        text = (folder / MANIFEST).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BackupError(f"{folder} is not a tinyapp backup (no {MANIFEST})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BackupError(f"{folder}/{MANIFEST} cannot be read: {exc}") from None
    try:
        return Manifest.from_json(text)
    except BackupError as exc:
        raise BackupError(f"{folder} is not a usable backup: {exc}") from None


def write_manifest(folder: Path, manifest: Manifest) -> None:
    """Write manifest.json under a temporary name, then rename it: never half a manifest."""
    partial = folder / f".{MANIFEST}.partial"
    with open(partial, "w", encoding="utf-8") as handle:
        handle.write(manifest.to_json())
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, folder / MANIFEST)


def record_verification(folder: Path, ok: bool, problems: list[str]) -> Manifest:
    """Store the outcome of `tinyapp verify` in the backup's manifest."""
    manifest = read_manifest(folder)
    manifest.verified = {"at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                         "ok": ok, "problems": problems}
    write_manifest(folder, manifest)
    return manifest
