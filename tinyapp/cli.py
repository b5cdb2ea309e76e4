"""The ``tinyapp`` command: a thin layer over importable functions.

Exit codes: 0 done, 1 the operation failed, 2 bad usage or configuration. Errors are
one line on stderr; ``--debug`` adds the traceback. Every setting is also a flag
(``--database-url``, ``--port`` …), the highest layer of configuration.
"""

import argparse
import code
import contextlib
import getpass
import os
import sys
import time
import traceback
from collections.abc import Iterator
from pathlib import Path

from marshmallow import ValidationError

from tinyapp import __version__, db, migrations
from tinyapp.config import SETTINGS, ConfigError, Settings, load_settings, mask_url
from tinyapp.errors import AppError
from tinyapp.logs import configure_logging


class CommandError(Exception):
    """The operation failed in a way the user should read about (exit 1)."""


def main(argv: list[str] | None = None) -> int:
    """Run the tinyapp command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings(_setting_flags(args))
        configure_logging(settings.LOG_LEVEL, settings.LOG_FORMAT)
        return args.command(args, settings) or 0
    except ConfigError as exc:
        return _fail(args, f"configuration error: {exc}", 2)
    except KeyboardInterrupt:
        return 130
    except CommandError as exc:
        return _fail(args, str(exc), 1)
    except Exception as exc:  # noqa: BLE001 - users see one line, --debug shows more
        if db.is_unavailable_error(exc):
            return _fail(args, f"database unavailable: {db.describe_error(exc)}", 1)
        return _fail(args, f"{exc.__class__.__name__}: {db.describe_error(exc)}", 1,
                     hint="run again with --debug for the details")


def _fail(args, message: str, code: int, hint: str = "") -> int:
    print(f"tinyapp: error: {message}", file=sys.stderr)
    if getattr(args, "debug", False):
        traceback.print_exc()
    elif hint:
        print(f"({hint})", file=sys.stderr)
    return code


def build_parser() -> argparse.ArgumentParser:
    settings_flags = argparse.ArgumentParser(add_help=False)
    group = settings_flags.add_argument_group(
        "settings", "each overrides the config file and the TINYAPP_<KEY> environment")
    for setting in SETTINGS:
        group.add_argument(setting.flag, dest=f"setting_{setting.name}", metavar="VALUE",
                           help=f"{setting.help} (default: {setting.default!s}; "
                                f"env {setting.env_name})")
    common = argparse.ArgumentParser(add_help=False, parents=[settings_flags])
    common.add_argument("--debug", action="store_true", help="show tracebacks on errors")

    parser = argparse.ArgumentParser(prog="tinyapp", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"tinyapp {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)

    serve = commands.add_parser("serve", parents=[common], help="serve the web app")
    serve.add_argument("--open", action="store_true", help="open a browser (default: no)")
    serve.set_defaults(command=cmd_serve)

    migrate = commands.add_parser("migrate", parents=[common], help="show or change the "
                                  "database schema version")
    migrate.add_argument("action", nargs="?", default="status", choices=["status", "up", "down"],
                         help="status (default), up (apply pending) or down (revert latest)")
    migrate.add_argument("target", nargs="?", help="stop at this migration (default: all "
                         "for up, the latest one for down)")
    migrate.set_defaults(command=cmd_migrate)

    check = commands.add_parser("check", parents=[common], help="show the effective "
                                "configuration and test the database")
    check.set_defaults(command=cmd_check)

    shell = commands.add_parser("shell", parents=[common], help="Python prompt with the "
                                "models imported and the database connected")
    shell.set_defaults(command=cmd_shell)

    demo = commands.add_parser("demo", parents=[common], help="fill an empty database with "
                               "deterministic sample data")
    demo.add_argument("--size", choices=["small", "medium", "large"], default="small",
                      help="small: a shop's year (default); medium: 20,000 products; "
                           "large: 100,000 products and about 1,000,000 order lines")
    demo.set_defaults(command=cmd_demo)

    createuser = commands.add_parser("createuser", parents=[common], help="add a user")
    createuser.add_argument("email", help="the user's e-mail address (their login)")
    createuser.add_argument("--name", help="display name (default: the part before @)")
    createuser.add_argument("--role", choices=["admin", "staff", "viewer"], default="staff",
                            help="what they may do (default: staff)")
    createuser.add_argument("--password-stdin", action="store_true",
                            help="read the password from standard input (default: prompt)")
    createuser.set_defaults(command=cmd_createuser)

    passwd = commands.add_parser("passwd", parents=[common], help="set a user's password "
                                 "(signs them out everywhere)")
    passwd.add_argument("email", help="the user's e-mail address")
    passwd.add_argument("--password-stdin", action="store_true",
                        help="read the password from standard input (default: prompt)")
    passwd.set_defaults(command=cmd_passwd)

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
    return parser


def _setting_flags(args) -> dict[str, str]:
    return {s.name: getattr(args, f"setting_{s.name}", None) for s in SETTINGS}


# -- commands --

def cmd_serve(args, settings: Settings) -> int:
    from tinyapp.server import serve

    serve(settings, open_browser=args.open)
    return 0


def cmd_migrate(args, settings: Settings) -> int:
    sqlite_file = db.sqlite_path(settings.DATABASE_URL)
    if args.action == "up" and sqlite_file is not None:
        sqlite_file.parent.mkdir(parents=True, exist_ok=True)
    db.init_database(settings)
    with db.database.connection_context():
        try:
            if args.action == "up":
                _report("applied", migrations.upgrade(args.target))
            elif args.action == "down":
                _report("reverted", migrations.downgrade(args.target))
            else:
                for migration in migrations.status():
                    mark = "x" if migration.applied else " "
                    when = f"  {migration.applied:%Y-%m-%d %H:%M:%S}" if migration.applied else ""
                    print(f"[{mark}] {migration.name}{when}")
                if migrations.pending():
                    print(f"{len(migrations.pending())} pending: run `tinyapp migrate up`")
        except migrations.MigrationError as exc:
            raise CommandError(str(exc)) from exc
    return 0


def _report(verb: str, names: list[str]) -> None:
    for name in names:
        print(f"{verb} {name}")
    if not names:
        print("nothing to do")


def cmd_check(args, settings: Settings) -> int:
    print(f"tinyapp {__version__}: effective configuration "
          "(default < file < environment < flag)")
    for name, value, source in settings.describe():
        print(f"  {name:<22} {value:<48} {source}")
    problems = _check_database(settings)
    problems += _check_folders(settings)
    if problems:
        for problem in problems:
            print(f"PROBLEM  {problem}")
        return 1
    print("OK       everything checked is in order")
    return 0


def _check_database(settings: Settings) -> list[str]:
    where = mask_url(settings.DATABASE_URL)
    sqlite_file = db.sqlite_path(settings.DATABASE_URL)
    if sqlite_file is not None and not sqlite_file.exists():
        print(f"OK       database file {sqlite_file} does not exist yet: serve creates it")
        return []
    try:
        db.init_database(settings)
        db.ping()
        with db.database.connection_context():
            waiting = migrations.pending()
            version = migrations.schema_version()
    except db.DatabaseUnavailable as exc:
        return [f"database {where}: cannot connect: {exc}"]
    print(f"OK       database {where} answers ({db.current_engine()}); "
          f"schema at {version or 'nothing yet'}")
    if waiting:
        return [f"{len(waiting)} migration(s) pending ({', '.join(waiting)}): "
                "run `tinyapp migrate up` (serve does it at start)"]
    return []


def _check_folders(settings: Settings) -> list[str]:
    problems = []
    for label, folder in (("data folder", settings.DATA_DIR),
                          ("backup folder", settings.BACKUP_DIR),
                          ("backup copy folder", settings.BACKUP_COPY_TO)):
        if folder is None:
            continue
        existing = next((p for p in [folder, *folder.parents] if p.exists()), None)
        if existing is None or not os.access(existing, os.W_OK):
            problems.append(f"{label} {folder} is not writable")
        else:
            print(f"OK       {label} {folder} is writable")
    return problems


def cmd_shell(args, settings: Settings) -> int:
    import tinyapp.models as models

    db.init_database(settings)
    namespace = {name: getattr(models, name) for name in models.__all__}
    namespace["db"] = db.database
    banner = (f"tinyapp {__version__} shell on {mask_url(settings.DATABASE_URL)}\n"
              f"Imported: db, {', '.join(models.__all__)}\n"
              "Try: Product.select().count()")
    with db.database.connection_context():
        code.interact(banner=banner, local=namespace, exitmsg="")
    return 0


@contextlib.contextmanager
def connected(settings: Settings) -> Iterator[None]:
    """Open the database for a command (creating a SQLite folder), schema up to date."""
    sqlite_file = db.sqlite_path(settings.DATABASE_URL)
    if sqlite_file is not None:
        sqlite_file.parent.mkdir(parents=True, exist_ok=True)
    db.init_database(settings)
    with db.database.connection_context():
        if migrations.pending():
            migrations.upgrade()
        try:
            yield
        except ValidationError as exc:
            raise CommandError(_messages(exc)) from exc
        except AppError as exc:
            raise CommandError(exc.message) from exc


def cmd_demo(args, settings: Settings) -> int:
    from tinyapp.demo import load_demo

    started = time.monotonic()
    with connected(settings):
        counts = load_demo(args.size)
    print(f"demo data ({args.size}) loaded in {time.monotonic() - started:.1f} s: "
          + ", ".join(f"{count:,} {name.replace('_', ' ')}" for name, count in counts.items()))
    return 0


def cmd_createuser(args, settings: Settings) -> int:
    from tinyapp.services import accounts

    password = _read_password(args.password_stdin)
    with connected(settings):
        user = accounts.create_user(args.email, args.name or args.email.split("@")[0],
                                    password, role=args.role)
    print(f"created {user.role} {user.email}")
    return 0


def cmd_passwd(args, settings: Settings) -> int:
    from tinyapp.models import User
    from tinyapp.services import accounts

    password = _read_password(args.password_stdin)
    with connected(settings):
        user = User.by_email(args.email)
        if user is None:
            raise CommandError(f"no user with e-mail {args.email}")
        accounts.change_password(user, "", password, verify_current=False)
    print(f"password changed for {user.email}; their sessions have ended")
    return 0


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    password = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != password:
        raise CommandError("the two passwords differ; nothing changed")
    return password


def _messages(error: ValidationError) -> str:
    messages = error.messages
    if isinstance(messages, dict):
        return "; ".join(f"{field}: {' '.join(map(str, text))}"
                         for field, text in messages.items())
    return " ".join(map(str, messages))


# -- backups (tinyapp/backup/) --

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
