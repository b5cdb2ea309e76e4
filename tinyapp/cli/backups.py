"""The commands about backups: backup, backups, restore, verify (see tinyapp/backup/)."""

import contextlib
from collections.abc import Iterator
from pathlib import Path

from tinyapp import db
from tinyapp.cli.common import CommandError
from tinyapp.config import Settings, mask_url


def add_commands(commands, common) -> None:
    """Declare this module's commands and their options."""
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
                                  "BACKUP_DIR, newest first")
    backups.set_defaults(command=cmd_backups)

    restore = commands.add_parser("restore", parents=[common], help="restore a backup into "
                                  "DATABASE_URL (give --database-url for another database)")
    restore.add_argument("file", metavar="FILE", help="a backup folder, its name in BACKUP_DIR, "
                         "a downloaded .zip, or 'latest'")
    restore.add_argument("--force", action="store_true", help="replace the data of a database "
                         "that holds rows, after saving it in BACKUP_DIR/safety (default: refuse)")
    restore.set_defaults(command=cmd_restore)

    verify = commands.add_parser("verify", parents=[common], help="prove a backup restorable: "
                                 "checksum, restore into a scratch database, row counts")
    verify.add_argument("file", metavar="FILE", help="a backup folder, its name in BACKUP_DIR, "
                        "a downloaded .zip, or 'latest'")
    verify.set_defaults(command=cmd_verify)


@contextlib.contextmanager
def _backup_errors() -> Iterator[None]:
    """Turn a BackupError into the one-line error of exit code 1."""
    from tinyapp.backup import BackupError

    try:
        yield
    except BackupError as exc:
        raise CommandError(str(exc)) from exc


def cmd_backup(args, settings: Settings) -> int:
    from tinyapp.backup import make_backup

    sqlite_file = db.sqlite_path(settings.DATABASE_URL)
    if sqlite_file is not None and not sqlite_file.exists():
        raise CommandError(f"there is no database at {sqlite_file} yet: nothing to back up")
    db.init_database(settings)
    with db.database.connection_context(), _backup_errors():
        info = make_backup(settings, portable=args.portable, compress=args.compress,
                           dest=Path(args.dest) if args.dest else None, interactive=True)
    print(f"backup written: {info.path} ({info.manifest.format}, {_size(info.size)}, "
          f"{info.manifest.total_rows:,} rows)")
    return 0


def cmd_backups(args, settings: Settings) -> int:
    from tinyapp.backup import list_backups

    found = list_backups(settings)
    if not found:
        print(f"no backups in {settings.BACKUP_DIR} yet: make one with `tinyapp backup`")
        return 0
    print(f"{'time (UTC)':<20} {'size':>9}  {'engine':<10} {'format':<10} {'verified':<16} name")
    for info in found:
        if info.manifest is None:
            print(f"{'?':<20} {'?':>9}  {'?':<10} {'?':<10} {'UNREADABLE':<16} {info.name}: "
                  f"{info.problem}")
            continue
        print(f"{info.created_at:%Y-%m-%d %H:%M:%S}  {_size(info.size):>9}  "
              f"{info.manifest.engine:<10} {info.manifest.format:<10} {info.verified:<16} "
              f"{info.name}")
    print(f"{len(found)} in {settings.BACKUP_DIR} (BACKUP_KEEP keeps the newest "
          f"{settings.BACKUP_KEEP})")
    return 0


def cmd_restore(args, settings: Settings) -> int:
    from tinyapp.backup import find_backup, restore_backup

    with _backup_errors():
        path = find_backup(settings, args.file)
        print(f"restoring {path} into {mask_url(settings.DATABASE_URL)}")
        restored = restore_backup(path, settings, force=args.force, interactive=True)
    if restored.safety_backup:
        print(f"what the database held before is saved in {restored.safety_backup}")
    manifest = restored.manifest
    print(f"restored {manifest.total_rows:,} rows from the {manifest.format} backup of "
          f"{manifest.created_at:%Y-%m-%d %H:%M:%S} UTC; row counts checked")
    for name in restored.migrated:
        print(f"applied migration {name}")
    return 0


def cmd_verify(args, settings: Settings) -> int:
    from tinyapp.backup import find_backup, verify_backup

    with _backup_errors():
        path = find_backup(settings, args.file)
    result = verify_backup(path, settings, interactive=True)
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
