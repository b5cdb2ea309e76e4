"""Orders, from draft to placed to fulfilled (or cancelled): where an order is placed.

Every state change is a conditional UPDATE on ``status`` (``WHERE status = 'draft'``):
if two requests place or cancel the same order at once, exactly one changes it and the
other gets a Conflict. Placing takes stock for all lines in one transaction, or none.
"""

import secrets

import peewee
from marshmallow import ValidationError

from tinyapp import bulk
from tinyapp.db import current_engine
from tinyapp.errors import Conflict
from tinyapp.models import (
    Customer,
    DailySales,
    Order,
    OrderLine,
    Product,
    ProductDailySales,
    SearchDocument,
    business_day,
    utcnow,
)
from tinyapp.models.base import MAX_MONEY
from tinyapp.prepared import Prepared, as_model, get_by_id
from tinyapp.schemas.common import UnknownReference
from tinyapp.services import search, stock
from tinyapp.services.common import get_row, stale_or_missing
from tinyapp.unit_of_work import Work, plain, unit_of_work, values_of


@unit_of_work
def create_order(work: Work, data: dict) -> Order:
    """Start a draft order for a customer with its lines, priced at today's prices.

    Returns the order as stored, with its customer and its lines and their products:
    everything an answer shows is known here, so nothing is read again for it.
    """
    customer = _active_customer(data["customer_id"])
    products = _products_for(data["lines"])
    lines = _priced(data["lines"], products)
    row = {"number": f"tmp-{secrets.token_hex(8)}", "customer": customer.id,
           "status": "draft", "notes": data.get("notes", ""),
           "created_by": getattr(work.user, "id", None), "created_at": utcnow(),
           "version": 1, "total": _total_of(lines)}
    order = as_model(Order, {**row, "id": bulk.insert_one(Order, row)})
    order.number = f"SO-{order.id:06d}"  # a readable number needs the id: set it second
    _RENUMBER.execute(order_id=order.id, number=order.number)
    order.customer = customer
    order.lines = _insert_lines(order.id, lines, products)
    search.note_new_order(work, order.id)  # found by number and customer from then
    work.created(order).changes["lines"] = [None, _journalled(lines)]
    return order


def listing(**filters) -> peewee.ModelSelect:
    """Select orders as the order list filters them (Order.listing's filters).

    A search first writes the search entries of orders still due
    (tinyapp/services/search.py): it finds every order there is.
    """
    if filters.get("search"):
        search.write_due()
    return Order.listing(**filters)


@unit_of_work
def update_order(work: Work, order_id: int, changes: dict, version: int) -> Order:
    """Change a draft order's customer, notes or lines (new lines replace the old)."""
    order = get_row(Order, order_id)
    _require_status(order, "draft", "changed")
    before = {**values_of(order), "lines": _lines_of(order_id)}
    values = {Order.version: Order.version + 1}
    if "customer_id" in changes:
        values[Order.customer] = _active_customer(changes["customer_id"])
        search.note_changed(work, Order.select(Order.id).where(Order.id == order_id))
    if "notes" in changes:
        values[Order.notes] = changes["notes"]
    if "lines" in changes:
        products = _products_for(changes["lines"])
        lines = _priced(changes["lines"], products)
        values[Order.total] = _total_of(lines)
        OrderLine.delete().where(OrderLine.order == order).execute()
        _insert_lines(order_id, lines, products)
    changed = (Order.update(values)
               .where(Order.id == order_id, Order.version == version,
                      Order.status == "draft").execute())
    if not changed:
        raise stale_or_missing(Order, order_id, version)
    order = Order.get_by_id(order_id)
    work.updated(order, before, {**values_of(order), "lines": _lines_of(order_id)})
    return order


