"""Orders, from draft to placed to fulfilled (or cancelled): where an order is placed.

Every state change is a conditional UPDATE on ``status`` (``WHERE status = 'draft'``):
if two requests place or cancel the same order at once, exactly one changes it and the
other gets a Conflict. Placing takes stock for all lines in one transaction, or none.
"""

import functools
import operator
import uuid

import peewee
from marshmallow import ValidationError

from tinyapp import cache
from tinyapp.db import database, transactional
from tinyapp.errors import Conflict
from tinyapp.models import (
    Customer,
    DailySales,
    Order,
    OrderLine,
    Product,
    ProductDailySales,
    StockMovement,
    User,
    utcnow,
)
from tinyapp.services import audit
from tinyapp.services.common import get_row, stale_or_missing
from tinyapp.services.stock import change_stock, move_stock


@transactional
def create_order(data: dict, user: User | None = None) -> Order:
    """Start a draft order for a customer with its lines, priced at today's prices."""
    customer = _active_customer(data["customer_id"])
    products = _products_for(data["lines"])
    order = Order.create(number=f"tmp-{uuid.uuid4().hex[:16]}", customer=customer,
                         notes=data.get("notes", ""), created_by=user)
    order.number = f"SO-{order.id:06d}"  # a readable number needs the id: set it second
    order.total = _write_lines(order, data["lines"], products)
    Order.update(number=order.number, total=order.total).where(Order.id == order.id).execute()
    cache.invalidate("orders")
    return order


@transactional
def update_order(order_id: int, changes: dict, version: int,
                 user: User | None = None) -> Order:
    """Change a draft order's customer, notes or lines (new lines replace the old)."""
    order = get_row(Order, order_id)
    _require_status(order, "draft", "changed")
    values = {Order.version: Order.version + 1}
    if "customer_id" in changes:
        values[Order.customer] = _active_customer(changes["customer_id"])
    if "notes" in changes:
        values[Order.notes] = changes["notes"]
    if "lines" in changes:
        products = _products_for(changes["lines"])
        OrderLine.delete().where(OrderLine.order == order).execute()
        values[Order.total] = _write_lines(order, changes["lines"], products)
    changed = (Order.update(values)
               .where(Order.id == order_id, Order.version == version,
                      Order.status == "draft").execute())
    if not changed:
        raise stale_or_missing(Order, order_id, version)
    cache.invalidate("orders")
    return Order.get_by_id(order_id)


@transactional
def delete_order(order_id: int, user: User | None = None) -> None:
    """Delete a draft order; orders that were placed stay (cancel them instead)."""
    order = get_row(Order, order_id)
    deleted = Order.delete().where(Order.id == order_id, Order.status == "draft").execute()
    if not deleted:
        raise Conflict(f"Order {order.number} is {order.status}; only drafts can be "
                       "deleted. Cancel it instead.")
    cache.invalidate("orders")
    audit.record("order.delete", user, "order", order_id, number=order.number)


@transactional
def place_order(order_id: int, user: User | None = None) -> Order:
    """Take the stock for every line and capture today's prices, or change nothing.

    Raises OutOfStock naming the first product that is short; the whole transaction
    (status, stock of the other lines, movements) is then rolled back.
    """
    order = _transition(order_id, "draft", "placed", placed_at=utcnow())
    # Take stock in product-id order, so two orders sharing products cannot deadlock.
    lines = list(OrderLine.select().where(OrderLine.order == order_id)
                 .order_by(OrderLine.product))
    for line in lines:
        change_stock(line.product_id, -line.quantity, active_only=True)
    products = {p.id: p for p in Product.select(Product.id, Product.price, Product.category)
                .where(Product.id.in_([line.product_id for line in lines]))}
    StockMovement.insert_many([
        {"product": line.product_id, "delta": -line.quantity, "order": order_id,
         "reason": f"order {order.number} placed", "user": user} for line in lines]).execute()
    for line in lines:  # today's prices become the order's prices
        if line.unit_price != products[line.product_id].price:
            line.unit_price = products[line.product_id].price
            line.save()
    order.total = sum(line.unit_price * line.quantity for line in lines)
    Order.update(total=order.total).where(Order.id == order_id).execute()
    _count_sales(order, lines, products, +1)
    cache.invalidate("sales")
    return order


