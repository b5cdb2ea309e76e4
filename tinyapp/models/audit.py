"""A permanent record of who did what: logins, role changes, deletions, backups."""

import peewee

from tinyapp.models.accounts import User
from tinyapp.models.base import BaseModel, JSONTextField, UTCDateTimeField, utcnow


class AuditEvent(BaseModel):
    at = UTCDateTimeField(default=utcnow, index=True)
    user = peewee.ForeignKeyField(User, null=True, backref="audit_events",
                                  on_delete="SET NULL")
    action = peewee.CharField(max_length=50, index=True)
    entity = peewee.CharField(max_length=50, default="")
    entity_id = peewee.CharField(max_length=50, default="")
    details = JSONTextField(default=dict)

    class Meta:
        table_name = "audit_events"