@unit_of_work
def delete_order(work: Work, order_id: int) -> None:
    """Delete a draft order; orders that were placed stay (cancel them instead)."""
    order = get_row(Order, order_id)
    lines = _lines_of(order_id)
    deleted = Order.delete().where(Order.id == order_id, Order.status == "draft").execute()
    if not deleted:
        raise Conflict(f"Order {order.number} is {order.status}; only drafts can be "
                       "deleted. Cancel it instead.")
    SearchDocument.forget("order", order_id)
    work.deleted(order).changes["lines"] = [lines, None]


@unit_of_work
def place_order(work: Work, order_id: int) -> Order:
    """Take the stock for every line and capture today's prices, or change nothing.

    Raises OutOfStock naming the first product that is short; the whole unit of work
    (status, stock of the other lines, movements) is then rolled back. Returns the
    order as placed, with its customer and lines and their products, as create_order.
    """
    order = _transition(work, order_id, "draft", "placed", placed_at=utcnow())
    placing = work.records[-1]  # the journal entry of this placement
    # Take stock in product-id order, so two orders sharing products cannot deadlock.
    lines = _lines_in_product_order(order_id)
    products = stock.move(work, [(line.product_id, -line.quantity) for line in lines],
                          f"order {order.number} placed", order=order, active_only=True)
    for line in lines:  # today's prices become the order's prices
        if line.unit_price != products[line.product_id].price:
            line.unit_price = products[line.product_id].price
            line.save()
    total = sum(line.unit_price * line.quantity for line in lines)
    if total > MAX_MONEY:
        raise Conflict(f"At today's prices order {order.number} would total {total}; "
                       f"an order may total at most {MAX_MONEY}. Split it.", field="total")
    if total != order.total:
        Order.update(total=total).where(Order.id == order_id).execute()
        placing.changes["total"] = [plain(order.total), plain(total)]
        order.total = total
    _count_sales(order, lines, products, +1)
    for line in lines:
        line.product = products[line.product_id]
    order.lines = sorted(lines, key=lambda line: line.id)  # as Order.with_lines has them
    return order


@unit_of_work
def save_and_place(work: Work, order_id: int, changes: dict, version: int) -> Order:
    """Save a draft's last edits and place it, in one unit of work: both happen, or neither.

    This is the draft page's "Place order": what is typed counts. When a line is short,
    OutOfStock names it and the draft stays as it was before this call.
    """
    update_order(order_id, changes, version)
    return place_order(order_id)


@unit_of_work
def fulfill_order(work: Work, order_id: int) -> Order:
    """Mark a placed order as delivered."""
    return _transition(work, order_id, "placed", "fulfilled", closed_at=utcnow())


@unit_of_work
def cancel_order(work: Work, order_id: int) -> Order:
    """Cancel a draft or placed order; a placed order's stock goes back on the shelf."""
    order = get_row(Order, order_id)
    was = order.status
    if was not in ("draft", "placed"):
        _refuse(order, "cancelled")
    order = _transition(work, order_id, was, "cancelled", closed_at=utcnow())
    if was == "placed":
        lines = _lines_in_product_order(order_id)
        products = stock.move(work, [(line.product_id, line.quantity) for line in lines],
                              f"order {order.number} cancelled", order=order)
        _count_sales(order, lines, products, -1)
    return order


# -- helpers --

def _lines_of(order_id: int) -> list[dict]:
    """An order's lines as the journal keeps them: product, quantity, unit price."""
    return [{"product_id": line.product_id, "quantity": line.quantity,
             "unit_price": plain(line.unit_price)} for line in _lines_in_product_order(order_id)]


_LINES = Prepared(lambda order_id: OrderLine.select().where(OrderLine.order == order_id)
                  .order_by(OrderLine.product).dicts())


def _lines_in_product_order(order_id: int) -> list[OrderLine]:
    """An order's lines, by product id: the order in which stock is taken (no deadlock)."""
    return [as_model(OrderLine, row) for row in _LINES.rows(order_id=order_id)]


