"""Reports and suggestions through the API, on every engine."""

import datetime as dt

import pytest


@pytest.fixture
def sales(api):
    """Three placed orders and one cancelled, today; drill+bits bought together twice."""
    tools = api.category("Tools")
    drill = api.product("DR-1", price="100.00", stock=50, category_id=tools["id"],
                        reorder_level=48)
    bits = api.product("BT-1", price="5.00", stock=50)
    saw = api.product("SAW-1", price="20.00", stock=50, category_id=tools["id"])
    ada = api.customer("Ada")
    api.placed_order(ada["id"], (drill["id"], 2), (bits["id"], 4))
    api.placed_order(ada["id"], (drill["id"], 1), (bits["id"], 1))
    api.placed_order(ada["id"], (saw["id"], 1))
    cancelled = api.placed_order(ada["id"], (saw["id"], 5))
    api.post(f"/api/v1/orders/{cancelled['id']}/cancel")
    api.order(ada["id"], (saw["id"], 9))  # a draft is not a sale
    return drill, bits, saw


def test_sales_per_day_counts_placed_orders_only(api, sales):
    today = dt.datetime.now(dt.UTC).date()
    report = api.get("/api/v1/reports/sales").json
    assert report["to"] == today.isoformat() and len(report["items"]) == 30
    assert report["items"][-1] == {"period": today.isoformat(), "orders": 3,
                                   "amount": "345.00"}
    assert report["total_amount"] == "345.00" and report["total_orders"] == 3
    assert all(item["amount"] == "0.00" for item in report["items"][:-1])


def test_sales_per_month(api, sales):
    today = dt.datetime.now(dt.UTC).date()
    report = api.get("/api/v1/reports/sales", period="month",
                     **{"from": "2020-01-01", "to": today.isoformat()}).json
    assert report["items"][-1] == {"period": today.strftime("%Y-%m"), "orders": 3,
                                   "amount": "345.00"}
    assert report["items"][0]["period"] == "2020-01"


def test_top_products_and_categories(api, sales):
    top = api.get("/api/v1/reports/top-products").json["items"]
    assert [(p["sku"], p["quantity"], p["amount"]) for p in top] == [
        ("DR-1", 3, "300.00"), ("BT-1", 5, "25.00"), ("SAW-1", 1, "20.00")]
    categories = api.get("/api/v1/reports/categories").json["items"]
    assert [(c["name"], c["amount"]) for c in categories] == [
        ("Tools", "320.00"), ("(no category)", "25.00")]


def test_low_stock_lists_products_at_or_below_their_reorder_level(api, sales):
    drill, _, _ = sales
    items = api.get("/api/v1/reports/low-stock").json["items"]
    assert [(p["sku"], p["stock"], p["reorder_level"]) for p in items] == [("DR-1", 47, 48)]


def test_often_bought_together(api, sales):
    drill, bits, saw = sales
    together = api.get(f"/api/v1/products/{drill['id']}/suggestions").json["items"]
    assert [(p["sku"], p["orders"]) for p in together] == [("BT-1", 2)]
    assert api.get(f"/api/v1/products/{saw['id']}/suggestions").json["items"] == []
    api.get("/api/v1/products/999999/suggestions", status=404)


def test_a_report_is_fresh_after_each_write_that_changes_it(api, sales):
    drill, bits, _ = sales
    before = api.get("/api/v1/reports/sales").json["total_amount"]
    order = api.placed_order(api.customer("Grace")["id"], (bits["id"], 2))
    assert api.get("/api/v1/reports/sales").json["total_amount"] == "355.00" != before
    api.post(f"/api/v1/orders/{order['id']}/cancel")
    assert api.get("/api/v1/reports/sales").json["total_amount"] == before


@pytest.mark.parametrize("params, field", [
    ({"from": "2026-02-30"}, "from"), ({"period": "week"}, "period"),
    ({"from": "1999-12-31"}, "from"), ({"to": "2100-01-01"}, "to"),
])
def test_report_parameters_are_validated(api, params, field):
    assert field in api.get("/api/v1/reports/sales", status=400, **params).json["errors"]


def test_a_range_that_ends_before_it_starts_holds_no_days(api, sales):
    report = api.get("/api/v1/reports/sales", params={"from": "2026-05-01",
                                                      "to": "2026-04-01"}).json
    assert (report["items"], report["total_orders"], report["total_amount"]) == ([], 0,
                                                                                 "0.00")
    assert api.get("/api/v1/reports/top-products", params={
        "from": "2026-05-01", "to": "2026-04-01"}).json["items"] == []


def test_a_daily_report_may_span_the_whole_century(api):
    report = api.get("/api/v1/reports/sales", params={"from": "2000-01-01",
                                                      "to": "2099-12-31"}).json
    assert len(report["items"]) == 36525


def test_low_stock_follows_every_stock_and_reorder_level_change(api):
    product = api.product("LOW-1", stock=10, reorder_level=5)
    path = "/api/v1/reports/low-stock"

    def low() -> list[str]:
        return [p["sku"] for p in api.get(path).json["items"]]

    assert low() == []
    api.post("/api/v1/stock-adjustments", {"product_id": product["id"], "delta": -5,
                                           "reason": "count"}, status=201)
    assert low() == ["LOW-1"]
    api.post("/api/v1/stock-adjustments", {"product_id": product["id"], "delta": 1,
                                           "reason": "count"}, status=201)
    assert low() == []
    api.patch(f"/api/v1/products/{product['id']}", {"reorder_level": 6, "version": 1})
    assert low() == ["LOW-1"]
    assert [p["sku"] for p in api.get("/api/v1/products", low_stock="true").json["items"]] \
        == ["LOW-1"]
