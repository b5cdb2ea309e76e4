"""Stock changes: the one place a product's stock moves, always with a StockMovement.

Stock is changed by a conditional UPDATE (``SET stock = stock + delta WHERE stock +
delta >= 0``) and the row count tells whether it happened. There is no read-then-write,
so two requests for the last unit cannot both get it, on any engine.
"""

from marshmallow import ValidationError

from tinyapp import cache
from tinyapp.db import transactional
from tinyapp.errors import Conflict, NotFound
from tinyapp.models import Order, Product, StockMovement, User


class OutOfStock(Conflict):
    """Not enough stock of a product; ``details`` name it."""


def move_stock(product_id: int, delta: int, reason: str, user: User | None = None,
               order: Order | None = None, active_only: bool = False) -> StockMovement:
    """Add delta (negative to take) to a product's stock and record the movement.

    Must run inside a transaction (the caller's). Raises OutOfStock when the stock
    would go below zero, NotFound for an unknown product.
    """
    change_stock(product_id, delta, active_only)
    return StockMovement.create(product=product_id, delta=delta, reason=reason, order=order,
                                user=user)


def change_stock(product_id: int, delta: int, active_only: bool = False) -> None:
    """Change a product's stock with one conditional UPDATE; the caller records why.

    ``needs_reorder`` is computed from the old stock plus delta, in the same statement.
    Product declares needs_reorder before stock, and peewee writes SET in declaration
    order: MySQL evaluates SET left to right with values already assigned, the other
    engines always from the old row, and in this order all three agree.
    """
    condition = [Product.id == product_id, Product.stock + delta >= 0]
    if active_only:
        condition.append(Product.is_active == True)  # noqa: E712 - SQL, not Python
    changed = (Product.update({Product.needs_reorder: Product.stock + delta
                               <= Product.reorder_level,
                               Product.stock: Product.stock + delta})
               .where(*condition).execute())
    if not changed:
        raise _why_not_moved(product_id, delta)
    cache.invalidate("stock")  # the low-stock list


def _why_not_moved(product_id: int, delta: int) -> Exception:
    product = Product.get_or_none(Product.id == product_id)
    if product is None:
        return NotFound(f"No product with id {product_id}.")
    if not product.is_active:
        return Conflict(f"Product {product.sku} ({product.name}) is archived.",
                        product_id=product.id, sku=product.sku)
    return OutOfStock(f"Not enough stock of {product.sku} ({product.name}): "
                      f"{-delta} wanted, {product.stock} available.",
                      product_id=product.id, sku=product.sku, available=product.stock)


@transactional
def adjust_stock(product_id: int, delta: int, reason: str,
                 user: User | None = None) -> StockMovement:
    """Correct a product's stock by hand (a count, a delivery, breakage); reason required."""
    if not reason or not reason.strip():
        raise ValidationError({"reason": ["Say why the stock changes."]})
    return move_stock(product_id, delta, reason.strip(), user=user)
