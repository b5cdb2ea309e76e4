"""A JSON client for the API tests: a real WSGI call per request, signed in by bearer token."""

import re

import webtest

from tinyapp import db
from tinyapp.services import accounts


def client_as(app, role: str = "staff", email: str | None = None) -> "ApiClient":
    """A client of app as a new user of that role, with a bearer token of its own.

    The users are made in the database the test has bound (databases.use(app.database)).
    """
    with db.database.connection_context():
        user = accounts.create_user(email or f"{role}@example.com", role.title(),
                                    "a long passphrase", role=role)
        _, secret = accounts.create_token(user, "tests")
    return ApiClient(webtest.TestApp(app), secret)


def queries_of(response) -> int:
    """How many SQL statements the app ran to answer (its Server-Timing header says)."""
    return int(re.search(r'desc="(\d+) queries"', response.headers["Server-Timing"]).group(1))


class ApiClient:
    """Send JSON to the app as one user; each call states the status it expects."""

    def __init__(self, app: webtest.TestApp, token: str | None = None):
        self.app = app
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, status: int = 200, params: dict | None = None, **more_params):
        """GET with query parameters (pass ``params`` for names like "status")."""
        return self.app.get(path, params={**(params or {}), **more_params},
                            headers=self.headers, status=status)

    def post(self, path: str, body: dict | None = None, status: int = 200):
        return self.app.post_json(path, body if body is not None else {},
                                  headers=self.headers, status=status)

    def patch(self, path: str, body: dict, status: int = 200):
        return self.app.patch_json(path, body, headers=self.headers, status=status)

    def put(self, path: str, body: dict, status: int = 200):
        return self.app.put_json(path, body, headers=self.headers, status=status)

    def delete(self, path: str, status: int = 204):
        return self.app.delete(path, headers=self.headers, status=status)

    # -- shortcuts that build test data through the API itself --

    def category(self, name: str = "Tools") -> dict:
        return self.post("/api/v1/categories", {"name": name}, status=201).json

    def product(self, sku: str = "DR-100", price: str = "10.00", stock: int = 10,
                **extra) -> dict:
        body = {"sku": sku, "name": extra.pop("name", f"Product {sku}"), "price": price,
                "stock": stock, **extra}
        return self.post("/api/v1/products", body, status=201).json

    def customer(self, name: str = "Ada Lovelace", **extra) -> dict:
        return self.post("/api/v1/customers", {"name": name, **extra}, status=201).json

    def order(self, customer_id: int, *lines: tuple[int, int]) -> dict:
        body = {"customer_id": customer_id,
                "lines": [{"product_id": p, "quantity": q} for p, q in lines]}
        return self.post("/api/v1/orders", body, status=201).json

    def placed_order(self, customer_id: int, *lines: tuple[int, int]) -> dict:
        order = self.order(customer_id, *lines)
        return self.post(f"/api/v1/orders/{order['id']}/place").json
