"""The change journal replaces the audit trail; webhooks get their outbox.

Creates ``change_journal`` (see tinyapp/models/journal.py), ``webhooks``, ``outbox`` and
``webhook_deliveries`` (tinyapp/models/webhooks.py), moves every row of ``audit_events``
into the journal (its details kept as details), and drops ``audit_events``.
"""

import json

import peewee

# Old audit actions whose verb is not simply "<entity>.<verb>".
LEGACY_VERBS = {"login.failed": "login_failed", "token.create": "create",
                "token.revoke": "revoke", "products.import": "import"}


def _models(db):
    class Base(peewee.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Users(Base):
        class Meta:
            table_name = "users"

    class Change(Base):
        at = peewee.DateTimeField()
        user = peewee.ForeignKeyField(Users, null=True, on_delete="SET NULL", index=False)
        request_id = peewee.CharField(max_length=64, default="")
        entity = peewee.CharField(max_length=30)
        entity_id = peewee.CharField(max_length=64)
        action = peewee.CharField(max_length=30)
        changes = peewee.TextField(default="{}")
        details = peewee.TextField(default="{}")
        note = peewee.CharField(max_length=300, default="")
        undoes = peewee.IntegerField(null=True)

        class Meta:
            table_name = "change_journal"
            indexes = ((("entity", "entity_id", "id"), False), (("user", "id"), False),
                       (("at", "id"), False))

    class Webhook(Base):
        url = peewee.CharField(max_length=500)
        events = peewee.TextField(default="[]")
        secret = peewee.CharField(max_length=100)
        is_active = peewee.BooleanField(default=True)
        created_at = peewee.DateTimeField()

        class Meta:
            table_name = "webhooks"

    class OutboxEvent(Base):
        at = peewee.DateTimeField()
        event = peewee.CharField(max_length=40)
        entity = peewee.CharField(max_length=30)
        entity_id = peewee.CharField(max_length=64)
        body = peewee.TextField()

        class Meta:
            table_name = "outbox"

    class Delivery(Base):
        webhook = peewee.ForeignKeyField(Webhook, on_delete="CASCADE", index=False)
        event = peewee.ForeignKeyField(OutboxEvent, on_delete="CASCADE")
        record_key = peewee.CharField(max_length=100)
        delivered_at = peewee.DateTimeField(null=True)
        attempts = peewee.IntegerField(default=0)
        next_attempt_at = peewee.DateTimeField()
        claimed_until = peewee.DateTimeField(null=True)
        last_status = peewee.IntegerField(null=True)
        last_error = peewee.CharField(max_length=300, default="")

        class Meta:
            table_name = "webhook_deliveries"
            indexes = ((("delivered_at", "next_attempt_at"), False),
                       (("webhook", "record_key", "id"), False))

    class AuditEvent(Base):
        at = peewee.DateTimeField(index=True)
        user = peewee.ForeignKeyField(Users, null=True, on_delete="SET NULL")
        action = peewee.CharField(max_length=50, index=True)
        entity = peewee.CharField(max_length=50, default="")
        entity_id = peewee.CharField(max_length=50, default="")
        details = peewee.TextField(default="{}")

        class Meta:
            table_name = "audit_events"

    return Change, [Webhook, OutboxEvent, Delivery], AuditEvent


def _verb(action: str, entity: str) -> str:
    if action in LEGACY_VERBS:
        return LEGACY_VERBS[action]
    prefix = f"{entity}."
    return action[len(prefix):] if action.startswith(prefix) else action.replace(".", "_")


def up(migrator, db):
    change, outbox, audit = _models(db)
    db.create_tables([change, *outbox])
    rows = audit.select(audit.at, audit.user, audit.action, audit.entity, audit.entity_id,
                        audit.details).order_by(audit.id).tuples()
    batch = []
    for at, user, action, entity, entity_id, details in rows:
        entity = entity or action.split(".")[0]
        batch.append({"at": at, "user": user, "entity": entity[:30],
                      "entity_id": entity_id or "", "action": _verb(action, entity)[:30],
                      "details": details or "{}"})
        if len(batch) == 500:
            change.insert_many(batch).execute()
            batch = []
    if batch:
        change.insert_many(batch).execute()
    db.drop_tables([audit])


def down(migrator, db):
    change, outbox, audit = _models(db)
    db.create_tables([audit])
    for at, user, action, entity, entity_id, details in change.select(
            change.at, change.user, change.action, change.entity, change.entity_id,
            change.details).order_by(change.id).tuples():
        audit.create(at=at, user=user, action=f"{entity}.{action}"[:50], entity=entity,
                     entity_id=entity_id[:50], details=details or json.dumps({}))
    db.drop_tables([*reversed(outbox), change])
