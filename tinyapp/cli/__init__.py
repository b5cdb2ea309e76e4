"""The ``tinyapp`` command: a thin layer over importable functions.

Exit codes: 0 done, 1 the operation failed, 2 bad usage or configuration. Errors are
one line on stderr; ``--debug`` adds the traceback. Every setting is also a flag
(``--database-url``, ``--port`` …), the highest layer of configuration. The commands
live by subject: database.py (migrate, check, shell, demo), accounts.py (createuser,
passwd), backups.py (backup, backups, restore, verify); serve is here.
"""

import argparse
import sys
import traceback

import peewee

from tinyapp import __version__, db
from tinyapp.cli import accounts, backups, database
from tinyapp.cli.common import CommandError, Interrupted
from tinyapp.config import SETTINGS, ConfigError, Settings, boolean, load_settings
from tinyapp.logs import configure_logging

__all__ = ["CommandError", "build_parser", "main"]


def main(argv: list[str] | None = None) -> int:
    """Run the tinyapp command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings(_setting_flags(args))
        configure_logging(_log_level(args, settings), settings.LOG_FORMAT)
        return args.command(args, settings) or 0
    except ConfigError as exc:
        return _fail(args, f"configuration error: {exc}", 2)
    except KeyboardInterrupt:
        print("tinyapp: interrupted", file=sys.stderr)
        return 130
    except Interrupted as exc:
        return _fail(args, str(exc), 130)
    except CommandError as exc:
        return _fail(args, str(exc), 1)
    except peewee.ImproperlyConfigured as exc:  # peewee's words for a missing driver
        return _fail(args, missing_driver(exc), 2)
    except Exception as exc:  # noqa: BLE001 - users see one line, --debug shows more
        if db.is_unavailable_error(exc):
            return _fail(args, f"database unavailable: {db.describe_error(exc)}", 1)
        return _fail(args, f"{exc.__class__.__name__}: {db.describe_error(exc)} "
                     "(run again with --debug for the details)", 1)


def missing_driver(exc: Exception) -> str:
    """Turn peewee's "psycopg2 postgres driver not found" into the command that fixes it."""
    extra = "postgres" if "postgres" in str(exc) else "mysql" if "mysql" in str(exc) else None
    if extra is None:
        return f"{exc}"
    driver = {"postgres": "psycopg2", "mysql": "PyMySQL"}[extra]
    return (f"the {driver} driver for DATABASE_URL is not installed: "
            f"pip install -e '.[{extra}]' in a checkout, or pip install 'tinyapp[{extra}]'")


def _fail(args, message: str, code: int) -> int:
    """Print the one line a user reads (and the traceback with --debug); return the code."""
    print(f"tinyapp: error: {message}", file=sys.stderr)
    if getattr(args, "debug", False):
        traceback.print_exc()
    return code


def build_parser() -> argparse.ArgumentParser:
    """The command line: one subcommand each, with the settings that command uses as flags.

    Every setting is also a flag (the highest layer of configuration), but a command's
    --help lists only the ones it reads: all of them for serve and check, the backup
    settings for the backup commands, the data folder, database and logging for all.
    """
    parser = argparse.ArgumentParser(prog="tinyapp", description="tinyapp: inventory and "
                                     "orders for a small team. Each command takes --help.")
    parser.add_argument("--version", action="version", version=f"tinyapp {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    parents = {"common": _settings_parser("all"), "backup": _settings_parser("all", "backup"),
               "server": _settings_parser("all", "backup", "serve")}

    serve = commands.add_parser("serve", parents=[parents["server"]], help="serve the web app",
                                description="Serve tinyapp with waitress until Ctrl+C.")
    serve.add_argument("--open", action="store_true", help="open a browser: the setup link "
                       "while there is no user yet, else the dashboard (default: no)")
    serve.set_defaults(command=cmd_serve)
    for module in (database, accounts, backups):
        module.add_commands(commands, parents)
    return parser


def _settings_parser(*kinds: str) -> argparse.ArgumentParser:
    """A parent parser with the settings of these kinds as flags, and --debug."""
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group(
        "settings", "each overrides the config file and the TINYAPP_<KEY> environment")
    defaults = load_settings(environ={})  # the real defaults, e.g. the data folder's path
    for setting in SETTINGS:
        if setting.commands not in kinds:
            continue
        shown = _default_shown(setting, defaults)
        choices = f" One of {', '.join(setting.choices)}." if setting.choices else ""
        common = {"dest": f"setting_{setting.name}", "default": None,
                  "help": f"{setting.help}{choices} (default: {shown}; env {setting.env_name})"}
        if setting.parse is boolean:
            group.add_argument(setting.flag, action=argparse.BooleanOptionalAction, **common)
        else:
            group.add_argument(setting.flag, metavar=setting.metavar,
                               choices=setting.choices, **common)
    parent.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    return parent


def _default_shown(setting, defaults: Settings) -> str:
    value = getattr(defaults, setting.name)
    if setting.secret and setting.name == "SECRET_KEY":
        return "made into DATA_DIR/secret_key"
    if isinstance(value, bool):
        return "on" if value else "off"
    if value is None or value == "":
        return "none"
    return str(value).replace("%", "%%")  # argparse formats help with %


def _log_level(args, settings: Settings) -> str:
    """serve logs at LOG_LEVEL; other commands print what they did, and log only warnings
    unless LOG_LEVEL was set (else every line would appear twice: printed and logged)."""
    if args.command is cmd_serve or settings.source("LOG_LEVEL") != "default":
        return settings.LOG_LEVEL
    return "warning"


def _setting_flags(args) -> dict[str, str]:
    return {s.name: getattr(args, f"setting_{s.name}", None) for s in SETTINGS}


def cmd_serve(args, settings: Settings) -> int:
    from tinyapp.server import ServeError, serve

    try:
        serve(settings, open_browser=args.open)
    except ServeError as exc:
        raise CommandError(str(exc)) from None
    return 0
