"""History, undo and "as of": the change journal read back.

Every write journals what it changed (tinyapp/unit_of_work.py), so a record's history
is a query on ``change_journal``, newest first. Undo never rewrites that history: it
applies the inverse of one change as a new change (``undoes`` pointing back), through
the same service functions a person would use, so every rule still holds (a SKU stays
unique, stock never goes below zero, the last admin stays an admin). It refuses (409,
naming the change in the way) when a later change touched the same fields, and for
changes that have their own way back (a placed order is cancelled, not undone).
"""

import datetime as dt
from decimal import Decimal

import peewee

from tinyapp import db
from tinyapp.errors import Conflict, NotFound
from tinyapp.models import (
    Category,
    Change,
    Customer,
    Order,
    Product,
    StockMovement,
    User,
)
from tinyapp.pagination import Page, paginate
from tinyapp.services import accounts, catalog, customers, orders, stock
from tinyapp.services.common import get_row
from tinyapp.unit_of_work import BOOKKEEPING, Work, current_work, unit_of_work

# The journal's entity names of the records that have a history page.
RECORDS = {"product": Product, "customer": Customer, "order": Order,
           "category": Category, "user": User}
# Foreign keys as the journal names them -> as the services take them.
SERVICE_NAMES = {"category": "category_id", "customer": "customer_id"}


# -- reading --

def history_of(entity: str, record_id: int, limit: int, cursor=None, before=None) -> Page:
    """One record's changes, newest first (404 if it never existed and has no history)."""
    changes = Change.of(entity, record_id)
    model = RECORDS[entity]
    if not model.select().where(model.id == record_id).exists() and not changes.exists():
        raise NotFound(f"No {entity} with id {record_id}.")
    return paginate(changes, "-id", limit, cursor, before)


def journal(limit: int, cursor=None, before=None, entity: str | None = None,
            entity_id: str | None = None, user_id: int | None = None,
            action: str | None = None, since: dt.datetime | None = None,
            until: dt.datetime | None = None) -> Page:
    """Every change, newest first, narrowed by what, whose, which kind and when (admins)."""
    query = Change.select()
    if entity:
        query = query.where(Change.entity == entity)
    if entity_id:
        query = query.where(Change.entity_id == entity_id)
    if user_id:
        query = query.where(Change.user == user_id)
    if action:
        query = query.where(Change.action == action)
    if since:
        query = query.where(Change.at >= since)
    if until:
        query = query.where(Change.at < until)
    return paginate(query, "-id", limit, cursor, before)


def product_as_of(product_id: int, moment: dt.datetime) -> Product:
    """A product as it was at moment: today's row, with every later change taken back.

    Stock comes from the ledger (the sum of the movements until then), the other
    fields from the journal. A product created after moment did not exist then (404).
    The row returned is for reading only: it is never saved.
    """
    product = Product.with_category(product_id)
    if product is None:
        raise NotFound(f"No product with id {product_id}.")
    if product.created_at > moment:
        raise NotFound(f"Product {product_id} did not exist yet at {moment.isoformat()}.")
    later = Change.of("product", product_id).where(Change.at > moment).order_by(Change.id.desc())
    for change in later:
        for name, (before, _after) in change.changes.items():
            field = Product._meta.fields.get(name)
            if field is not None and name != "stock":
                setattr(product, name, _python_value(field, before))
    product.stock = stock_at(moment, [product_id]).get(product_id, 0)
    return product


def _python_value(field: peewee.Field, value):
    """A journalled (JSON) value back as the field's Python value."""
    if value is None or isinstance(field, peewee.ForeignKeyField):
        return value
    if isinstance(field, peewee.DateTimeField):
        return dt.datetime.fromisoformat(value)
    if isinstance(field, peewee.DecimalField):
        return Decimal(value)
    return value


def stock_at(moment: dt.datetime, product_ids: list[int] | None = None) -> dict[int, int]:
    """Each product's stock at moment: the sum of its movements until then (the ledger)."""
    query = (StockMovement.select(StockMovement.product, peewee.fn.SUM(StockMovement.delta))
             .where(StockMovement.created_at <= moment).group_by(StockMovement.product))
    if product_ids is not None:
        query = query.where(StockMovement.product.in_(product_ids))
    return {product_id: int(total) for product_id, total in query.tuples()}


def stock_levels_as_of(moment: dt.datetime, limit: int, cursor=None) -> Page:
    """Every product that existed at moment, by id, with its stock then."""
    page = paginate(Product.select().where(Product.created_at <= moment), "id", limit, cursor)
    levels = stock_at(moment, [p.id for p in page.items])
    page.items = [{"product_id": p.id, "sku": p.sku, "name": p.name,
                   "stock": levels.get(p.id, 0)} for p in page.items]
    page.extra = {"as_of": moment.isoformat()}
    return page


# -- undo --

NO_UNDO = {
    ("order", "place"): "An order that was placed is cancelled, not undone: "
                        "POST /api/v1/orders/{id}/cancel puts its stock back.",
    ("order", "fulfil"): "A fulfilled order stays fulfilled; record goods that came back "
                         "with a stock adjustment (POST /api/v1/stock-adjustments).",
    ("order", "cancel"): "A cancelled order stays cancelled; place a new order instead "
                         "(POST /api/v1/orders).",
    ("order", "delete"): "A deleted draft is gone; start a new order (POST /api/v1/orders).",
    ("product", "create"): "A product is never deleted; archive it instead "
                           "(DELETE /api/v1/products/{id}).",
    ("customer", "create"): "A customer is never deleted; archive them instead "
                            "(DELETE /api/v1/customers/{id}).",
    ("category", "delete"): "A deleted category is gone; create it again "
                            "(POST /api/v1/categories).",
}


