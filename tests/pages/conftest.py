"""Fixtures for the page tests: a browser-like client signed in through the login form."""

import pytest

from tests.conftest import PASSWORD
from tinyapp import db
from tinyapp.services import catalog, customers


def csrf_of(page) -> str:
    """The CSRF token a page embeds in its forms."""
    return page.html.select_one('input[name="csrf_token"]')["value"]


@pytest.fixture
def sign_in(client, make_user):
    """Sign the client in through the login form as a new user of a role; return the user."""
    def as_role(role: str = "staff"):
        user = make_user(role)
        form = client.get("/login").forms[0]
        form["email"] = user.email
        form["password"] = PASSWORD
        form.submit(status=303)
        return user
    return as_role


@pytest.fixture
def shop(database):
    """A category, two products (a drill: 10 in stock; bits: 3) and a customer."""
    with db.database.connection_context():
        tools = catalog.create_category("Tools")
        drill = catalog.create_product({"sku": "DR-1", "name": "Drill", "price": "99.90",
                                        "stock": 10, "category_id": tools.id})
        bits = catalog.create_product({"sku": "BT-1", "name": "Bits", "price": "5.00",
                                       "stock": 3, "reorder_level": 5})
        ada = customers.create_customer({"name": "Ada Lovelace", "email": "ada@example.com"})
    return {"category": tools, "drill": drill, "bits": bits, "customer": ada}
