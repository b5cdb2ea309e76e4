"""The stock ledger: the one place a product's stock changes, always with a StockMovement.

What is always true: a product's ``stock`` equals the sum of its movements' ``delta``;
no stock goes below 0 or above MAX_STOCK; each change is in the journal (the product's
``stock`` before and after, with the reason), and a product that falls to its reorder
level sends ``stock.low`` to the webhooks that want it.

Stock is changed by a conditional UPDATE (``SET stock = stock + delta WHERE stock +
delta >= 0``) and the row count tells whether it happened. There is no read-then-write,
so two requests for the last unit cannot both get it, on any engine.
"""

from marshmallow import ValidationError

from tinyapp import bulk
from tinyapp.db import locking
from tinyapp.errors import Conflict, NotFound
from tinyapp.models import Order, Product, StockMovement
from tinyapp.models.base import MAX_STOCK
from tinyapp.prepared import Prepared, as_model
from tinyapp.unit_of_work import Work, unit_of_work


class OutOfStock(Conflict):
    """Not enough stock of a product; ``details`` name it."""


def move(work: Work, moves: list[tuple[int, int]], reason: str, order: Order | None = None,
         active_only: bool = False, field: str = "stock") -> dict[int, Product]:
    """Move the stock of each (product id, delta) and record why: the ledger rule, enforced.

    Runs in the caller's unit of work. Products are changed in the order given (orders
    pass them in id order, so two orders sharing products cannot deadlock). Raises
    OutOfStock for the first product that would go below 0, Conflict naming ``field``
    when one would pass MAX_STOCK, NotFound for an unknown product; the unit then rolls
    back every move. Returns the moved products as they are now (stock, price, category:
    what an order placed or cancelled goes on to count), by id.
    """
    change = _CHANGE_ACTIVE if active_only else _CHANGE
    for product_id, delta in moves:
        if delta and not change.execute(product_id=product_id, delta=delta):
            raise _why_not_moved(product_id, delta, field)
    bulk.insert(StockMovement, [
        {"product": product_id, "delta": delta, "reason": reason, "order": order,
         "user": work.user} for product_id, delta in moves])
    deltas = dict(moves)
    moved = {row["id"]: as_model(Product, row) for row in _MOVED.rows(ids=list(deltas))}
    for product in moved.values():
        before = product.stock - deltas[product.id]
        work.record("product", product.id, "stock", {"stock": [before, product.stock]},
                    note=reason, details={"order_id": order.id} if order else {})
        if before > product.reorder_level >= product.stock:
            work.emit("stock.low", "product", product.id, {
                "record": {"id": product.id, "sku": product.sku, "name": product.name,
                           "stock": product.stock, "reorder_level": product.reorder_level}})
    return moved


def opened(work: Work, products: list[tuple[int, int]]) -> None:
    """Record the opening stock of (product id, stock) just inserted with it: the ledger rows.

    The one other way stock is set: a bulk import inserts new products with their stock
    (no UPDATE per product), and their first movements say so, keeping stock equal to
    the sum of the movements. Their journal entry ("create") has the stock.
    """
    bulk.insert(StockMovement, [
        {"product": product_id, "delta": quantity, "reason": "opening stock", "order": None,
         "user": work.user} for product_id, quantity in products if quantity])


def _change(product_id: int, delta: int, active_only: bool):
    """The conditional UPDATE that changes one product's stock (0 rows: it may not).

    ``needs_reorder`` is computed from the old stock plus delta, in the same statement.
    Product declares needs_reorder before stock, and peewee writes SET in declaration
    order: MySQL evaluates SET left to right with values already assigned, the other
    engines always from the old row, and in this order all three agree. It is built
    and compiled once (_CHANGE below, tinyapp/prepared.py), then run for every move.
    """
    condition = [Product.id == product_id, Product.stock + delta >= 0,
                 Product.stock + delta <= MAX_STOCK]
    if active_only:
        condition.append(Product.is_active == True)  # noqa: E712 - SQL, not Python
    return (Product.update({Product.needs_reorder: Product.stock + delta
                            <= Product.reorder_level,
                            Product.stock: Product.stock + delta})
            .where(*condition))


_CHANGE = Prepared(lambda product_id, delta: _change(product_id, delta, False))
_CHANGE_ACTIVE = Prepared(lambda product_id, delta: _change(product_id, delta, True))
_MOVED = Prepared(lambda ids: Product.select(
    Product.id, Product.sku, Product.name, Product.stock, Product.reorder_level,
    Product.price, Product.category).where(Product.id.in_(ids)).dicts())


def _why_not_moved(product_id: int, delta: int, field: str) -> Exception:
    product = Product.get_or_none(Product.id == product_id)
    if product is None:
        return NotFound(f"No product with id {product_id}.")
    if not product.is_active:
        return Conflict(f"Product {product.sku} ({product.name}) is archived.",
                        product_id=product.id, sku=product.sku)
    if product.stock + delta > MAX_STOCK:
        return Conflict(f"{product.sku} ({product.name}) would hold "
                        f"{product.stock + delta:,} units; at most {MAX_STOCK:,} fit.",
                        field=field, product_id=product.id, sku=product.sku,
                        available=product.stock)
    return OutOfStock(f"Not enough stock of {product.sku} ({product.name}): "
                      f"{-delta} wanted, {product.stock} available.",
                      product_id=product.id, sku=product.sku, available=product.stock)


@unit_of_work
def adjust_stock(work: Work, product_id: int, delta: int, reason: str) -> StockMovement:
    """Correct a product's stock by hand (a count, a delivery, breakage); reason required."""
    return _moved(work, product_id, delta, _reason(reason), field="delta")


@unit_of_work
def receive_stock(work: Work, product_id: int, quantity: int, reason: str) -> StockMovement:
    """Put delivered units on the shelf (a delivery, a return)."""
    return _moved(work, product_id, _positive(quantity), _reason(reason))


@unit_of_work
def remove_stock(work: Work, product_id: int, quantity: int, reason: str) -> StockMovement:
    """Take units off the shelf that no order took (breakage, loss, own use)."""
    return _moved(work, product_id, -_positive(quantity), _reason(reason))


@unit_of_work
def count_stock(work: Work, product_id: int, counted: int, reason: str) -> StockMovement:
    """Record a stock count: the stock becomes what was counted, the difference its movement.

    A count that matches is recorded too, as a check (a movement of 0). The product's row
    is locked while the difference is worked out, so an order placed at the same moment
    is counted in or waits, and is never lost.
    """
    if counted < 0:
        raise ValidationError({"counted": ["A count cannot be below 0."]})
    product = locking(Product.select(Product.id, Product.stock)
                      .where(Product.id == product_id)).first()
    if product is None:
        raise NotFound(f"No product with id {product_id}.")
    delta = counted - product.stock
    note = _reason(reason) if delta else _reason(reason)[:184] + " (count matches)"
    return _moved(work, product_id, delta, note)


def _moved(work: Work, product_id: int, delta: int, reason: str,
           field: str = "stock") -> StockMovement:
    """Move one product's stock; return its new movement."""
    move(work, [(product_id, delta)], reason, field=field)
    return (StockMovement.select().where(StockMovement.product == product_id)
            .order_by(StockMovement.id.desc()).first())


def _reason(reason: str) -> str:
    if not reason or not reason.strip():
        raise ValidationError({"reason": ["Say why the stock changes."]})
    return reason.strip()


def _positive(quantity: int) -> int:
    if quantity < 1:
        raise ValidationError({"quantity": ["Must be at least 1."]})
    return quantity
