"""History pages: a record's changes, the journal of everything (admins), undo with a diff.

Each record page (product, customer, order, user) shows its latest changes with
``recent_changes``; the full list and the undo confirmation live here.
"""

import bottle
from marshmallow import ValidationError

from tinyapp.errors import AppError, PermissionDenied
from tinyapp.models import Change, User
from tinyapp.schemas.history import ENTITIES, JournalQuery
from tinyapp.security import permissions
from tinyapp.services import history
from tinyapp.services.common import get_row
from tinyapp.web.auth import current_user
from tinyapp.web.pages.forms import flash
from tinyapp.web.pages.lists import list_page
from tinyapp.web.pages.view import page, query_args, redirect

RECENT = 5
# The journal's record names -> their pages, and who may read each.
PAGES = {"product": ("/products", "catalog:read", "products"),
         "category": ("/categories", "catalog:read", "categories"),
         "customer": ("/customers", "customers:read", "customers"),
         "order": ("/orders", "orders:read", "orders"),
         "user": ("/users", "users:manage", "users")}
UNDO_PERMISSION = {"product": "catalog:write", "category": "catalog:write",
                   "customer": "customers:write", "order": "orders:write",
                   "user": "users:manage"}
LONGEST_VALUE = 80  # characters of a value shown in a list before it is cut


def recent_changes(entity: str, record_id: int) -> list[dict]:
    """The latest changes of a record, ready for ``_history.tpl``."""
    changes = list(Change.of(entity, record_id).order_by(Change.id.desc()).limit(RECENT))
    return described(changes)


def described(changes: list[Change]) -> list[dict]:
    """Each change with its fields as lines (before → after) and whether it can be undone."""
    undone = {c.undoes: c.id for c in Change.select(Change.id, Change.undoes).where(
        Change.undoes.in_([c.id for c in changes]))} if changes else {}
    users = {u.id: u for u in User.select().where(
        User.id.in_({c.user_id for c in changes if c.user_id}))} if changes else {}
    return [{"change": c, "user": users.get(c.user_id), "undone_by": undone.get(c.id),
             "lines": [(name, _shown(before), _shown(after))
                       for name, (before, after) in sorted(c.changes.items())],
             "undoable": (c.entity, c.action) in history.UNDO and c.id not in undone
             and _may_undo(c)} for c in changes]


def record_history(entity: str, record_id: int):
    """Every change of one record, newest first, a page at a time."""
    path, _, section = PAGES[entity]
    model = history.RECORDS[entity]
    record = model.get_or_none(model.id == record_id)
    listing = list_page(Change.of(entity, record_id), "-id", f"{path}/{record_id}/history",
                        {}, default_sort="-id")
    name = _name_of(record) if record else f"{entity} {record_id} (deleted)"
    return page("history.tpl", f"History of {name}", section=section, listing=listing,
                changes=described(listing.items), record_link=f"{path}/{record_id}"
                if record else "", filters=None, entities=ENTITIES)


def journal():
    """Every change to anything, newest first, narrowed by record kind, user, kind or time."""
    filters = query_args("entity", "entity_id", "user_id", "action", "since", "until")
    problem, status = "", 200
    try:
        query = JournalQuery().load(filters)
    except ValidationError as exc:
        query, status = {}, 400
        problem = "These filters are not valid, so every change is shown: " + "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in sorted(exc.messages.items()))
    listing = list_page(_journal_query(query), "-id", "/history", filters, default_sort="-id")
    return page("history.tpl", "Journal", section="history", listing=listing,
                changes=described(listing.items), record_link="", filters=filters,
                entities=ENTITIES, users=list(User.select().order_by(User.name)),
                problem=problem, status=status)


def _journal_query(query: dict):
    select = Change.select()
    for name, column in (("entity", Change.entity), ("entity_id", Change.entity_id),
                         ("user_id", Change.user), ("action", Change.action)):
        if query.get(name):
            select = select.where(column == query[name])
    if query.get("since"):
        select = select.where(Change.at >= query["since"])
    if query.get("until"):
        select = select.where(Change.at < query["until"])
    return select


def confirm_undo(change_id: int):
    """Show what undoing a change would set back, and ask."""
    change = get_row(Change, change_id)
    _require_may_undo(change)
    [item] = described([change])
    return page("undo.tpl", f"Undo change {change.id}?", section=_section(change),
                item=item, back=_record_link(change) or "/history")


def undo(change_id: int):
    """Undo a change and go back to its record, saying what happened."""
    change = get_row(Change, change_id)
    _require_may_undo(change)
    try:
        history.undo(change_id)
    except AppError as exc:
        [item] = described([change])
        return page("undo.tpl", f"Undo change {change.id}?", section=_section(change),
                    item=item, back=_record_link(change) or "/history", problem=exc.message,
                    status=409)
    flash(f"Change {change.id} is undone; the undo is in the history too.")
    redirect(_record_link(change) or "/history")


def _may_undo(change: Change) -> bool:
    needed = UNDO_PERMISSION.get(change.entity)
    user = current_user()
    return bool(needed and user and permissions.allowed(user.role, needed))


def _require_may_undo(change: Change) -> None:
    if not _may_undo(change):
        role = current_user().role
        raise PermissionDenied(permissions.refusal(
            role, UNDO_PERMISSION.get(change.entity, "system:manage")))


def _record_link(change: Change) -> str:
    path = PAGES.get(change.entity, ("",))[0]
    return f"{path}/{change.entity_id}" if path and change.entity_id.isdigit() else ""


def _section(change: Change) -> str:
    return PAGES.get(change.entity, ("", "", "history"))[2]


def _name_of(record) -> str:
    return getattr(record, "name", None) or getattr(record, "number", None) or str(record.id)


def _shown(value) -> str:
    """A journalled value as a person reads it: nothing as a dash, long text cut."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):  # an order's lines
        return ", ".join(f"{line.get('quantity')} × product {line.get('product_id')}"
                         if isinstance(line, dict) else str(line) for line in value) or "none"
    text = str(value)
    return text if len(text) <= LONGEST_VALUE else text[:LONGEST_VALUE - 1] + "…"


def install(app: bottle.Bottle) -> None:
    """Add this area's pages to the app."""
    for entity, (path, permission, _) in PAGES.items():
        def show(record_id: int, entity=entity):
            return record_history(entity, record_id)
        show.__name__ = f"{entity}_history"
        app.route(f"{path}/<record_id:int>/history", "GET", show, permission=permission)
    app.route("/history", "GET", journal, permission="journal:read")
    app.route("/history/<change_id:int>/undo", "GET", confirm_undo, permission="catalog:write")
    app.route("/history/<change_id:int>/undo", "POST", undo, permission="catalog:write")
