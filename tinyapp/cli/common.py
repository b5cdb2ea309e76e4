"""What the command modules share: the error users read, and an open, migrated database."""

import contextlib
import getpass
import sys
from collections.abc import Iterator

from marshmallow import ValidationError

from tinyapp import db, migrations
from tinyapp.config import Settings
from tinyapp.errors import AppError
from tinyapp.files import private_folder


class CommandError(Exception):
    """The operation failed in a way the user should read about (exit 1)."""


class Interrupted(CommandError):
    """Ctrl-C stopped the operation; the message says what state it left (exit 130)."""


@contextlib.contextmanager
def opened(settings: Settings) -> Iterator[db.Database]:
    """The command's own database: made, bound, one connection borrowed; closed at the end."""
    database = db.Database.from_settings(settings)
    try:
        with database.bound(), database.connection():
            yield database
    finally:
        database.close()


@contextlib.contextmanager
def connected(settings: Settings) -> Iterator[None]:
    """Open the database for a command (creating a SQLite folder), schema up to date."""
    sqlite_file = db.sqlite_path(settings.DATABASE_URL)
    if sqlite_file is not None:
        private_folder(sqlite_file.parent)
    with opened(settings):
        if migrations.pending():
            migrations.upgrade()
        try:
            yield
        except ValidationError as exc:
            raise CommandError(messages(exc)) from exc
        except AppError as exc:
            raise CommandError(exc.message) from exc


def read_password(from_stdin: bool) -> str:
    """Read a new password from stdin, or from a prompt at a terminal (typed twice).

    Without a terminal (a script, cron) there is nobody to prompt: getpass would read
    standard input anyway, with a warning about echoing, and end in an EOFError.
    """
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    if not sys.stdin.isatty():
        raise CommandError(NO_TERMINAL)
    try:
        password = getpass.getpass("Password: ")
        again = getpass.getpass("Again: ")
    except EOFError:  # Ctrl-D at the prompt
        raise CommandError("no password was typed; nothing changed") from None
    if again != password:
        raise CommandError("the two passwords differ; nothing changed")
    return password


NO_TERMINAL = "no terminal to type a password at: pipe it in with --password-stdin"


def messages(error: ValidationError) -> str:
    """Say what a ValidationError found, in one line."""
    messages = error.messages
    if isinstance(messages, dict):
        return "; ".join(f"{field}: {' '.join(map(str, text))}"
                         for field, text in messages.items())
    return " ".join(map(str, messages))
