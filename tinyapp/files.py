"""Files tinyapp writes are its owner's alone: folders 0700, files 0600, whatever the umask.

The data folder holds the database (password hashes, customers' addresses), the secret
key and the backups. With the common umask 022 every folder Python creates is 0755 and
every file 0644, readable by every local user; so tinyapp sets the modes itself.
SQLite gives its ``-wal`` and ``-shm`` files the mode of the database file, so creating
that file 0600 before SQLite opens it is enough for all three.
"""

import os
import stat
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def private_folder(path: Path) -> Path:
    """Create a folder (and its missing parents) that only its owner can enter."""
    path = Path(path)
    missing = [p for p in [path, *path.parents] if not p.exists()]
    path.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    for created in missing:  # mkdir's mode is filtered by the umask; chmod is not
        os.chmod(created, FOLDER_MODE)
    return path


def private_file(path: Path) -> Path:
    """Create an empty file only its owner can read, unless it exists already."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
        os.chmod(path, FILE_MODE)
    except FileExistsError:
        pass
    return Path(path)


def make_private(path: Path) -> None:
    """Give a folder and everything in it owner-only modes (a backup before it is published)."""
    os.chmod(path, FOLDER_MODE)
    for entry in Path(path).rglob("*"):
        os.chmod(entry, FOLDER_MODE if entry.is_dir() else FILE_MODE)


def too_open(path: Path) -> str | None:
    """Say how a file or folder is readable by others ('mode 0644'), or None if it is not."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return None
    if mode & 0o077:
        return f"mode {mode:04o}"
    return None
