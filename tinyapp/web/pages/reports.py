"""The reports page: sales per day or month, top products and sales per category.

Periods come from presets (the last 30 days, this month, last month, this year, last
year) or from two dates; each report can be downloaded as CSV with the same period.
"""

import datetime as dt
from decimal import Decimal

import bottle
from marshmallow import ValidationError

from tinyapp import reports
from tinyapp.schemas.reports import SalesQuery
from tinyapp.web import charts, formats
from tinyapp.web.pages.forms import Form, friendly
from tinyapp.web.pages.view import page, query_args, url

TOP = 10


def presets(today: dt.date) -> list[tuple[str, dict]]:
    """The periods offered with one click: (label, query parameters)."""
    month = today.replace(day=1)
    last_month_end = month - dt.timedelta(days=1)
    year = today.replace(month=1, day=1)
    last_year = year.replace(year=year.year - 1)
    span = lambda start, end, period: {  # noqa: E731
        "from": start.isoformat(), "to": end.isoformat(), "period": period}
    return [("Last 30 days", span(today - dt.timedelta(days=29), today, "day")),
            ("This month", span(month, today, "day")),
            ("Last month", span(last_month_end.replace(day=1), last_month_end, "day")),
            ("This year", span(year, today, "month")),
            ("Last year", span(last_year, year - dt.timedelta(days=1), "month"))]


def show_reports():
    """Show the three reports for a period, each as a chart or a ranked table."""
    args = query_args("from", "to", "period")
    try:
        query = SalesQuery().load({k: formats.as_iso(v) if k != "period" else v
                                   for k, v in args.items()})
    except ValidationError as exc:
        query = SalesQuery().load({"period": args.get("period", "day")}
                                  if args.get("period") in ("day", "month") else {})
        form = Form(args, friendly(exc.messages))
    else:
        form = Form({"from": formats.day(query["start"]), "to": formats.day(query["end"]),
                     "period": query["period"]})
    start, end, period = query["start"], query["end"], query["period"]
    dates = {"from": start.isoformat(), "to": end.isoformat()}
    chosen = {**dates, "period": period}
    sales = reports.sales(period, start, end)
    top = reports.top_products(start, end, TOP)
    categories = reports.sales_by_category(start, end)
    span = f"from {formats.day(start)} to {formats.day(end)}"
    total = formats.money(sales["total_amount"])
    return page(
        "reports.tpl", "Reports", section="reports", form=form, sales=sales, span=span,
        top=charts.bar_rows(top["items"]), categories=charts.bar_rows(categories["items"]),
        example=formats.day(dt.datetime.now(dt.UTC).date()),
        presets=[(label, url("/reports", **params), params == chosen)
                 for label, params in presets(dt.datetime.now(dt.UTC).date())],
        csv={name: url(f"/api/v1/exports/{name}.csv", **params)
             for name, params in (("sales", chosen), ("top-products", {**dates, "limit": TOP}),
                                  ("categories", dates))},
        sales_chart=charts.column_chart(
            "sales-chart", [(p["period"], Decimal(p["amount"])) for p in sales["items"]],
            f"Sales per {period}",
            f"Sales per {period} {span}: {total} in {sales['total_orders']} orders.",
            label=formats.short_period),
        status=422 if form.errors else 200)


def install(app: bottle.Bottle) -> None:
    """Add this area's pages to the app."""
    app.route("/reports", "GET", show_reports, permission="reports:read")
