"""No look-alike accounts: e-mails are normalised (NFKC, case folding) before they are
compared, and invisible or bidi control characters are refused in e-mails, names and SKUs."""

import pytest

from tests.conftest import PASSWORD
from tinyapp import db
from tinyapp.models import User
from tinyapp.services import accounts

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: shows what follows backwards
ZWSP = "\u200b"  # ZERO WIDTH SPACE


def new_user(admin, email: str, status: int):
    return admin.post("/api/v1/users", {"email": email, "name": "Look-alike",
                                        "password": "a long fresh phrase"}, status=status)


@pytest.mark.parametrize("original, look_alike", [
    ("kate@example.org", "\uff4bate@example.org"),   # fullwidth k
    ("case@example.org", "ca\u017fe@example.org"),    # long s
    ("kate@example.org", "kate@example.org" + RLO),
    ("kate@example.org", "ka" + ZWSP + "te@example.org"),
    ("kate@example.org", "KATE@EXAMPLE.ORG"),
])
def test_a_look_alike_of_an_existing_address_is_no_new_account(api_as, make_user, original,
                                                                look_alike):
    admin = api_as("admin")
    make_user("staff", email=original)
    response = new_user(admin, look_alike, status=(409, 422))
    assert "email" in (response.json.get("errors") or {response.json.get("field"): 1})
    with db.database.connection_context():
        assert User.select().where(User.email != "admin1@example.com").count() == 1


def test_addresses_are_stored_case_folded_and_found_so_at_login(client, make_user):
    with db.database.connection_context():
        accounts.create_user("Grace.Hopper@Example.ORG", "Grace", PASSWORD)
        assert User.get(User.name == "Grace").email == "grace.hopper@example.org"
    for typed in ("GRACE.HOPPER@example.org", "\uff27race.hopper@example.org"):
        client.post_json("/api/v1/auth/login", {"email": typed, "password": PASSWORD})


@pytest.mark.parametrize("path, body, field", [
    ("/api/v1/categories", {"name": "Tools" + RLO}, "name"),
    ("/api/v1/products", {"sku": "AB-1" + RLO, "name": "x", "price": "1.00"}, "sku"),
    ("/api/v1/products", {"sku": "AB-1", "name": "Drill" + ZWSP, "price": "1.00"}, "name"),
    ("/api/v1/customers", {"name": "Ada" + RLO + "ecalovel"}, "name"),
    ("/api/v1/customers", {"name": "Ada", "email": "ada@example.org" + RLO}, "email"),
    ("/api/v1/tokens", {"name": "\u2066script\u2069"}, "name"),
])
def test_names_skus_and_emails_refuse_invisible_and_bidi_characters(api, path, body, field):
    problem = api.post(path, body, status=422).json
    assert list(problem["errors"]) == [field]


def test_joiners_that_real_names_need_are_kept(api):
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # a ZWNJ between words
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467 pack"  # an emoji ZWJ sequence
    assert api.customer(persian)["name"] == persian
    assert api.product("EMO-1", name=family)["name"] == family


def test_users_created_on_the_command_line_follow_the_same_rule(database):
    with db.database.connection_context():
        accounts.create_user("ops@example.org", "Ops", PASSWORD)
        with pytest.raises(Exception) as raised:
            accounts.create_user("\uff4fps@example.org", "Ops 2", PASSWORD)
        assert "ops@example.org" in str(raised.value) or "email" in str(raised.value)
