"""The per-day sales figures, counted again when the shop's time zone changes.

``daily_sales`` and ``product_daily_sales`` hold business days (TIMEZONE). Their zone is
recorded in ``app_state`` (no row: UTC, as tinyapp 1.0 counted). When TIMEZONE differs,
``tinyapp migrate up`` (and ``serve`` when it migrates) counts them again from the
orders, in one transaction; the orders, in UTC, stay as they are.
"""

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from tinyapp.models import AppState, DailySales, Order, OrderLine, Product, ProductDailySales
from tinyapp.unit_of_work import Work, unit_of_work

SOLD = ("placed", "fulfilled")
KEY = "figures_timezone"


def figures_zone() -> str:
    """The time zone the stored daily figures are counted in."""
    return AppState.get_value(KEY, "UTC")


def recount_if_zone_changed(zone: str) -> bool:
    """Count the daily figures again if they are in another zone; True if it did."""
    if figures_zone() == zone:
        return False
    recount(zone)
    return True


@unit_of_work
def recount(work: Work, zone: str) -> None:
    """Rebuild the daily figures from the sold orders, by business day in zone."""
    tz = dt.UTC if zone == "UTC" else ZoneInfo(zone)
    orders: dict = defaultdict(lambda: [0, 0])
    lines: dict = defaultdict(lambda: [0, 0])
    days = {}
    for order_id, placed_at, total in (Order.select(Order.id, Order.placed_at, Order.total)
                                       .where(Order.status.in_(SOLD)).tuples()):
        days[order_id] = day = placed_at.astimezone(tz).date()
        orders[day][0] += 1
        orders[day][1] += total
    category = dict(Product.select(Product.id, Product.category).tuples())
    for order_id, product, quantity, price in (
            OrderLine.select(OrderLine.order, OrderLine.product, OrderLine.quantity,
                             OrderLine.unit_price)
            .join(Order).where(Order.status.in_(SOLD)).tuples()):
        key = (days[order_id], product)
        lines[key][0] += quantity
        lines[key][1] += quantity * price
    ProductDailySales.delete().execute()
    DailySales.delete().execute()
    _insert(DailySales, [{"day": day, "orders": n, "amount": amount}
                         for day, (n, amount) in orders.items()])
    _insert(ProductDailySales, [{"day": day, "product": product, "category": category[product],
                                 "quantity": quantity, "amount": amount}
                                for (day, product), (quantity, amount) in lines.items()])
    _remember(zone)
    work.record("figures", "", "recount", details={"timezone": zone})


def _remember(zone: str) -> None:
    if not AppState.update(value=zone).where(AppState.key == KEY).execute():
        AppState.create(key=KEY, value=zone)


def _insert(model, rows: list[dict]) -> None:
    for start in range(0, len(rows), 500):
        model.insert_many(rows[start:start + 500]).execute()