def _count_sales(order: Order, lines: list[OrderLine], products: dict[int, Product],
                 sign: int) -> None:
    """Add (+1) or take back (-1) an order in the per-day sales figures.

    Runs in the order's transaction, so the figures change exactly when the order does.
    The day's row, which every order of the day updates, comes first: its row lock
    queues the day's orders one after the other through the product rows. Without
    it, the first orders of a day, creating new (day, product) rows side by side at
    the end of the index, deadlock on MariaDB's gap locks, again and again. The
    products' rows follow in one statement, in product-id order (as ``lines`` are).
    """
    day = business_day(order.placed_at)  # the shop's day (TIMEZONE), not UTC's
    _ADD_TO_DAY.execute(day=day, orders=sign, amount=sign * order.total)
    _ADD_TO_PRODUCT_DAYS.execute(
        day=day, products=[line.product_id for line in lines],
        categories=[products[line.product_id].category_id for line in lines],
        quantities=[sign * line.quantity for line in lines],
        amounts=[sign * line.unit_price * line.quantity for line in lines])


def _add_up(model, key: list[str], rows: list[dict], amounts: list[str]) -> peewee.Insert:
    """The upsert that adds each row's amounts to the figures row with its key (made on
    first use).

    One upsert (INSERT ... ON CONFLICT / ON DUPLICATE KEY UPDATE) for all the rows: the
    first orders of a day race to create a row, and the engine settles the race
    itself. An UPDATE, then an INSERT in a savepoint, deadlocked on MariaDB's gap locks.
    A row that exists gets the amounts it was to be created with added to it: they are
    named ``EXCLUDED.amount`` on PostgreSQL and SQLite, ``VALUES(amount)`` on MySQL.
    The rows' values are slots (tinyapp/prepared.py): built and compiled once per
    number of rows, run for every order.
    """
    mysql = current_engine() == "mysql"
    proposed = peewee.fn.VALUES if mysql else (
        lambda field: getattr(peewee.EXCLUDED, field.column_name))
    add = {getattr(model, name): getattr(model, name) + proposed(getattr(model, name))
           for name in amounts}
    target = {} if mysql else {  # MySQL: any unique key conflicts
        "conflict_target": [getattr(model, name) for name in key]}
    stored = [{name: value.stored_in(getattr(model, name)) for name, value in row.items()}
              for row in rows]
    return model.insert_many(stored).on_conflict(update=add, **target)


_ADD_TO_DAY = Prepared(lambda day, orders, amount: _add_up(
    DailySales, ["day"], [{"day": day, "orders": orders, "amount": amount}],
    ["orders", "amount"]))
_ADD_TO_PRODUCT_DAYS = Prepared(
    lambda day, products, categories, quantities, amounts: _add_up(
        ProductDailySales, ["day", "product"],
        [{"day": day, "product": product, "category": category, "quantity": quantity,
          "amount": amount}
         for product, category, quantity, amount
         in zip(products, categories, quantities, amounts, strict=True)],
        ["quantity", "amount"]))


VERB = {"placed": "place", "fulfilled": "fulfil", "cancelled": "cancel"}


def _transition(work: Work, order_id: int, from_status: str, to_status: str,
                **values) -> Order:
    """Move an order from one status to the next, or raise if it is not in from_status.

    ``values`` is the moment it happened: ``placed_at`` or ``closed_at``.
    """
    (stamp, at), = values.items()
    changed = _CHANGE_STATUS[stamp].execute(order_id=order_id, from_status=from_status,
                                            to_status=to_status, at=at)
    order = get_row(Order, order_id, fetch=Order.with_customer)
    if not changed:
        _refuse(order, to_status)
    work.record("order", order_id, VERB[to_status], {
        "status": [from_status, to_status], stamp: [None, plain(at)]})
    return order


def _status_change(stamp: peewee.Field) -> Prepared:
    """The conditional UPDATE that moves an order on, noting when (the stamp field)."""
    return Prepared(lambda order_id, from_status, to_status, at: Order.update({
        Order.status: to_status.stored_in(Order.status), Order.version: Order.version + 1,
        stamp: at.stored_in(stamp)}).where(Order.id == order_id, Order.status == from_status))


