"""History, undo and "as of" through the API, on every engine."""

import pytest

from tinyapp import db
from tinyapp.models import Change, StockMovement


def history(api, path: str) -> list[dict]:
    return api.get(f"{path}/history").json["items"]


def test_a_product_edit_is_in_its_history_with_each_field_before_and_after(api):
    product = api.product("DR-1", price="10.00", name="Drill")
    api.patch(f"/api/v1/products/{product['id']}",
              {"name": "Cordless drill", "price": "12.50", "version": product["version"]})
    latest, created, *_ = history(api, f"/api/v1/products/{product['id']}")
    assert latest["action"] == "update"
    assert latest["changes"] == {"name": ["Drill", "Cordless drill"],
                                 "price": ["10.00", "12.50"]}
    assert latest["user"]["email"].startswith("staff") and latest["request_id"]
    assert created["action"] in ("create", "stock")


def test_history_pages_go_back_in_time_and_forward_again(api):
    product = api.product("DR-1")
    version = product["version"]
    for n in range(5):
        version = api.patch(f"/api/v1/products/{product['id']}",
                            {"name": f"Name {n}", "version": version}).json["version"]
    path = f"/api/v1/products/{product['id']}/history"
    first = api.get(path, limit=2).json
    second = api.get(path, limit=2, cursor=first["next_cursor"]).json
    assert [c["changes"]["name"][1] for c in first["items"]] == ["Name 4", "Name 3"]
    assert [c["changes"]["name"][1] for c in second["items"]] == ["Name 2", "Name 1"]
    back = api.get(path, limit=2, before=second["prev_cursor"]).json
    assert back["items"] == first["items"]


def test_undo_of_an_edit_restores_every_field_as_a_new_change(api):
    product = api.product("DR-1", price="10.00", name="Drill")
    api.patch(f"/api/v1/products/{product['id']}",
              {"name": "Cordless drill", "price": "12.50", "version": product["version"]})
    edit = history(api, f"/api/v1/products/{product['id']}")[0]
    undone = api.post(f"/api/v1/history/{edit['id']}/undo", status=201).json
    assert undone["undone"] == edit["id"]
    restored = api.get(f"/api/v1/products/{product['id']}").json
    assert (restored["name"], restored["price"]) == ("Drill", "10.00")
    newest = history(api, f"/api/v1/products/{product['id']}")[0]
    assert newest["undoes"] == edit["id"]
    assert newest["changes"] == {"name": ["Cordless drill", "Drill"],
                                 "price": ["12.50", "10.00"]}
    again = api.post(f"/api/v1/history/{edit['id']}/undo", status=409).json
    assert str(newest["id"]) in again["detail"]  # undone already, by that change


def test_undo_is_refused_naming_the_later_change_that_touched_the_same_field(api):
    product = api.product("DR-1", name="Drill")
    second = api.patch(f"/api/v1/products/{product['id']}",
                       {"name": "Drill 2", "version": product["version"]}).json
    api.patch(f"/api/v1/products/{product['id']}", {"name": "Drill 3",
                                                    "version": second["version"]})
    later, first_edit = history(api, f"/api/v1/products/{product['id']}")[:2]
    refused = api.post(f"/api/v1/history/{first_edit['id']}/undo", status=409).json
    assert f"Change {later['id']}" in refused["detail"] and "name" in refused["detail"]
    assert api.get(f"/api/v1/products/{product['id']}").json["name"] == "Drill 3"


def test_undo_of_an_edit_of_other_fields_than_a_later_one_goes_through(api):
    product = api.product("DR-1", name="Drill", price="10.00")
    after = api.patch(f"/api/v1/products/{product['id']}",
                      {"name": "Drill 2", "version": product["version"]}).json
    api.patch(f"/api/v1/products/{product['id']}", {"price": "11.00",
                                                    "version": after["version"]})
    rename = history(api, f"/api/v1/products/{product['id']}")[1]
    api.post(f"/api/v1/history/{rename['id']}/undo", status=201)
    now = api.get(f"/api/v1/products/{product['id']}").json
    assert (now["name"], now["price"]) == ("Drill", "11.00")


def test_undo_of_a_stock_adjustment_is_a_counter_movement_and_the_ledger_balances(api):
    product = api.product("DR-1", stock=10)
    api.post("/api/v1/stock-adjustments", {"product_id": product["id"], "delta": -4,
                                           "reason": "broken"}, status=201)
    adjustment = history(api, f"/api/v1/products/{product['id']}")[0]
    assert adjustment["changes"] == {"stock": [10, 6]}
    api.post(f"/api/v1/history/{adjustment['id']}/undo", status=201)
    assert api.get(f"/api/v1/products/{product['id']}").json["stock"] == 10
    with db.database.connection_context():
        deltas = [m.delta for m in StockMovement.select().where(
            StockMovement.product == product["id"]).order_by(StockMovement.id)]
    assert deltas == [10, -4, 4] and sum(deltas) == 10


