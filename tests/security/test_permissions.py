"""Every route, every role: the answer matches the permission table, nothing else decides.

The walk reads the routes from the running app, so a new route is checked the moment
it exists; a route registered without a permission cannot even be built.
"""

import re

import bottle
import pytest
import webtest

from tinyapp import db
from tinyapp.security import permissions
from tinyapp.services import accounts
from tinyapp.web.guard import Guard, RouteWithoutPermission

ROLES = [None, "viewer", "staff", "admin"]


def concrete(rule: str) -> str:
    """Fill a route's placeholders: ids that do not exist, a file that does."""
    rule = re.sub(r"<\w+:int>", "999999", rule)
    return re.sub(r"<\w+:path>", "app.css", re.sub(r"<\w+>", "x", rule))


def call(client: webtest.TestApp, method: str, url: str, token: str | None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if method in ("GET", "HEAD", "DELETE"):
        return client.request(url, method=method, headers=headers, status="*")
    return client.request(url, method=method, headers={**headers,
                          "Content-Type": "application/json"}, body=b"{}", status="*")


def test_every_route_answers_every_role_as_the_table_says(app, make_user):
    tokens = {None: None}
    for role in ROLES[1:]:
        user = make_user(role)
        with db.database.connection_context():
            tokens[role] = accounts.create_token(user, "walk")[1]
    client = webtest.TestApp(app)
    checked, wrong = 0, []
    for route in app.bottle.routes:
        permission = route.config["permission"]
        assert permission in permissions.ACTIONS, f"{route.rule}: unknown {permission!r}"
        url = concrete(route.rule)
        for role in ROLES:
            response = call(client, route.method, url, tokens[role])
            allowed = permissions.allowed(role, permission)
            status = response.status_int
            if allowed and status in (401, 403):
                wrong.append(f"{route.method} {route.rule} as {role}: {status}, expected access")
            elif not allowed and role is None and status not in (401, 303):
                wrong.append(f"{route.method} {route.rule} anonymous: {status}, expected 401")
            elif not allowed and role is not None and status != 403:
                wrong.append(f"{route.method} {route.rule} as {role}: {status}, expected 403")
            elif status >= 500:
                wrong.append(f"{route.method} {route.rule} as {role}: {status}")
            checked += 1
    assert wrong == []
    assert checked >= 4 * 40


def test_a_page_sends_an_anonymous_browser_to_the_login_page(app):
    protected = [r for r in app.bottle.routes if r.method == "GET"
                 and not r.rule.startswith(("/api/", "/static/")) and r.rule != "/metrics"
                 and r.config["permission"] not in (permissions.PUBLIC,)]
    for route in protected:
        response = webtest.TestApp(app).get(concrete(route.rule), status=303)
        assert response.headers["Location"].startswith("/login")


def test_a_route_without_a_permission_cannot_be_built():
    app = bottle.Bottle()
    app.install(Guard(check_access=lambda permission: None, database=None))
    app.route("/forgotten", "GET", lambda: "oops")
    with pytest.raises(RouteWithoutPermission):
        app.routes[0].prepare()


@pytest.mark.parametrize("role, action, expected", [
    (None, "public", True), (None, "signed_in", False), (None, "catalog:read", False),
    ("viewer", "catalog:read", True), ("viewer", "catalog:write", False),
    ("viewer", "reports:read", True), ("staff", "orders:write", True),
    ("staff", "users:manage", False), ("staff", "backups:manage", False),
    ("admin", "users:manage", True), ("admin", "system:manage", True),
    ("admin", "backups:manage", True), ("nobody", "catalog:read", False),
    ("admin", "metrics:read", True), ("staff", "metrics:read", False),
])
def test_the_table(role, action, expected):
    assert permissions.allowed(role, action) is expected
