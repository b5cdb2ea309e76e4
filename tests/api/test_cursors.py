"""Cursors are checked like every other input: a crafted one is a 400 naming it, never a 500.

The cursor is the id of the last row of the previous page. Thousands of crafted cursors
per list and sort key, old-style packed ones included, must each get either a page or a
400 that names ``cursor``, on every engine.
"""

import base64
import json
import random

import pytest

from tinyapp import db
from tinyapp.errors import Conflict
from tinyapp.models import Category, Customer, Order, Product, StockMovement, User
from tinyapp.pagination import paginate
from tinyapp.schemas.common import InvalidQuery

MAX_ID = 2**31 - 1


def packed(values) -> str:
    """A cursor as tinyapp 1.0 made them: base64 of a JSON [value, id]."""
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


# Each of these answered 500 on tinyapp 1.0 (the engines named in the issue).
ANSWERED_500 = [
    ("/api/v1/products", "price", packed(["NaN", 1])),                          # all
    ("/api/v1/products", "created_at", packed(["9999-12-31T23:59:59-23:59", 1])),  # all
    ("/api/v1/products", "name", packed(["x", 10**23])),                        # SQLite
    ("/api/v1/orders", "number", packed(["SO-\x00", 1])),                       # PostgreSQL
]


@pytest.mark.parametrize("path, sort, cursor", ANSWERED_500)
def test_a_crafted_cursor_is_a_400_naming_the_cursor(api, path, sort, cursor):
    api.product("A-1")
    problem = api.get(path, status=400, sort=sort, cursor=cursor).json
    assert list(problem["errors"]) == ["cursor"]
    assert problem["status"] == 400


def test_every_page_follows_from_the_cursor_of_the_one_before(api):
    for n in range(7):
        api.product(f"P-{n}", name=f"Item {n}", price=f"{n % 3}.00")
    for sort in ("name", "-name", "price", "-price", "sku", "-created_at"):
        seen, cursor = [], None
        while True:
            page = api.get("/api/v1/products", limit=2, sort=sort,
                           **({"cursor": cursor} if cursor else {})).json
            seen += [p["sku"] for p in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        everything = [p["sku"] for p in api.get("/api/v1/products", limit=50,
                                                 sort=sort).json["items"]]
        assert seen == everything, sort


def test_a_cursor_naming_a_row_that_is_gone_says_start_again(api):
    tools, toys = api.category("Tools"), api.category("Toys")
    api.category("Zoo")
    cursor = api.get("/api/v1/categories", limit=1).json["next_cursor"]
    assert cursor == str(tools["id"])
    api.delete(f"/api/v1/categories/{tools['id']}")
    problem = api.get("/api/v1/categories", status=409, limit=1, cursor=cursor).json
    assert "start again" in problem["detail"]
    assert api.get("/api/v1/categories", limit=1, cursor=str(toys["id"])).json["items"]


def crafted_cursors(rng: random.Random, count: int, real_ids: list[int]) -> list:
    """Cursors a hostile client might send: numbers, text, packed values of every type."""
    nasty = [None, True, False, 0, -1, 1.5, float("1e308"), 10**23, -(10**23), MAX_ID,
             MAX_ID + 1, "NaN", "Infinity", "-0", "1e400", "", "\x00", "\ud800", "x" * 600,
             "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59", "2026-02-30",
             "0001-01-01", [], {}, [1, 2], "' OR 1=1 --", "%00", "\u202e", "١٢"]
    found: list = []
    while len(found) < count:
        kind = rng.randrange(6)
        if kind == 0:
            found.append(str(rng.choice(real_ids + [0, -1, MAX_ID, MAX_ID + 1, 10**23])))
        elif kind == 1:
            found.append(packed([rng.choice(nasty), rng.choice(nasty)]))
        elif kind == 2:
            found.append(packed(rng.choice(nasty)))
        elif kind == 3:
            found.append(str(rng.choice(nasty)))
        elif kind == 4:
            found.append("".join(_any_character(rng) for _ in range(rng.randrange(1, 30))))
        else:
            found.append(str(rng.randrange(-(10**30), 10**30)))
    return found


def _any_character(rng: random.Random) -> str:
    code = rng.choice([rng.randrange(32, 127), rng.randrange(0, 0x2FFFF)])
    return chr(code) if not 0xD800 <= code <= 0xDFFF else "?"


LISTS = {  # what each list pages over, and the sort keys its API allows
    "products": (lambda: Product.listing(), ["name", "sku", "price", "stock", "created_at"]),
    "customers": (lambda: Customer.listing(), ["name", "created_at"]),
    "orders": (lambda: Order.listing(), ["created_at", "number"]),
    "categories": (lambda: Category.select(), ["name"]),
    "users": (lambda: User.select(), ["email"]),
    "movements": (lambda: StockMovement.select(), ["id"]),
}


@pytest.mark.parametrize("name", LISTS)
def test_thousands_of_crafted_cursors_per_sort_key_never_fail_the_server(api, name):
    customer = api.customer("Ada")
    product = api.product("FZ-1", stock=50)
    api.placed_order(customer["id"], (product["id"], 1))
    api.category("Tools")
    query, sorts = LISTS[name]
    rng = random.Random(f"cursors-{name}")
    with db.database.connection_context():
        ids = [row.id for row in query()]
        for sort in sorts:
            for key in (sort, "-" + sort):
                answered = 0
                for cursor in crafted_cursors(rng, 2000, ids):
                    try:
                        paginate(query(), key, 5, cursor)
                    except InvalidQuery as exc:
                        assert list(exc.messages) == ["cursor"], (key, cursor)
                    except Conflict:
                        pass  # a cursor naming a row that is not there: start again
                    answered += 1
                assert answered == 2000


def test_crafted_cursors_over_http_answer_400_or_a_page(api):
    api.product("A-1")
    rng = random.Random("over-http")
    for cursor in crafted_cursors(rng, 300, [1]):
        if "\ud800" in cursor:
            continue  # no HTTP client can send half a surrogate pair
        for sort in ("price", "-created_at", "name"):
            response = api.get("/api/v1/products", status="*", sort=sort, cursor=cursor)
            assert response.status_int in (200, 400, 409), (sort, cursor, response.text)
