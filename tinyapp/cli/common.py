"""What the command modules share: the error users read, and an open, migrated database."""

import contextlib
import getpass
import sys
from collections.abc import Iterator

from marshmallow import ValidationError

from tinyapp import db, migrations
from tinyapp.config import Settings
from tinyapp.errors import AppError


class CommandError(Exception):
    """The operation failed in a way the user should read about (exit 1)."""


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
            raise CommandError(messages(exc)) from exc
        except AppError as exc:
            raise CommandError(exc.message) from exc


def read_password(from_stdin: bool) -> str:
    """Read a new password from stdin, or from a prompt (typed twice)."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    password = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != password:
        raise CommandError("the two passwords differ; nothing changed")
    return password


def messages(error: ValidationError) -> str:
    """Say what a ValidationError found, in one line."""
    messages = error.messages
    if isinstance(messages, dict):
        return "; ".join(f"{field}: {' '.join(map(str, text))}"
                         for field, text in messages.items())
    return " ".join(map(str, messages))