@transactional
def fulfill_order(order_id: int, user: User | None = None) -> Order:
    """Mark a placed order as delivered."""
    _transition(order_id, "placed", "fulfilled", closed_at=utcnow())
    cache.invalidate("sales")
    return Order.get_by_id(order_id)


@transactional
def cancel_order(order_id: int, user: User | None = None) -> Order:
    """Cancel a draft or placed order; a placed order's stock goes back on the shelf."""
    order = get_row(Order, order_id)
    was = order.status
    if was not in ("draft", "placed"):
        _refuse(order, "cancelled")
    order = _transition(order_id, was, "cancelled", closed_at=utcnow())
    if was == "placed":
        lines = list(OrderLine.select().where(OrderLine.order == order_id)
                     .order_by(OrderLine.product))
        for line in lines:
            move_stock(line.product_id, line.quantity, f"order {order.number} cancelled",
                       user=user, order=order)
        products = {p.id: p for p in Product.select(Product.id, Product.category)
                    .where(Product.id.in_([line.product_id for line in lines]))}
        _count_sales(order, lines, products, -1)
        cache.invalidate("sales")
    audit.record("order.cancel", user, "order", order_id, number=order.number, was=was)
    return Order.get_by_id(order_id)


# -- helpers --

def _count_sales(order: Order, lines: list[OrderLine], products: dict[int, Product],
                 sign: int) -> None:
    """Add (+1) or take back (-1) an order in the per-day sales figures.

    Runs in the order's transaction, so the figures change exactly when the order does.
    The day's row, which every order of the day updates, comes last: its lock is then
    held only until the commit.
    """
    day = order.placed_at.date()
    for line in lines:
        _add_up(ProductDailySales, {"day": day, "product": line.product_id},
                {"category": products[line.product_id].category_id},
                quantity=sign * line.quantity, amount=sign * line.unit_price * line.quantity)
    _add_up(DailySales, {"day": day}, {}, orders=sign, amount=sign * order.total)


def _add_up(model, key: dict, extra: dict, **amounts) -> None:
    """Add amounts to the figures row with this key, creating the row on first use."""
    row = functools.reduce(operator.and_, [getattr(model, k) == v for k, v in key.items()])
    add = model.update({getattr(model, name): getattr(model, name) + value
                        for name, value in amounts.items()}).where(row)
    if add.execute():
        return
    try:
        with database.atomic():  # a savepoint: losing the race must not undo the order
            model.create(**key, **extra, **amounts)
    except peewee.IntegrityError:
        add.execute()  # a concurrent order created the row first


def _transition(order_id: int, from_status: str, to_status: str, **values) -> Order:
    """Move an order from one status to the next, or raise if it is not in from_status."""
    changed = (Order.update(status=to_status, version=Order.version + 1, **values)
               .where(Order.id == order_id, Order.status == from_status).execute())
    order = get_row(Order, order_id)
    if not changed:
        _refuse(order, to_status)
    cache.invalidate("orders")
    return order


def _refuse(order: Order, to_status: str):
    raise Conflict(f"Order {order.number} is {order.status} and cannot be {to_status}.",
                   order_status=order.status)


def _require_status(order: Order, status: str, verb: str) -> None:
    if order.status != status:
        raise Conflict(f"Order {order.number} is {order.status}; only a {status} order "
                       f"can be {verb}.", order_status=order.status)


def _active_customer(customer_id: int) -> Customer:
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None or not customer.is_active:
        raise ValidationError({"customer_id": [f"No active customer with id {customer_id}."]})
    return customer


def _products_for(lines: list[dict]) -> dict[int, Product]:
    """Fetch the products of the lines in one query; refuse unknown, archived or repeated ones."""
    ids = [line["product_id"] for line in lines]
    products = {p.id: p for p in Product.select().where(Product.id.in_(ids))}
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
        raise ValidationError({"lines": errors})
    return products


def _write_lines(order: Order, lines: list[dict], products: dict[int, Product]):
    """Insert the lines at the products' current prices; return the order total."""
    rows = [{"order": order.id, "product": line["product_id"], "quantity": line["quantity"],
             "unit_price": products[line["product_id"]].price} for line in lines]
    OrderLine.insert_many(rows).execute()
    return sum(products[line["product_id"]].price * line["quantity"] for line in lines)
