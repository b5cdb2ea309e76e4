"""The dashboard: today's and this month's sales, open orders, low stock, recent orders."""

import datetime as dt
from decimal import Decimal

import bottle

from tinyapp import backup, reports
from tinyapp.models import Order, Product, business_today
from tinyapp.pagination import paginate
from tinyapp.web import charts, formats
from tinyapp.web.pages.view import page

CHART_DAYS = 30


def dashboard():
    """Show the figures a team looks at first thing in the morning."""
    today = business_today()  # the shop's day (TIMEZONE), not UTC's
    last_30 = reports.sales("day", today - dt.timedelta(days=CHART_DAYS - 1), today)
    chart = charts.column_chart(
        "sales-30-days", [(p["period"], Decimal(p["amount"])) for p in last_30["items"]],
        f"Sales over the last {CHART_DAYS} days",
        f"Sales per day from {formats.day(last_30['from'])} to {formats.day(last_30['to'])}: "
        f"{formats.money(last_30['total_amount'])} in {last_30['total_orders']} orders.",
        label=formats.short_period)
    return page("dashboard.tpl", "Dashboard", section="dashboard",
                today=reports.sales("day", today, today),
                month=reports.sales("month", today.replace(day=1), today),
                open_orders=reports.open_orders(),
                low_stock=reports.low_stock(8)["items"],
                recent=paginate(Order.listing(), "-created_at", 8).items,
                last_30=last_30, chart=chart, backup_warning=backup_warning(),
                empty_shop=not Product.select().exists())


def backup_warning() -> str | None:
    """Say so when the newest backup is more than a day old (or there is none)."""
    settings = bottle.request.app.config["tinyapp.settings"]
    age = backup.last_backup_age_seconds(settings)
    if age is None:
        return "No backup has been made yet."  # said as such, never "made no backup yet"
    if age > 86400:
        return f"The newest backup is {age / 86400:.1f} days old."
    return None


def install(app: bottle.Bottle) -> None:
    """Add this area's pages to the app."""
    app.route("/", "GET", dashboard, permission="reports:read")