def test_undo_of_a_delivery_whose_stock_was_sold_since_is_refused(api):
    product = api.product("DR-1", stock=0)
    api.post("/api/v1/stock-adjustments", {"product_id": product["id"], "delta": 5,
                                           "reason": "delivery"}, status=201)
    delivery = history(api, f"/api/v1/products/{product['id']}")[0]
    customer = api.customer()
    api.placed_order(customer["id"], (product["id"], 3))
    refused = api.post(f"/api/v1/history/{delivery['id']}/undo", status=409).json
    assert "stock" in refused["detail"].lower()
    assert api.get(f"/api/v1/products/{product['id']}").json["stock"] == 2


def test_undo_of_an_archive_puts_the_product_back(api):
    product = api.product("DR-1")
    api.delete(f"/api/v1/products/{product['id']}", status=200)
    archive = history(api, f"/api/v1/products/{product['id']}")[0]
    assert archive["action"] == "archive"
    api.post(f"/api/v1/history/{archive['id']}/undo", status=201)
    assert api.get(f"/api/v1/products/{product['id']}").json["is_active"] is True


@pytest.mark.parametrize("verb, use", [("place", "cancel"), ("cancel", "new order")])
def test_placing_and_cancelling_keep_their_own_verbs(api, verb, use):
    product = api.product("DR-1", stock=5)
    order = api.placed_order(api.customer()["id"], (product["id"], 1))
    if verb == "cancel":
        api.post(f"/api/v1/orders/{order['id']}/cancel")
    change = next(c for c in history(api, f"/api/v1/orders/{order['id']}")
                  if c["action"] == verb)
    refused = api.post(f"/api/v1/history/{change['id']}/undo", status=409).json
    assert use in refused["detail"]


def test_stock_that_moved_with_an_order_is_undone_by_cancelling_it(api):
    product = api.product("DR-1", stock=5)
    order = api.placed_order(api.customer()["id"], (product["id"], 2))
    moved = history(api, f"/api/v1/products/{product['id']}")[0]
    assert moved["details"] == {"order_id": order["id"]}
    refused = api.post(f"/api/v1/history/{moved['id']}/undo", status=409).json
    assert f"/api/v1/orders/{order['id']}/cancel" in refused["detail"]


def test_undoing_a_customer_edit_and_a_category_rename(api):
    customer = api.customer("Ada", email="ada@example.org")
    api.patch(f"/api/v1/customers/{customer['id']}", {"email": "ada@example.com",
                                                      "version": customer["version"]})
    edit = history(api, f"/api/v1/customers/{customer['id']}")[0]
    api.post(f"/api/v1/history/{edit['id']}/undo", status=201)
    assert api.get(f"/api/v1/customers/{customer['id']}").json["email"] == "ada@example.org"

    tools = api.category("Tools")
    api.patch(f"/api/v1/categories/{tools['id']}", {"name": "Power tools"})
    rename = history(api, f"/api/v1/categories/{tools['id']}")[0]
    api.post(f"/api/v1/history/{rename['id']}/undo", status=201)
    assert api.get(f"/api/v1/categories/{tools['id']}").json["name"] == "Tools"


def test_undo_keeps_the_last_admin_an_admin(api_as):
    admin = api_as("admin")
    me = admin.get("/api/v1/me").json["user"]
    other = admin.post("/api/v1/users", {"email": "b@example.org", "name": "B",
                                         "password": "a long fresh phrase",
                                         "role": "admin"}, status=201).json
    admin.patch(f"/api/v1/users/{other['id']}", {"role": "staff"})  # demoted...
    demotion = history(admin, f"/api/v1/users/{other['id']}")[0]
    admin.patch(f"/api/v1/users/{me['id']}", {"role": "viewer"}, status=409)  # still last
    promoted = admin.post(f"/api/v1/history/{demotion['id']}/undo", status=201).json
    assert promoted["changes"][0]["changes"] == {"role": ["staff", "admin"]}


