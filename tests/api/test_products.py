"""Products and stock through the API, on every engine."""

import pytest


def test_create_a_product_with_opening_stock(api):
    tools = api.category("Tools")
    product = api.product("dr-100", price="12.5", stock=7, category_id=tools["id"],
                          name="Cordless drill", reorder_level=2)
    assert product["sku"] == "DR-100"  # SKUs are stored in capitals
    assert product["price"] == "12.50"
    assert product["stock"] == 7
    assert product["category"] == {"id": tools["id"], "name": "Tools"}
    assert product["version"] == 1
    assert product["created_at"].endswith("+00:00")
    movements = api.get(f"/api/v1/products/{product['id']}/movements").json["items"]
    assert [(m["delta"], m["reason"]) for m in movements] == [(7, "opening stock")]


@pytest.mark.parametrize("field, value, message", [
    ("sku", "has space", "Use 1-32 letters"),
    ("sku", "X" * 33, "Length must be between 1 and 32."),
    ("price", -1, "greater than or equal to 0"),
    ("price", "-1", "Not a valid amount"),
    ("price", 12.5, "Not a valid amount"),  # cents travel as text: "12.50"
    ("stock", "7", "Not a valid integer"),   # JSON numbers are numbers
    ("price", "1.234", "at most two decimal places"),
    ("price", "abc", "Not a valid amount"),
    ("price", True, "Not a valid amount"),
    ("stock", -1, "greater than or equal to 0"),
    ("stock", 1.5, "Not a valid integer"),
    ("name", "", "Length must be between 1 and 200."),
    ("name", "bad\x00name", "control characters"),
    ("category_id", 0, "greater than or equal to 1"),
])
def test_invalid_fields_are_named(api, field, value, message):
    body = {"sku": "OK-1", "name": "Fine", "price": "1.00", field: value}
    problem = api.post("/api/v1/products", body, status=422).json
    assert list(problem["errors"]) == [field]
    assert message in " ".join(problem["errors"][field])


def test_missing_required_fields_are_all_named(api):
    problem = api.post("/api/v1/products", {}, status=422).json
    assert set(problem["errors"]) == {"sku", "name", "price"}


def test_an_unknown_category_is_a_conflict_naming_it(api):
    """409, not 422: the body is as documented, the database lacks what it names."""
    problem = api.post("/api/v1/products", {"sku": "A-1", "name": "A", "price": "1",
                                            "category_id": 12345}, status=409).json
    assert problem["errors"] == {"category_id": ["No category with id 12345."]}


def test_a_duplicate_sku_is_a_conflict_whatever_its_case(api):
    api.product("DR-1")
    problem = api.post("/api/v1/products", {"sku": "dr-1", "name": "x", "price": "1"},
                       status=409).json
    assert "DR-1 already exists" in problem["detail"]


def test_patch_needs_the_current_version_and_refuses_a_stale_one(api):
    product = api.product("DR-1", price="10.00")
    path = f"/api/v1/products/{product['id']}"
    problem = api.patch(path, {"price": "11.00"}, status=422).json
    assert problem["errors"] == {"version": ["Missing data for required field."]}

    updated = api.patch(path, {"price": "11.00", "version": 1}).json
    assert (updated["price"], updated["version"]) == ("11.00", 2)

    stale = api.patch(path, {"price": "99.00", "version": 1}, status=409).json
    assert stale["current_version"] == 2
    assert api.get(path).json["price"] == "11.00"  # nothing was overwritten


def test_stock_cannot_be_patched(api):
    product = api.product("DR-1")
    problem = api.patch(f"/api/v1/products/{product['id']}", {"stock": 99, "version": 1},
                        status=422).json
    assert problem["errors"] == {"stock": ["Unknown field."]}


def test_archive_keeps_the_product_and_hides_it_from_active_lists(api):
    product = api.product("DR-1")
    archived = api.delete(f"/api/v1/products/{product['id']}", status=200).json
    assert archived["is_active"] is False
    assert api.get("/api/v1/products", active="true").json["items"] == []
    assert len(api.get("/api/v1/products").json["items"]) == 1


def test_stock_adjustment_records_a_movement(api):
    product = api.product("DR-1", stock=5)
    movement = api.post("/api/v1/stock-adjustments", {
        "product_id": product["id"], "delta": -2, "reason": "broken in the shop"},
        status=201).json
    assert (movement["delta"], movement["reason"]) == (-2, "broken in the shop")
    assert api.get(f"/api/v1/products/{product['id']}").json["stock"] == 3


