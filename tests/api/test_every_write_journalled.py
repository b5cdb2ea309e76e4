"""Every write endpoint leaves its change in the journal: audit is complete by construction.

tests/support/writes.py names, for each POST/PUT/PATCH/DELETE route of the API, a request
that writes through it and the journal row it must leave (entity and action), made by
the user who sent it, in the request that did it. A new write route that is not in that
table fails the first test, so it cannot be added without its journal being checked.
"""

import pytest
import webtest

from tests.support.writes import SETUP, WRITES, Shop
from tinyapp import db
from tinyapp.models import Change, User


@pytest.fixture
def shop(app, make_user) -> Shop:
    return Shop(app, make_user)


def test_every_write_route_of_the_api_is_in_the_table(app):
    writes = {(route.method, route.rule) for route in app.bottle.routes
              if route.rule.startswith("/api/") and route.method in ("POST", "PUT", "PATCH",
                                                                     "DELETE")}
    assert writes == set(WRITES) | {SETUP}


@pytest.mark.parametrize("route", list(WRITES), ids=lambda route: " ".join(route))
def test_a_write_leaves_its_change_in_the_journal_by_its_user_in_its_request(shop, route):
    send, entity, action = WRITES[route]
    with db.database.connection_context():
        last = Change.select(Change.id).order_by(Change.id.desc()).scalar() or 0
    reply, user = send(shop)
    with db.database.connection_context():
        new = list(Change.select().where(Change.id > last).order_by(Change.id))
    request_id = reply.headers["X-Request-Id"]
    assert (entity, action) in {(c.entity, c.action) for c in new
                                if c.request_id == request_id}, [
        (c.entity, c.action, c.request_id) for c in new]
    assert all(c.user_id == user.id for c in new if c.request_id == request_id)


def test_setting_up_the_first_admin_is_journalled(app):
    first_run = app.bottle.config["tinyapp.first_run"]
    with db.database.connection_context():
        token = first_run.pending_link("http://localhost/").split("token=")[1]
    reply = webtest.TestApp(app).post_json("/api/v1/setup", {
        "token": token, "email": "boss@example.org", "name": "Boss",
        "password": "the boss phrase 123"}, status=201)
    with db.database.connection_context():
        boss = User.get(User.email == "boss@example.org")
        journalled = Change.get(Change.request_id == reply.headers["X-Request-Id"])
    assert (journalled.entity, journalled.entity_id, journalled.action) == (
        "user", str(boss.id), "create")
    assert "password_hash" not in journalled.changes
