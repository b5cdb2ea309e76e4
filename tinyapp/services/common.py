"""What every service shares: fetch or 404, insert or 409, change if the version is current.

The helpers that write take the unit of work and record what they did on it, so a
service that uses them has its changes in the journal without a line of its own.
"""

import peewee

from tinyapp import prepared
from tinyapp.errors import Conflict, NotFound
from tinyapp.unit_of_work import Work, values_of


class StaleVersion(Conflict):
    """Someone changed the row since it was read; ``details['current_version']`` says to what."""


def get_row(model: type[peewee.Model], row_id: int, fetch=None):
    """Fetch a row by id or raise NotFound naming the kind of row.

    ``fetch(row_id)`` reads it another way (an order with its customer joined).
    """
    row = fetch(row_id) if fetch is not None else prepared.get_by_id(model, row_id)
    if row is None:
        raise NotFound(f"No {model.__name__.lower()} with id {row_id}.")
    return row


def insert_row(work: Work, model: type[peewee.Model], note: str = "", **values):
    """Insert a row and journal it; a unique value lost to a concurrent insert is a Conflict."""
    try:
        with model._meta.database.atomic():  # a savepoint: the outer transaction survives
            row = model.create(**values)
    except peewee.IntegrityError:
        raise Conflict(f"This {model.__name__.lower()} clashes with an existing one "
                       "(a unique value is already taken).") from None
    work.created(row, note=note)
    return row


def update_versioned(work: Work, model: type[peewee.Model], row_id: int, changes: dict,
                     version: int, action: str = "update", **computed):
    """Change a row if ``version`` is still its version (else StaleVersion); journal what changed.

    ``changes`` are plain values; ``computed`` are SQL expressions for other columns
    (``needs_reorder=Product.stock <= 5``). One conditional UPDATE: no read-then-write.
    """
    before = get_row(model, row_id)
    values = {getattr(model, name): value for name, value in {**changes, **computed}.items()}
    values[model.version] = model.version + 1
    changed = model.update(values).where(model.id == row_id, model.version == version).execute()
    if not changed:
        raise stale_or_missing(model, row_id, version)
    after = model.get_by_id(row_id)
    work.changed(before, after, action)
    return after


def update_row(work: Work, row: peewee.Model, action: str = "update", note: str = "",
               **changes):
    """Set some fields of a row that was just read (inside this unit), and journal them."""
    if not changes:
        return row  # nothing asked to change: no UPDATE, no journal entry
    before = values_of(row)
    row.__class__.update(changes).where(row.__class__.id == row.id).execute()
    for name, value in changes.items():
        setattr(row, name, value)
    work.updated(row, before, {name: getattr(row, name) for name in changes}, action,
                 note=note)
    return row


def stale_or_missing(model: type[peewee.Model], row_id: int, version: int) -> Exception:
    current = model.select(model.version).where(model.id == row_id).scalar()
    if current is None:
        return NotFound(f"No {model.__name__.lower()} with id {row_id}.")
    return StaleVersion(f"This {model.__name__.lower()} was changed by someone else "
                        f"(you had version {version}, it is now {current}). Reload it and "
                        "apply your change again.", current_version=current)