@unit_of_work
def undo(work: Work, change_id: int) -> dict:
    """Apply the inverse of one change as a new change; say which entries it made."""
    change = db.locking(Change.select().where(Change.id == change_id)).first()
    if change is None:
        raise NotFound(f"No change with id {change_id}.")
    done = Change.get_or_none(Change.undoes == change.id)
    if done is not None:
        raise Conflict(f"Change {change.id} was undone already, by change {done.id}.",
                       change_id=done.id)
    undo_one = UNDO.get((change.entity, change.action))
    if undo_one is None:
        reason = NO_UNDO.get((change.entity, change.action),
                             f"A {change.entity} {change.action} cannot be undone.")
        raise Conflict(reason.replace("{id}", change.entity_id), change_id=change.id)
    first = len(work.records)
    undo_one(change)
    made = work.records[first:]
    if not made:
        raise Conflict(f"Change {change.id} changed nothing that is still there to undo.",
                       change_id=change.id)
    for record in made:
        record.undoes = change.id
        record.note = f"undo of change {change.id}"
    return {"undone": change.id, "changes": [
        {"entity": r.entity, "entity_id": r.entity_id, "action": r.action,
         "changes": r.changes} for r in made]}


def _require_no_later_change(change: Change) -> None:
    """Refuse to undo a change when a later one touched any of the same fields."""
    fields = change.fields() - BOOKKEEPING
    for later in Change.of(change.entity, change.entity_id).where(Change.id > change.id) \
            .order_by(Change.id):
        touched = fields & later.fields()
        if touched:
            raise Conflict(f"Change {later.id} ({later.action}, {later.at:%Y-%m-%d %H:%M} "
                           f"UTC) changed {', '.join(sorted(touched))} after it; undo that "
                           f"one first.", change_id=later.id, fields=sorted(touched))


def _before_values(change: Change) -> dict:
    """The fields a change changed, as they were before it, named as the services take them."""
    return {SERVICE_NAMES.get(name, name): before
            for name, (before, _after) in change.changes.items() if name not in BOOKKEEPING}


def _undo_product_update(change: Change) -> None:
    _require_no_later_change(change)
    product = get_row(Product, int(change.entity_id))
    catalog.update_product(product.id, _before_values(change), product.version)


def _undo_customer_update(change: Change) -> None:
    _require_no_later_change(change)
    customer = get_row(Customer, int(change.entity_id))
    customers.update_customer(customer.id, _before_values(change), customer.version)


def _undo_category_update(change: Change) -> None:
    _require_no_later_change(change)
    catalog.rename_category(int(change.entity_id), _before_values(change)["name"])


def _undo_category_create(change: Change) -> None:
    _require_no_later_change(change)
    catalog.delete_category(int(change.entity_id))


def _undo_user_update(change: Change) -> None:
    _require_no_later_change(change)
    values = {k: v for k, v in _before_values(change).items()
              if k in ("name", "role", "is_active")}
    if not values:
        raise Conflict(f"Change {change.id} changed nothing an undo can restore.",
                       change_id=change.id)
    accounts.update_user(int(change.entity_id), values, actor=current_work().user)


def _undo_archive(change: Change) -> None:
    _require_no_later_change(change)
    record_id = int(change.entity_id)
    {"product": catalog.restore_product, "customer": customers.restore_customer}[
        change.entity](record_id)


def _undo_restore(change: Change) -> None:
    _require_no_later_change(change)
    record_id = int(change.entity_id)
    {"product": catalog.archive_product, "customer": customers.archive_customer}[
        change.entity](record_id)


def _undo_stock(change: Change) -> None:
    """Reverse a stock change with a counter-movement (the ledger keeps both)."""
    if change.details.get("order_id"):
        raise Conflict(f"This stock moved with order {change.details['order_id']}; cancel "
                       "the order instead (POST /api/v1/orders/"
                       f"{change.details['order_id']}/cancel).", change_id=change.id)
    before, after = change.changes["stock"]
    stock.adjust_stock(int(change.entity_id), before - after, f"undo of change {change.id}")


def _undo_order_create(change: Change) -> None:
    order = get_row(Order, int(change.entity_id))
    if order.status != "draft":
        raise Conflict(f"Order {order.number} is {order.status}; only a draft can be taken "
                       "back.", change_id=change.id)
    orders.delete_order(order.id)


def _undo_order_update(change: Change) -> None:
    _require_no_later_change(change)
    order = get_row(Order, int(change.entity_id))
    values = _before_values(change)
    if "lines" in values:
        values["lines"] = [{"product_id": line["product_id"], "quantity": line["quantity"]}
                           for line in values["lines"]]
    values = {k: v for k, v in values.items() if k in ("customer_id", "notes", "lines")}
    orders.update_order(order.id, values, order.version)


UNDO = {
    ("product", "update"): _undo_product_update,
    ("product", "archive"): _undo_archive,
    ("product", "restore"): _undo_restore,
    ("product", "stock"): _undo_stock,
    ("customer", "update"): _undo_customer_update,
    ("customer", "archive"): _undo_archive,
    ("customer", "restore"): _undo_restore,
    ("category", "update"): _undo_category_update,
    ("category", "create"): _undo_category_create,
    ("user", "update"): _undo_user_update,
    ("order", "create"): _undo_order_create,
    ("order", "update"): _undo_order_update,
}
