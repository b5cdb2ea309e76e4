"""The change journal: one row per change of one record, written with the change itself.

The unit of work (tinyapp/unit_of_work.py) writes these rows in the same transaction as
the change, so the journal is complete by construction: a write that commits has its
rows, one that rolls back has none. History, undo, "as of" reads and the audit trail
(sign-ins, backups) all read it. Secrets (password and token hashes) are never in it.
"""

import peewee

from tinyapp.models.accounts import User
from tinyapp.models.base import BaseModel, JSONTextField, UTCDateTimeField, utcnow


class Change(BaseModel):
    """What happened to one record: its fields before and after, who, when, in which request."""

    at = UTCDateTimeField(default=utcnow)
    user = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL", index=False)
    request_id = peewee.CharField(max_length=64, default="")
    entity = peewee.CharField(max_length=30)       # "product", "order", "user", "backup" ...
    entity_id = peewee.CharField(max_length=64)    # the record's id (a backup's name)
    action = peewee.CharField(max_length=30)       # "create", "update", "stock", "place" ...
    changes = JSONTextField(default=dict)          # {field: [before, after]}
    details = JSONTextField(default=dict)          # facts about the event (an address)
    note = peewee.CharField(max_length=300, default="")  # why, in words ("delivery")
    undoes = peewee.IntegerField(null=True)        # the change this one reverses

    class Meta:
        table_name = "change_journal"
        indexes = ((("entity", "entity_id", "id"), False), (("user", "id"), False),
                   (("at", "id"), False))

    @classmethod
    def of(cls, entity: str, entity_id) -> peewee.ModelSelect:
        """Select a record's history (newest first when ordered by id descending)."""
        return cls.select().where(cls.entity == entity, cls.entity_id == str(entity_id))

    def fields(self) -> set[str]:
        return set(self.changes or {})


class CommitReceipt(BaseModel):
    """A row each write transaction on a database server writes, inside itself.

    When the connection drops while the COMMIT is on its way (the server was killed,
    restarted, or ended the session), only the server knows whether it committed.
    The unit of work then waits for the old session to end and looks for the receipt:
    there, the transaction committed; missing, it was rolled back and may run again.
    """

    token = peewee.CharField(max_length=32, primary_key=True)
    created_at = peewee.DateTimeField()  # UTC; receipts older than an hour are deleted

    class Meta:
        table_name = "commit_receipts"
