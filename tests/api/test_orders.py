"""Orders through the API: drafts, placing, fulfilling, cancelling, on every engine."""

import pytest


@pytest.fixture
def shop(api):
    """A customer and two products: a drill (10 in stock) and bits (3 in stock)."""
    customer = api.customer("Ada")
    drill = api.product("DR-1", price="99.90", stock=10, name="Drill")
    bits = api.product("BT-1", price="5.00", stock=3, name="Bits")
    return customer, drill, bits


def stock_of(api, product) -> int:
    return api.get(f"/api/v1/products/{product['id']}").json["stock"]


def test_a_draft_has_a_number_lines_and_a_total_but_takes_no_stock(api, shop):
    customer, drill, bits = shop
    order = api.order(customer["id"], (drill["id"], 2), (bits["id"], 1))
    assert order["status"] == "draft"
    assert order["number"] == f"SO-{order['id']:06d}"
    assert order["total"] == "204.80"
    assert [(line["product"]["sku"], line["quantity"], line["line_total"])
            for line in order["lines"]] == [("DR-1", 2, "199.80"), ("BT-1", 1, "5.00")]
    assert order["customer"] == {"id": customer["id"], "name": "Ada"}
    assert stock_of(api, drill) == 10


def test_the_answers_of_creating_and_placing_are_the_order_as_a_read_shows_it(api, shop):
    """Both answers are built from what the write itself holds, not read again: the same."""
    customer, drill, bits = shop
    created = api.order(customer["id"], (bits["id"], 1), (drill["id"], 2))
    assert created == api.get(f"/api/v1/orders/{created['id']}").json
    api.patch(f"/api/v1/products/{bits['id']}", {"price": "4.50", "version": 1})
    placed = api.post(f"/api/v1/orders/{created['id']}/place").json
    assert placed == api.get(f"/api/v1/orders/{created['id']}").json
    assert [line["product"]["sku"] for line in placed["lines"]] == ["BT-1", "DR-1"]
    assert (placed["total"], placed["version"]) == ("204.30", 2)


def test_placing_takes_stock_and_captures_prices(api, shop):
    customer, drill, bits = shop
    order = api.order(customer["id"], (drill["id"], 2), (bits["id"], 1))
    api.patch(f"/api/v1/products/{drill['id']}", {"price": "89.90", "version": 1})
    placed = api.post(f"/api/v1/orders/{order['id']}/place").json
    assert placed["status"] == "placed" and placed["placed_at"]
    assert placed["total"] == "184.80"  # today's price when placed
    assert (stock_of(api, drill), stock_of(api, bits)) == (8, 2)
    movements = api.get(f"/api/v1/products/{drill['id']}/movements").json["items"]
    assert movements[0]["delta"] == -2 and movements[0]["order_id"] == order["id"]

    api.patch(f"/api/v1/products/{drill['id']}", {"price": "1.00", "version": 2})
    assert api.get(f"/api/v1/orders/{order['id']}").json["total"] == "184.80"


def test_placing_without_enough_stock_names_the_product_and_changes_nothing(api, shop):
    customer, drill, bits = shop
    order = api.order(customer["id"], (drill["id"], 2), (bits["id"], 4))
    problem = api.post(f"/api/v1/orders/{order['id']}/place", status=409).json
    assert "BT-1" in problem["detail"] and problem["sku"] == "BT-1"
    assert api.get(f"/api/v1/orders/{order['id']}").json["status"] == "draft"
    assert (stock_of(api, drill), stock_of(api, bits)) == (10, 3)
    assert len(api.get(f"/api/v1/products/{drill['id']}/movements").json["items"]) == 1


def test_cancelling_a_placed_order_returns_its_stock(api, shop):
    customer, drill, bits = shop
    order = api.placed_order(customer["id"], (drill["id"], 3))
    assert stock_of(api, drill) == 7
    cancelled = api.post(f"/api/v1/orders/{order['id']}/cancel").json
    assert cancelled["status"] == "cancelled" and cancelled["closed_at"]
    assert stock_of(api, drill) == 10


def test_fulfilling_keeps_the_stock_taken_and_closes_the_order(api, shop):
    customer, drill, _ = shop
    order = api.placed_order(customer["id"], (drill["id"], 3))
    fulfilled = api.post(f"/api/v1/orders/{order['id']}/fulfill").json
    assert fulfilled["status"] == "fulfilled"
    assert stock_of(api, drill) == 7
    problem = api.post(f"/api/v1/orders/{order['id']}/cancel", status=409).json
    assert "fulfilled and cannot be cancelled" in problem["detail"]


