"""The reports page: sales per day or month, top products and sales per category."""

from decimal import Decimal

import bottle
from marshmallow import ValidationError

from tinyapp import reports
from tinyapp.schemas.reports import SalesQuery
from tinyapp.web import charts
from tinyapp.web.pages.forms import Form, friendly
from tinyapp.web.pages.view import page, query_args

TOP = 10


def show_reports():
    """Show the three reports for a date range, each as a chart and a table."""
    args = query_args("from", "to", "period")
    try:
        query = SalesQuery().load(args)
    except ValidationError as exc:
        query = SalesQuery().load({"period": args.get("period", "day")}
                                  if args.get("period") in ("day", "month") else {})
        form = Form(args, friendly(exc.messages))
    else:
        form = Form({"from": query["start"].isoformat(), "to": query["end"].isoformat(),
                     "period": query["period"]})
    start, end, period = query["start"], query["end"], query["period"]
    sales = reports.sales(period, start, end)
    top = reports.top_products(start, end, TOP)
    categories = reports.sales_by_category(start, end)
    span = f"from {sales['from']} to {sales['to']}"
    return page(
        "reports.tpl", "Reports", section="reports", form=form, sales=sales, top=top,
        categories=categories,
        sales_chart=charts.column_chart(
            "sales-chart", [(p["period"], Decimal(p["amount"])) for p in sales["items"]],
            f"Sales per {period}",
            f"Sales per {period} {span}: {sales['total_amount']} in "
            f"{sales['total_orders']} orders."),
        top_chart=charts.bar_chart(
            "top-chart", [(i["name"], Decimal(i["amount"])) for i in top["items"]],
            "Top products by sales", f"The {TOP} products with the most sales {span}."),
        category_chart=charts.bar_chart(
            "category-chart", [(i["name"], Decimal(i["amount"])) for i in categories["items"]],
            "Sales per category", f"Sales per product category {span}."),
        status=422 if form.errors else 200)


def install(app: bottle.Bottle) -> None:
    """Add this area's pages to the app."""
    app.route("/reports", "GET", show_reports, permission="reports:read")
