"""The commands about the database itself: migrate, check, shell, demo."""

import code
import os
import time

from tinyapp import __version__, db, migrations
from tinyapp.cli.common import CommandError, connected
from tinyapp.config import Settings, mask_url


def add_commands(commands, common) -> None:
    """Declare this module's commands and their options."""
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


def cmd_demo(args, settings: Settings) -> int:
    from tinyapp.demo import load_demo

    started = time.monotonic()
    with connected(settings):
        counts = load_demo(args.size)
    print(f"demo data ({args.size}) loaded in {time.monotonic() - started:.1f} s: "
          + ", ".join(f"{count:,} {name.replace('_', ' ')}" for name, count in counts.items()))
    return 0