@pytest.mark.parametrize("action, expected", [
    ("place", "placed and cannot be placed"),
    ("fulfill", None),
])
def test_state_changes_that_do_not_apply_are_conflicts(api, shop, action, expected):
    customer, drill, _ = shop
    order = api.placed_order(customer["id"], (drill["id"], 1))
    if expected is None:
        api.post(f"/api/v1/orders/{order['id']}/fulfill")
        expected = "fulfilled and cannot be fulfilled"
    problem = api.post(f"/api/v1/orders/{order['id']}/{action}", status=409).json
    assert expected in problem["detail"]


def test_a_draft_cannot_be_fulfilled(api, shop):
    customer, drill, _ = shop
    order = api.order(customer["id"], (drill["id"], 1))
    api.post(f"/api/v1/orders/{order['id']}/fulfill", status=409)


def test_drafts_can_be_edited_and_deleted_placed_orders_cannot(api, shop):
    customer, drill, bits = shop
    order = api.order(customer["id"], (drill["id"], 1))
    path = f"/api/v1/orders/{order['id']}"
    edited = api.patch(path, {"lines": [{"product_id": bits["id"], "quantity": 2}],
                              "notes": "gift wrap", "version": order["version"]}).json
    assert [line["product"]["sku"] for line in edited["lines"]] == ["BT-1"]
    assert edited["total"] == "10.00" and edited["notes"] == "gift wrap"
    api.patch(path, {"notes": "stale", "version": order["version"]}, status=409)

    api.post(path + "/place")
    api.patch(path, {"notes": "late", "version": edited["version"] + 1}, status=409)
    assert "only drafts can be deleted" in api.delete(path, status=409).json["detail"]

    draft = api.order(customer["id"], (drill["id"], 1))
    api.delete(f"/api/v1/orders/{draft['id']}")
    api.get(f"/api/v1/orders/{draft['id']}", status=404)


@pytest.mark.parametrize("lines, message", [
    ([], "An order has 1 to 100 lines."),
    ([{"product_id": 1, "quantity": 0}], "greater than or equal to 1"),
    ([{"product_id": 1, "quantity": 10001}], "less than or equal to 10000"),
])
def test_order_lines_are_validated(api, shop, lines, message):
    customer, _, _ = shop
    problem = api.post("/api/v1/orders", {"customer_id": customer["id"], "lines": lines},
                       status=422).json
    assert message in str(problem["errors"]["lines"])


def test_unknown_archived_or_repeated_products_are_named_per_line(api, shop):
    customer, drill, bits = shop
    api.delete(f"/api/v1/products/{bits['id']}", status=200)
    problem = api.post("/api/v1/orders", {"customer_id": customer["id"], "lines": [
        {"product_id": drill["id"], "quantity": 1},
        {"product_id": bits["id"], "quantity": 1},
        {"product_id": 999999, "quantity": 1},
        {"product_id": drill["id"], "quantity": 1}]}, status=409).json
    assert set(problem["errors"]["lines"]) == {"1", "2", "3"}
    assert "on another line already" in str(problem["errors"]["lines"]["3"])


def test_an_unknown_or_archived_customer_is_a_conflict_naming_it(api, shop):
    customer, drill, _ = shop
    body = {"customer_id": 999999, "lines": [{"product_id": drill["id"], "quantity": 1}]}
    assert "customer_id" in api.post("/api/v1/orders", body, status=409).json["errors"]
    api.delete(f"/api/v1/customers/{customer['id']}", status=200)
    body["customer_id"] = customer["id"]
    assert "customer_id" in api.post("/api/v1/orders", body, status=409).json["errors"]


def test_list_filters_by_status_customer_and_dates(api, shop):
    customer, drill, _ = shop
    other = api.customer("Grace")
    placed = api.placed_order(customer["id"], (drill["id"], 1))
    api.order(other["id"], (drill["id"], 1))
    assert [o["id"] for o in api.get("/api/v1/orders", params={"status": "placed"}).json["items"]] \
        == [placed["id"]]
    assert len(api.get("/api/v1/orders", customer=other["id"]).json["items"]) == 1
    assert len(api.get("/api/v1/orders", **{"from": "2000-01-01"}).json["items"]) == 2
    assert api.get("/api/v1/orders", **{"to": "2000-01-01"}).json["items"] == []
    assert "lines" not in api.get("/api/v1/orders").json["items"][0]


def test_unknown_order_is_404_for_every_action(api):
    for action in ("place", "fulfill", "cancel"):
        api.post(f"/api/v1/orders/777777/{action}", status=404)
    api.get("/api/v1/orders/777777", status=404)
    api.delete("/api/v1/orders/777777", status=404)


@pytest.mark.parametrize("action", ["place", "fulfill", "cancel"])
def test_an_unknown_order_cannot_change_and_is_named(api, action):
    problem = api.post(f"/api/v1/orders/987654/{action}", status=404).json
    assert problem["detail"] == "No order with id 987654."
    assert api.get("/api/v1/orders").json["items"] == []
