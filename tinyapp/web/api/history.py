"""/api/v1/.../history, /api/v1/history and undo: the change journal, read and reversed."""

from tinyapp.errors import PermissionDenied
from tinyapp.models import Change
from tinyapp.schemas.history import (
    ChangeSchema,
    HistoryQuery,
    JournalQuery,
    StockAsOfQuery,
    StockLevelSchema,
    UndoneSchema,
)
from tinyapp.security import permissions
from tinyapp.services import history
from tinyapp.services.common import get_row
from tinyapp.web.api.endpoint import Endpoint
from tinyapp.web.auth import current_user

# Each record with a history: its path, the journal's name for it, who may read it.
RECORDS = [("products", "product", "catalog:read"), ("categories", "category", "catalog:read"),
           ("customers", "customer", "customers:read"), ("orders", "order", "orders:read"),
           ("users", "user", "users:manage")]
# Who may undo a change of each kind of record.
UNDO_PERMISSION = {"product": "catalog:write", "category": "catalog:write",
                   "customer": "customers:write", "order": "orders:write",
                   "user": "users:manage"}


def _history_of(entity: str):
    def record_history(record_id, query):
        return _with_prev(history.history_of(entity, record_id, query["limit"],
                                             query["cursor"], query["before"]))
    record_history.__name__ = f"{entity}_history"
    record_history.__doc__ = (f"A {entity}'s changes, newest first: who changed which fields "
                              "from what to what, and when.")
    return record_history


def list_changes(query):
    """Every change to anything, newest first (admins), narrowed by record, user, kind or time."""
    return _with_prev(history.journal(**query))


def get_change(change_id):
    """Show one change."""
    return get_row(Change, change_id)


def undo_change(change_id):
    """Undo a change: apply its inverse as a new change (409 names what stands in the way)."""
    change = get_row(Change, change_id)
    needed = UNDO_PERMISSION.get(change.entity)
    role = current_user().role
    if needed and not permissions.allowed(role, needed):
        raise PermissionDenied(permissions.refusal(role, needed))
    return history.undo(change_id)


def stock_as_of(query):
    """The stock of every product at a past time (the sum of its movements until then)."""
    return history.stock_levels_as_of(query["as_of"], query["limit"], query["cursor"])


def _with_prev(page):
    page.extra["prev_cursor"] = page.prev_cursor
    return page


ENDPOINTS = [
    *[Endpoint("GET", f"/api/v1/{path}/<record_id:int>/history", _history_of(entity),
               permission, query=HistoryQuery, response=ChangeSchema, many=True,
               errors=(404,))
      for path, entity, permission in RECORDS],
    Endpoint("GET", "/api/v1/history", list_changes, "journal:read", query=JournalQuery,
             response=ChangeSchema, many=True),
    Endpoint("GET", "/api/v1/history/<change_id:int>", get_change, "journal:read",
             response=ChangeSchema, errors=(404,)),
    Endpoint("POST", "/api/v1/history/<change_id:int>/undo", undo_change, "catalog:write",
             response=UndoneSchema, status=201, errors=(404, 409)),
    Endpoint("GET", "/api/v1/stock-levels", stock_as_of, "catalog:read", query=StockAsOfQuery,
             response=StockLevelSchema, many=True),
]
