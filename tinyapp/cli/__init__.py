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

from tinyapp import __version__, db
from tinyapp.cli import accounts, backups, database
from tinyapp.cli.common import CommandError
from tinyapp.config import SETTINGS, ConfigError, Settings, load_settings
from tinyapp.logs import configure_logging

__all__ = ["CommandError", "build_parser", "main"]


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
    """The command line: global options, every setting as a flag, one subcommand each."""
    settings_flags = argparse.ArgumentParser(add_help=False)
    group = settings_flags.add_argument_group(
        "settings", "each overrides the config file and the TINYAPP_<KEY> environment")
    for setting in SETTINGS:
        group.add_argument(setting.flag, dest=f"setting_{setting.name}", metavar="VALUE",
                           help=f"{setting.help} (default: {setting.default!s}; "
                                f"env {setting.env_name})")
    common = argparse.ArgumentParser(add_help=False, parents=[settings_flags])
    common.add_argument("--debug", action="store_true", help="show tracebacks on errors")

    parser = argparse.ArgumentParser(prog="tinyapp", description="tinyapp: inventory and "
                                     "orders for a small team. Each command takes --help.")
    parser.add_argument("--version", action="version", version=f"tinyapp {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)

    serve = commands.add_parser("serve", parents=[common], help="serve the web app")
    serve.add_argument("--open", action="store_true", help="open a browser (default: no)")
    serve.set_defaults(command=cmd_serve)
    for module in (database, accounts, backups):
        module.add_commands(commands, common)
    return parser


def _setting_flags(args) -> dict[str, str]:
    return {s.name: getattr(args, f"setting_{s.name}", None) for s in SETTINGS}


def cmd_serve(args, settings: Settings) -> int:
    from tinyapp.server import serve

    serve(settings, open_browser=args.open)
    return 0