def test_stock_adjustment_below_zero_is_refused_and_names_the_product(api):
    product = api.product("DR-1", stock=1)
    problem = api.post("/api/v1/stock-adjustments", {
        "product_id": product["id"], "delta": -2, "reason": "count"}, status=409).json
    assert "DR-1" in problem["detail"]
    assert api.get(f"/api/v1/products/{product['id']}").json["stock"] == 1


@pytest.mark.parametrize("body, field", [
    ({"delta": 1, "reason": "count"}, "product_id"),
    ({"product_id": 1, "delta": 0, "reason": "count"}, "delta"),
    ({"product_id": 1, "delta": 1, "reason": ""}, "reason"),
])
def test_stock_adjustment_validation(api, body, field):
    assert field in api.post("/api/v1/stock-adjustments", body, status=422).json["errors"]


def test_stock_adjustment_of_an_unknown_product_is_404(api):
    api.post("/api/v1/stock-adjustments", {"product_id": 99999, "delta": 1,
                                           "reason": "count"}, status=404)


def test_filters_sort_and_cursor_paging(api):
    tools = api.category("Tools")
    for n in range(7):
        api.product(f"P-{n}", price=f"{10 - n}.00", stock=n, reorder_level=2,
                    category_id=tools["id"] if n % 2 else None, name=f"Item {n}")
    by_price = api.get("/api/v1/products", sort="price").json["items"]
    assert [p["price"] for p in by_price] == [f"{p}.00" for p in range(4, 11)]

    assert {p["sku"] for p in api.get("/api/v1/products", low_stock="true").json["items"]} \
        == {"P-0", "P-1", "P-2"}
    assert {p["sku"] for p in api.get("/api/v1/products",
                                      category=tools["id"]).json["items"]} \
        == {"P-1", "P-3", "P-5"}

    seen, cursor = [], None
    while True:
        params = {"limit": 3, "sort": "-name", **({"cursor": cursor} if cursor else {})}
        page = api.get("/api/v1/products", **params).json
        seen += [p["name"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"Item {n}" for n in reversed(range(7))]


def test_a_forged_cursor_is_a_clear_400(api):
    problem = api.get("/api/v1/products", cursor="not-a-cursor", status=400).json
    assert "cursor" in problem["errors"]


@pytest.mark.parametrize("params, field", [
    ({"limit": "0"}, "limit"), ({"limit": "501"}, "limit"), ({"limit": "ten"}, "limit"),
    ({"sort": "password"}, "sort"), ({"active": "perhaps"}, "active"),
    ({"active": "on"}, "active"), ({"limit": " 5"}, "limit"),
    ({"colour": "red"}, "colour"),
])
def test_list_parameters_are_validated(api, params, field):
    assert field in api.get("/api/v1/products", status=400, **params).json["errors"]


def test_search_finds_products_by_word_prefix_and_customers(api):
    api.product("DR-18V", name="Cordless Drill 18V")
    api.product("HM-1", name="Claw hammer")
    api.customer("Drusilla Jones", email="dru@example.com")
    found = api.get("/api/v1/search", q="dri").json
    assert [p["sku"] for p in found["products"]] == ["DR-18V"]
    found = api.get("/api/v1/search", q="dru").json
    assert [c["name"] for c in found["customers"]] == ["Drusilla Jones"]
    assert api.get("/api/v1/search", q="cordless dri").json["products"][0]["sku"] == "DR-18V"
    assert api.get("/api/v1/search", q="cordless hammer").json["products"] == []
    assert api.get("/api/v1/products", q="claw").json["items"][0]["sku"] == "HM-1"


def test_renaming_a_product_updates_search(api):
    product = api.product("X-1", name="Old name")
    api.patch(f"/api/v1/products/{product['id']}", {"name": "Shiny widget", "version": 1})
    assert api.get("/api/v1/search", q="old").json["products"] == []
    assert api.get("/api/v1/search", q="widg").json["products"][0]["sku"] == "X-1"


def test_a_stock_count_through_the_api_sets_the_stock(api):
    product = api.product("DR-1", stock=10)
    moved = api.post("/api/v1/stock-counts", {"product_id": product["id"], "counted": 7,
                                              "reason": "monthly count"}, status=201).json
    assert (moved["delta"], moved["reason"]) == (-3, "monthly count")
    check = api.post("/api/v1/stock-counts", {"product_id": product["id"], "counted": 7,
                                              "reason": "again"}, status=201).json
    assert check["delta"] == 0
    assert api.get(f"/api/v1/products/{product['id']}").json["stock"] == 7
    api.post("/api/v1/stock-counts", {"product_id": product["id"], "counted": -1,
                                      "reason": "typo"}, status=422)
