"""The commands about the database itself: migrate, check, shell, demo."""

import code
import os
import sys
import time
import traceback
from pathlib import Path

from tinyapp import __version__, db, migrations
from tinyapp.cli.common import CommandError, Interrupted, connected, opened
from tinyapp.config import Settings, mask_url
from tinyapp.files import private_folder, too_open
from tinyapp.services import figures


def add_commands(commands, parents: dict) -> None:
    """Declare this module's commands and their options."""
    common = parents["common"]
    migrate = commands.add_parser("migrate", parents=[common], help="show or change the "
                                  "database schema version")
    migrate.add_argument("action", nargs="?", default="status", choices=["status", "up", "down"],
                         help="status (default), up (apply pending) or down (revert latest)")
    migrate.add_argument("target", nargs="?", help="stop at this migration (default: all "
                         "for up, the latest one for down)")
    migrate.set_defaults(command=cmd_migrate)

    check = commands.add_parser("check", parents=[parents["server"]], help="show the effective "
                                "configuration and test the database")
    check.set_defaults(command=cmd_check)

    shell = commands.add_parser("shell", parents=[common], help="Python prompt with the "
                                "models imported and the database connected; runs a script "
                                "from -c or from standard input when that is not a terminal")
    shell.add_argument("-c", dest="code", metavar="CODE", help="run CODE and exit (exit 1 "
                       "if it raises)")
    shell.set_defaults(command=cmd_shell)

    demo = commands.add_parser("demo", parents=[common], help="fill an empty database with "
                               "deterministic sample data")
    demo.add_argument("--size", choices=["small", "medium", "large"], default="small",
                      help="small: a shop's year (default); medium: 20,000 products; "
                           "large: 100,000 products and about 1,000,000 order lines")
    demo.set_defaults(command=cmd_demo)


def cmd_migrate(args, settings: Settings) -> int:
    sqlite_file = db.sqlite_path(settings.DATABASE_URL)
    if args.action == "up" and sqlite_file is not None:
        private_folder(sqlite_file.parent)
    with opened(settings):
        try:
            if args.action == "up":
                _report("applied", migrations.upgrade(args.target))
                if not migrations.pending() and figures.recount_if_zone_changed(
                        settings.TIMEZONE):
                    print(f"counted the daily sales figures again in {settings.TIMEZONE}")
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
    for warning in _check_backups(settings) + _check_modes(settings):
        print(f"WARNING  {warning}")
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
        _check_sqlite_library()
        return []
    database = db.Database.from_settings(settings)
    try:
        database.ping()
        with database.bound(), database.connection():
            waiting = migrations.pending()
            version = migrations.schema_version()
    except db.DatabaseUnavailable as exc:
        return [f"database {where}: cannot connect: {exc}"]
    finally:
        database.close()
    print(f"OK       database {where} answers ({database.engine}); "
          f"schema at {version or 'nothing yet'}")
    if sqlite_file is not None:
        _check_sqlite_library()
    if waiting:
        return [f"{len(waiting)} migration(s) pending ({', '.join(waiting)}): "
                "run `tinyapp migrate up` (serve does it at start)"]
    return []


def _check_sqlite_library() -> None:
    """Name the SQLite library in use; warn if it has the WAL-reset bug."""
    warning = db.sqlite_library_warning()
    if warning:
        print(f"WARNING  {warning}")
    else:
        print(f"OK       SQLite library {db.sqlite3.sqlite_version}")


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


def _check_backups(settings: Settings) -> list[str]:
    """Warn about an empty database beside backups with rows, and about jobs' leftovers."""
    from tinyapp.backup import BackupError, find_leftovers, list_backups
    from tinyapp.backup.restore import rows_in

    warnings = []
    try:
        newest = next((info for info in list_backups(settings) if info.manifest), None)
        if newest and newest.manifest.total_rows and not rows_in(settings.DATABASE_URL):
            warnings.append(f"the database is empty, but the backup {newest.name} holds "
                            f"{newest.manifest.total_rows:,} rows: if data was lost, "
                            f"`tinyapp restore {newest.name}` brings it back")
        stopped = [leftover for leftover in find_leftovers(settings) if not leftover.in_use]
    except (BackupError, OSError) as exc:
        return [f"cannot look at the backups: {exc}"]
    if stopped:
        warnings.append(f"{len(stopped)} folder(s) or database(s) left by stopped backup, "
                        "verify or restore jobs (e.g. " + stopped[0].name + "): "
                        "`tinyapp backups --clean` removes them")
    return warnings


def _check_modes(settings: Settings) -> list[str]:
    """Warn about tinyapp's files that other local users can read (they hold secrets)."""
    paths = [settings.DATA_DIR, settings.DATA_DIR / "secret_key", settings.BACKUP_DIR]
    database = db.sqlite_path(settings.DATABASE_URL)
    if database is not None:
        paths += [database, Path(f"{database}-wal"), Path(f"{database}-shm")]
    if settings.BACKUP_DIR.is_dir():
        paths += sorted(settings.BACKUP_DIR.rglob("*"))
    loose = [(path, mode) for path in paths if (mode := too_open(path))]
    if not loose:
        return []
    shown = ", ".join(f"{path} ({mode})" for path, mode in loose[:3])
    more = f" and {len(loose) - 3} more" if len(loose) > 3 else ""
    return [f"readable by other local users: {shown}{more}; they hold password hashes and "
            f"customer data: `chmod -R go-rwx {settings.DATA_DIR} {settings.BACKUP_DIR}`"]


def cmd_shell(args, settings: Settings) -> int:
    import tinyapp.models as models

    namespace = {name: getattr(models, name) for name in models.__all__}
    namespace["db"] = db.database
    script = args.code if args.code is not None else (
        None if sys.stdin.isatty() else sys.stdin.read())
    with opened(settings):
        if script is not None:
            return _run_script(script, namespace)
        banner = (f"tinyapp {__version__} shell on {mask_url(settings.DATABASE_URL)}\n"
                  f"Imported: db, {', '.join(models.__all__)}\n"
                  "Try: Product.select().count()")
        code.interact(banner=banner, local=namespace, exitmsg="")
    return 0


def _run_script(script: str, namespace: dict) -> int:
    """Run a script as python would: its traceback on stderr and exit 1 if it raises."""
    try:
        exec(compile(script, "<shell script>", "exec"), namespace)  # noqa: S102 - the user's own
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except Exception as exc:  # noqa: BLE001 - the user's script: show its error as python does
        traceback.print_exception(exc.with_traceback(exc.__traceback__.tb_next))  # its frames
        return 1
    return 0


def cmd_demo(args, settings: Settings) -> int:
    from tinyapp.demo import load_demo

    started = time.monotonic()
    with connected(settings):
        try:
            counts = load_demo(args.size)
        except KeyboardInterrupt:
            raise Interrupted("interrupted: no demo data was added, the database is as it "
                              "was") from None
    print(f"demo data ({args.size}) loaded in {time.monotonic() - started:.1f} s: "
          + ", ".join(f"{count:,} {name.replace('_', ' ')}" for name, count in counts.items()))
    return 0
