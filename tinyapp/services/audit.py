"""Write the audit trail: who did what, to which thing, and when."""

from tinyapp.models import AuditEvent, User


def record(action: str, user: User | None = None, entity: str = "", entity_id="",
           **details) -> AuditEvent:
    """Append one AuditEvent (joins the caller's transaction, if any)."""
    return AuditEvent.create(action=action, user=user, entity=entity,
                             entity_id=str(entity_id or ""), details=details)
