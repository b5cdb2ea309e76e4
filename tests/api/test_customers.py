"""Customers through the API, on every engine."""

import pytest


def test_create_read_update_and_archive_a_customer(api):
    ada = api.customer("Ada Lovelace", email=" Ada@Example.COM ", phone="+44 20 7946 0958",
                       address="12 St James's Square\nLondon")
    assert ada["email"] == "ada@example.com"
    assert api.get(f"/api/v1/customers/{ada['id']}").json["address"].endswith("London")

    changed = api.patch(f"/api/v1/customers/{ada['id']}",
                        {"notes": "Prefers e-mail", "version": ada["version"]}).json
    assert changed["notes"] == "Prefers e-mail" and changed["version"] == 2
    api.patch(f"/api/v1/customers/{ada['id']}", {"notes": "x", "version": 1}, status=409)

    archived = api.delete(f"/api/v1/customers/{ada['id']}", status=200).json
    assert archived["is_active"] is False


@pytest.mark.parametrize("field, value", [
    ("email", "not-an-address"), ("phone", "call me"), ("name", ""), ("name", "x" * 201),
    ("email", "a@b.c" + "c" * 260),
])
def test_invalid_customer_fields_are_named(api, field, value):
    body = {"name": "Fine", field: value}
    assert list(api.post("/api/v1/customers", body, status=422).json["errors"]) == [field]


def test_an_empty_email_means_none(api):
    assert api.customer("No Mail", email="")["email"] is None


def test_list_sorts_filters_and_searches(api):
    for name in ("Carol", "alice", "Bob"):
        api.customer(name)
    names = [c["name"] for c in api.get("/api/v1/customers").json["items"]]
    assert sorted(names, key=str.lower) == sorted(names, key=str.lower)
    assert [c["name"] for c in api.get("/api/v1/customers", q="bo").json["items"]] == ["Bob"]


def test_unknown_customer_is_404(api):
    api.get("/api/v1/customers/424242", status=404)
    api.patch("/api/v1/customers/424242", {"name": "x", "version": 1}, status=404)