_CHANGE_STATUS = {"placed_at": _status_change(Order.placed_at),
                  "closed_at": _status_change(Order.closed_at)}


def _refuse(order: Order, to_status: str):
    raise Conflict(f"Order {order.number} is {order.status} and cannot be {to_status}.",
                   order_status=order.status)


def _require_status(order: Order, status: str, verb: str) -> None:
    if order.status != status:
        raise Conflict(f"Order {order.number} is {order.status}; only a {status} order "
                       f"can be {verb}.", order_status=order.status)


def _active_customer(customer_id: int) -> Customer:
    customer = get_by_id(Customer, customer_id)
    if customer is None or not customer.is_active:
        raise UnknownReference({"customer_id": [f"No active customer with id {customer_id}."]})
    return customer


_PRODUCTS = Prepared(lambda ids: Product.select().where(Product.id.in_(ids)).dicts())


def _products_for(lines: list[dict]) -> dict[int, Product]:
    """Fetch the products of the lines in one query; refuse unknown, archived or repeated ones."""
    ids = [line["product_id"] for line in lines]
    products = {row["id"]: as_model(Product, row) for row in _PRODUCTS.rows(ids=ids)}
    errors = {}
    seen = set()
    for index, product_id in enumerate(ids):
        product = products.get(product_id)
        if product is None or not product.is_active:
            errors[index] = {"product_id": [f"No active product with id {product_id}."]}
        elif product_id in seen:
            errors[index] = {"product_id": [f"{product.sku} is on another line already; "
                                            "use one line with the total quantity."]}
        seen.add(product_id)
    if errors:
        raise UnknownReference({"lines": errors})
    return products


def _priced(lines: list[dict], products: dict[int, Product]) -> list[dict]:
    """The lines at the products' current prices, as they are stored."""
    return [{"product": line["product_id"], "quantity": line["quantity"],
             "unit_price": products[line["product_id"]].price} for line in lines]


def _journalled(lines: list[dict]) -> list[dict]:
    """Priced lines as the journal keeps them (as ``_lines_of`` reads them back)."""
    return [{"product_id": line["product"], "quantity": line["quantity"],
             "unit_price": plain(line["unit_price"])}
            for line in sorted(lines, key=lambda line: line["product"])]


def _total_of(lines: list[dict]):
    """The total of priced lines; refused when it passes what an order may total."""
    total = sum(line["unit_price"] * line["quantity"] for line in lines)
    if total > MAX_MONEY:
        raise ValidationError({"lines": [f"The order would total {total}; an order may "
                                         f"total at most {MAX_MONEY}. Split it."]})
    return total


def _insert_lines(order_id: int, lines: list[dict], products: dict[int, Product]
                  ) -> list[OrderLine]:
    """Store an order's priced lines (``_priced``); return them, each with its product.

    Their new ids come back from the INSERT itself where the engine can say them
    (``RETURNING``), and are read by the order's id where it cannot (MySQL/MariaDB).
    """
    rows = [{"order": order_id, **line} for line in lines]
    ids = bulk.insert(OrderLine, rows, returning=("id", "product"))
    if ids is None:
        ids = _LINE_IDS.rows(order_id=order_id)
    id_of = {row["product"]: row["id"] for row in ids}
    made = []
    for row in rows:
        line = as_model(OrderLine, {**row, "id": id_of[row["product"]]})
        line.product = products[row["product"]]
        made.append(line)
    return sorted(made, key=lambda line: line.id)


_LINE_IDS = Prepared(lambda order_id: OrderLine.select(OrderLine.id, OrderLine.product)
                     .where(OrderLine.order == order_id).dicts())


_RENUMBER = Prepared(lambda order_id, number: Order.update(
    number=number.stored_in(Order.number)).where(Order.id == order_id))