def test_staff_cannot_undo_a_change_to_a_user_and_viewers_cannot_undo_at_all(api_as):
    admin, staff, viewer = api_as("admin"), api_as("staff"), api_as("viewer")
    user = admin.post("/api/v1/users", {"email": "c@example.org", "name": "C",
                                        "password": "a long fresh phrase"}, status=201).json
    admin.patch(f"/api/v1/users/{user['id']}", {"name": "Cee"})
    change = history(admin, f"/api/v1/users/{user['id']}")[0]
    staff.post(f"/api/v1/history/{change['id']}/undo", status=403)
    product = staff.product("DR-1")
    creation = history(staff, f"/api/v1/products/{product['id']}")[0]
    viewer.post(f"/api/v1/history/{creation['id']}/undo", status=403)
    staff.get("/api/v1/history", status=403)  # the whole journal is for admins


def test_a_product_as_of_a_past_time_has_the_values_it_had_then(api):
    product = api.product("DR-1", price="10.00", name="Drill", stock=10)
    path = f"/api/v1/products/{product['id']}"
    version = product["version"]
    for name, price in (("Drill 2", "11.00"), ("Drill 3", "12.00")):
        version = api.patch(path, {"name": name, "price": price,
                                   "version": version}).json["version"]
        api.post("/api/v1/stock-adjustments", {"product_id": product["id"], "delta": -1,
                                               "reason": "sold at the counter"}, status=201)
    changes = list(reversed(history(api, path)))  # oldest first
    seen = []
    for change in changes:
        then = api.get(path, as_of=change["at"]).json
        seen.append((then["name"], then["price"], then["stock"]))
    assert seen[-4:] == [("Drill 2", "11.00", 10), ("Drill 2", "11.00", 9),
                         ("Drill 3", "12.00", 9), ("Drill 3", "12.00", 8)]
    assert api.get(path).json["name"] == "Drill 3"  # today's is untouched
    api.get(path, as_of="2001-01-01T00:00:00Z", status=404)  # it did not exist yet


def test_the_stock_of_every_product_at_a_past_time(api):
    first = api.product("A-1", stock=5)
    api.post("/api/v1/stock-adjustments", {"product_id": first["id"], "delta": 3,
                                           "reason": "delivery"}, status=201)
    moment = history(api, f"/api/v1/products/{first['id']}")[0]["at"]
    api.post("/api/v1/stock-adjustments", {"product_id": first["id"], "delta": -8,
                                           "reason": "broken"}, status=201)
    api.product("B-1", stock=7)  # made after the moment: not listed
    levels = api.get("/api/v1/stock-levels", as_of=moment).json["items"]
    assert levels == [{"product_id": first["id"], "sku": "A-1", "name": "Product A-1",
                       "stock": 8}]


@pytest.mark.parametrize("as_of", ["yesterday", "9999-12-31T23:59:59-23:59", "1999-01-01"])
def test_an_as_of_that_is_not_a_time_we_can_mean_is_a_400_naming_it(api, as_of):
    product = api.product("DR-1")
    problem = api.get(f"/api/v1/products/{product['id']}", as_of=as_of, status=400).json
    assert "as_of" in problem["errors"]


def test_the_journal_filters_by_record_user_and_time(api_as):
    admin, staff = api_as("admin"), api_as("staff")
    product = staff.product("DR-1")
    staff.customer("Ada")
    mine = admin.get("/api/v1/history", entity="product", entity_id=str(product["id"])).json
    assert {c["entity"] for c in mine["items"]} == {"product"}
    staff_id = staff.get("/api/v1/me").json["user"]["id"]
    by_staff = admin.get("/api/v1/history", user_id=staff_id).json["items"]
    assert {c["entity"] for c in by_staff} >= {"product", "customer"}
    assert all(c["user"]["id"] == staff_id for c in by_staff)
    later = admin.get("/api/v1/history", since="2099-01-01T00:00:00Z").json["items"]
    assert later == []


def test_a_record_that_never_was_has_no_history(api):
    api.get("/api/v1/products/999999/history", status=404)


def test_secrets_are_never_in_the_journal(api_as, client):
    admin = api_as("admin")
    admin.post("/api/v1/users", {"email": "d@example.org", "name": "D",
                                 "password": "a long fresh phrase"}, status=201)
    admin.post("/api/v1/tokens", {"name": "script"}, status=201)
    admin.post("/api/v1/webhooks", {"url": "http://127.0.0.1:9/hook",
                                    "events": ["order.placed"],
                                    "secret": "a secret of sixteen+"}, status=201)
    with db.database.connection_context():
        journal = " ".join(f"{c.changes} {c.details}" for c in Change.select())
    for secret in ("password_hash", "token_hash", "a long fresh phrase", "$argon2",
                   "a secret of sixteen+", "'secret'"):
        assert secret not in journal
