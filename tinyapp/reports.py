"""Reports: sales per day or month, top products, sales per category, low stock, and what is
often bought together. Read-only queries whose results are cached until orders change.

Only placed and fulfilled orders count as sales. Sales, top products and categories
come from the per-day figures the order service keeps (models/reporting.py), so they
read a few rows per day whatever the size of the history. Money is summed as whole
cents (``coerce(False)`` keeps the database's raw integer), so totals are exact on
every engine.
"""

import datetime as dt

import peewee

from tinyapp import cache
from tinyapp.models import (
    Category,
    DailySales,
    Order,
    OrderLine,
    Product,
    ProductDailySales,
    from_cents,
    to_cents,
)

SOLD = ("placed", "fulfilled")
fn = peewee.fn


def _money(cents) -> str:
    return f"{from_cents(cents):.2f}"


def sales(period: str, start: dt.date, end: dt.date) -> dict:
    """Orders and amount per day or month from start to end, with empty periods as zero."""
    def compute():
        totals = {key: [0, 0] for key in _periods(period, start, end)}
        for day in DailySales.select().where(DailySales.day.between(start, end)):
            bucket = totals[day.day.isoformat()[:10 if period == "day" else 7]]
            bucket[0] += day.orders
            bucket[1] += to_cents(day.amount)
        items = [{"period": key, "orders": orders, "amount": _money(cents)}
                 for key, (orders, cents) in totals.items()]
        return {"period": period, "from": start.isoformat(), "to": end.isoformat(),
                "items": items, "total_orders": sum(o for o, _ in totals.values()),
                "total_amount": _money(sum(c for _, c in totals.values()))}
    return cache.cached("sales", {"p": period, "f": start, "t": end}, compute,
                        reads=("daily_sales",))


def _periods(period: str, start: dt.date, end: dt.date) -> list[str]:
    if period == "day":
        return [(start + dt.timedelta(days=n)).isoformat()
                for n in range((end - start).days + 1)]
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def top_products(start: dt.date, end: dt.date, limit: int = 10) -> dict:
    """The products that brought in the most money from start to end."""
    def compute():
        rows = _sold_per(ProductDailySales.product, start, end, limit)
        names = _product_names([row["key"] for row in rows])
        return {"from": start.isoformat(), "to": end.isoformat(), "items": [
            {**names[row["key"]], "quantity": row["quantity"], "amount": row["amount"]}
            for row in rows]}
    return cache.cached("top-products", {"f": start, "t": end, "n": limit}, compute,
                        reads=("product_daily_sales", "products"))


def sales_by_category(start: dt.date, end: dt.date) -> dict:
    """Money and units sold per category from start to end (products without one: null)."""
    def compute():
        rows = _sold_per(ProductDailySales.category, start, end)
        ids = [row["key"] for row in rows if row["key"] is not None]
        names = dict(Category.select(Category.id, Category.name)
                     .where(Category.id.in_(ids)).tuples()) if ids else {}
        return {"from": start.isoformat(), "to": end.isoformat(), "items": [
            {"category_id": row["key"], "name": names.get(row["key"], "(no category)"),
             "quantity": row["quantity"], "amount": row["amount"]} for row in rows]}
    return cache.cached("categories", {"f": start, "t": end}, compute,
                        reads=("product_daily_sales", "categories"))


def _sold_per(column, start: dt.date, end: dt.date, limit: int | None = None) -> list[dict]:
    """Units and money sold from start to end per value of a column, most money first."""
    daily = ProductDailySales
    cents = fn.SUM(daily.amount).coerce(False)
    query = (daily.select(column.alias("key"),
                          fn.SUM(daily.quantity).coerce(False).alias("quantity"),
                          cents.alias("cents"))
             .where(daily.day.between(start, end))
             .group_by(column)
             .having(fn.SUM(daily.quantity) > 0)
             .order_by(cents.desc(), column))
    if limit is not None:
        query = query.limit(limit)
    return [{"key": row["key"], "quantity": int(row["quantity"]),
             "amount": _money(row["cents"])} for row in query.dicts()]


def low_stock(limit: int = 50) -> dict:
    """Active products at or below their reorder level, emptiest first."""
    def compute():
        rows = (Product.select(Product.id, Product.sku, Product.name, Product.stock,
                               Product.reorder_level)
                .where(Product.needs_reorder == True,  # noqa: E712 - SQL, not Python
                       Product.is_active == True)  # noqa: E712
                .order_by(Product.stock, Product.id).limit(limit).dicts())
        return {"items": list(rows)}
    return cache.cached("low-stock", {"n": limit}, compute, reads=("products",))


def suggestions(product_id: int, limit: int = 5) -> dict:
    """Products most often on the same sold orders as this one ("often bought together")."""
    def compute():
        mine = OrderLine.alias("mine")
        together = fn.COUNT(OrderLine.id)
        rows = list(OrderLine.select(OrderLine.product.alias("product_id"),
                                     together.alias("orders"))
                    .join(mine, on=((mine.order == OrderLine.order)
                                    & (mine.product == product_id)))
                    .switch(OrderLine).join(Order)
                    .where(OrderLine.product != product_id, Order.status.in_(SOLD))
                    .group_by(OrderLine.product)
                    .order_by(together.desc(), OrderLine.product).limit(limit).dicts())
        names = _product_names([row["product_id"] for row in rows])
        return {"product_id": product_id, "items": [
            {**names[row["product_id"]], "orders": row["orders"]} for row in rows]}
    return cache.cached("suggestions", {"p": product_id, "n": limit}, compute,
                        reads=("order_lines", "orders", "products"))


def _product_names(ids: list[int]) -> dict[int, dict]:
    if not ids:
        return {}
    rows = Product.select(Product.id, Product.sku, Product.name).where(Product.id.in_(ids))
    return {p.id: {"product_id": p.id, "sku": p.sku, "name": p.name} for p in rows}


def open_orders() -> dict:
    """Placed orders waiting to be fulfilled: how many, and their value."""
    def compute():
        row = (Order.select(fn.COUNT(Order.id).alias("orders"),
                            fn.SUM(Order.total).coerce(False).alias("cents"))
               .where(Order.status == "placed").dicts().get())
        return {"orders": row["orders"], "amount": _money(row["cents"])}
    return cache.cached("open-orders", {}, compute, reads=("orders",))
