"""Small helpers every service uses: fetch or 404, insert or 409, stale version or 404."""

import peewee

from tinyapp.errors import Conflict, NotFound


class StaleVersion(Conflict):
    """Someone changed the row since it was read; ``details['current_version']`` says to what."""


def get_row(model: type[peewee.Model], row_id: int):
    """Fetch a row by id or raise NotFound naming the kind of row."""
    row = model.get_or_none(model.id == row_id)
    if row is None:
        raise NotFound(f"No {model.__name__.lower()} with id {row_id}.")
    return row


def insert_row(model: type[peewee.Model], **values):
    """Insert a row; a unique constraint lost to a concurrent insert becomes a Conflict."""
    try:
        with model._meta.database.atomic():  # a savepoint: the outer transaction survives
            return model.create(**values)
    except peewee.IntegrityError:
        raise Conflict(f"This {model.__name__.lower()} clashes with an existing one "
                       "(a unique value is already taken).") from None


def stale_or_missing(model: type[peewee.Model], row_id: int, version: int) -> Exception:
    current = model.select(model.version).where(model.id == row_id).scalar()
    if current is None:
        return NotFound(f"No {model.__name__.lower()} with id {row_id}.")
    return StaleVersion(f"This {model.__name__.lower()} was changed by someone else "
                        f"(you had version {version}, it is now {current}). Reload it and "
                        "apply your change again.", current_version=current)
