"""The commands about backups: backup, backups, restore, verify (see tinyapp/backup/)."""

import argparse
import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path

from tinyapp import cache, db
from tinyapp.cli.common import CommandError, opened
from tinyapp.config import Settings, database_url, mask_url


def add_commands(commands, parents: dict) -> None:
    """Declare this module's commands and their options."""
    common = parents["backup"]
    backup = commands.add_parser("backup", parents=[common], help="back up the database now")
    backup.add_argument("--portable", action="store_true",
                        help="write the engine-neutral format, which restores into any engine "
                             "(default: SQLite's backup API, or pg_dump/mysqldump)")
    backup.add_argument("--dest", metavar="DIR", help="write it into DIR (default: BACKUP_DIR; "
                        "a backup elsewhere is neither copied nor pruned)")
    backup.add_argument("--compress", action="store_true", help="gzip a SQLite backup "
                        "(default: no; dumps and portable backups are always gzipped)")
    backup.set_defaults(command=cmd_backup)

    backups = commands.add_parser("backups", parents=[common], help="list the backups in "
                                  "BACKUP_DIR, newest first, the safety copies restore made, "
                                  "and what stopped jobs left behind")
    backups.add_argument("--clean", action="store_true", help="remove what stopped backup, "
                         "verify and restore jobs left behind (default: only list it)")
    backups.set_defaults(command=cmd_backups)

    restore = commands.add_parser("restore", parents=[common], help="restore a backup into "
                                  "DATABASE_URL (give --database-url for another database)")
    restore.add_argument("file", metavar="FILE", help="a backup folder, its name in BACKUP_DIR, "
                         "a downloaded .zip, or 'latest'")
    restore.add_argument("--force", action="store_true", help="replace the data of a database "
                         "that holds rows, after saving it in BACKUP_DIR/safety (default: refuse)")
    restore.add_argument("--force-while-running", action="store_true", help="restore even "
                         "though a tinyapp server is serving the database (default: refuse; "
                         "stop the server first)")
    restore.set_defaults(command=cmd_restore)

    verify = commands.add_parser("verify", parents=[common], help="prove a backup restorable: "
                                 "checksum, restore into a scratch database, row counts")
    verify.add_argument("file", metavar="FILE", help="a backup folder, its name in BACKUP_DIR, "
                        "a downloaded .zip, or 'latest'")
    verify.add_argument("--scratch-url", metavar="URL", type=_scratch_url,
                        help="build the backup in this empty PostgreSQL or MySQL "
                        "database, emptied again afterwards (default: create a database "
                        "of its own, which needs the right to)")
    verify.set_defaults(command=cmd_verify)


def _scratch_url(value: str) -> str:
    """--scratch-url, checked as DATABASE_URL is (a usage error names the option)."""
    try:
        return database_url(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected {exc}") from None


@contextlib.contextmanager
def _backup_errors() -> Iterator[None]:
    """Turn a BackupError into the one-line error of exit code 1."""
    from tinyapp.backup import BackupError

    try:
        yield
    except BackupError as exc:
        raise CommandError(str(exc)) from exc


def cmd_backup(args, settings: Settings) -> int:
    from tinyapp.backup import list_backups, make_backup

    sqlite_file = db.sqlite_path(settings.DATABASE_URL)
    if sqlite_file is not None and not sqlite_file.exists():
        raise CommandError(f"there is no database at {sqlite_file} yet: nothing to back up")
    with opened(settings), _backup_errors():
        newest = next((b for b in list_backups(settings) if b.manifest), None)
        info = make_backup(settings, portable=args.portable, compress=args.compress,
                           dest=Path(args.dest) if args.dest else None, interactive=True)
    print(f"backup written: {info.path} ({info.manifest.format}, {_size(info.size)}, "
          f"{info.manifest.total_rows:,} rows)")
    if newest and info.manifest.total_rows == 0 and newest.manifest.total_rows:
        info.warnings.append(f"the database is empty, and the backup before, {newest.name}, "
                             f"holds {newest.manifest.total_rows:,} rows: was data lost? "
                             f"`tinyapp restore {newest.name}` brings them back")
    for warning in info.warnings:
        print(f"tinyapp: warning: {warning}", file=sys.stderr)
    return 0


def cmd_backups(args, settings: Settings) -> int:
    from tinyapp.backup import clean_leftovers, find_leftovers, list_backups, list_safety_copies

    with _backup_errors():
        found = list_backups(settings)
        _print_backups(found, settings)
        safety = list_safety_copies(settings)
        if safety:
            print(f"\nsafety copies: what a forced restore replaced, in {settings.BACKUP_DIR}"
                  "/safety (restore one like any backup)")
            _print_backups(safety, settings)
        leftovers = clean_leftovers(settings) if args.clean else find_leftovers(settings)
    if leftovers:
        verb = "removed" if args.clean else "left behind by stopped jobs"
        print(f"\n{len(leftovers)} {verb}:")
        for leftover in leftovers:
            print(f"  {leftover.describe()}")
        if not args.clean and any(not leftover.in_use for leftover in leftovers):
            print("remove them with `tinyapp backups --clean`")
    return 0


def _print_backups(found, settings: Settings) -> None:
    if not found:
        print(f"no backups in {settings.BACKUP_DIR} yet: make one with `tinyapp backup`")
        return
    print(f"{'time (UTC)':<20} {'size':>9}  {'engine':<10} {'format':<10} {'verified':<16} "
          f"{'rows':>10}  name")
    for info in found:
        if info.manifest is None:
            print(f"{'?':<20} {'?':>9}  {'?':<10} {'?':<10} {'UNREADABLE':<16} {'?':>10}  "
                  f"{info.name}: {info.problem}")
            continue
        print(f"{info.created_at:%Y-%m-%d %H:%M:%S}  {_size(info.size):>9}  "
              f"{info.manifest.engine:<10} {info.manifest.format:<10} {info.verified:<16} "
              f"{info.manifest.total_rows:>10,}  {info.name}")
    print(f"{len(found)} in {found[0].path.parent} (BACKUP_KEEP keeps the newest "
          f"{settings.BACKUP_KEEP})")


def cmd_restore(args, settings: Settings) -> int:
    from tinyapp.backup import find_backup, restore_backup

    with _backup_errors():
        path = find_backup(settings, args.file)
        print(f"restoring {path} into {mask_url(settings.DATABASE_URL)}")
        restored = restore_backup(path, settings, force=args.force, interactive=True,
                                  while_running=args.force_while_running)
    if restored.safety_backup:
        print(f"what the database held before is saved in {restored.safety_backup}")
    manifest = restored.manifest
    print(f"restored {manifest.total_rows:,} rows from the {manifest.format} backup of "
          f"{manifest.created_at:%Y-%m-%d %H:%M:%S} UTC; row counts checked")
    for name in restored.migrated:
        print(f"applied migration {name}")
    for warning in restored.warnings:
        print(f"tinyapp: warning: {warning}", file=sys.stderr)
    if args.force_while_running and not cache.is_shared(settings.CACHE_URL):
        print("the server serving it still holds pages cached in its memory from before: "
              "restart it (a CACHE_URL=redis:// cache is emptied by the restore itself)")
    return 0


def cmd_verify(args, settings: Settings) -> int:
    from tinyapp.backup import find_backup, verify_backup

    with _backup_errors():
        path = find_backup(settings, args.file)
    result = verify_backup(path, settings, interactive=True, scratch_url=args.scratch_url)
    for line in result.passed:
        print(f"OK       {line}")
    for problem in result.problems:
        print(f"PROBLEM  {problem}")
    if not result.ok:
        return 1
    print(f"OK       {path} is restorable")
    return 0


def _size(count: int) -> str:
    for unit in ("bytes", "kB", "MB", "GB"):
        if count < 1000 or unit == "GB":
            return f"{count:,} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1000
    return ""
