"""The route guard: a Bottle plugin every route passes through.

Each route declares the permission it needs (``permission="catalog:read"``); the guard
checks it before the handler runs and turns whatever the handler raises into the
right error response. A route without a permission cannot be registered.
"""

import contextlib

import bottle

from tinyapp.db import MAX_ID
from tinyapp.errors import NotFound
from tinyapp.web.errors import BadRequest, response_for_exception

PUBLIC = "public"


class RouteWithoutPermission(Exception):
    """A route was added without saying who may call it."""


class Guard:
    name = "guard"
    api = 2

    def __init__(self, check_access, database):
        self.check_access = check_access  # (permission) -> None, raises when refused
        self.database = database

    def apply(self, callback, route):
        permission = route.config.get("permission")
        if permission is None:
            raise RouteWithoutPermission(f"{route.method} {route.rule} has no permission")
        # A route is lent a database connection for its run (its first query borrows
        # it), unless it says it needs none (database=False: static files, /healthz).
        borrow = self.database.lending if route.config.get("database", True) \
            else contextlib.nullcontext
        # The pages read forms; the API reads JSON and refuses forms (415) unread.
        check_form = _refuse_unreadable_forms if not route.rule.startswith("/api/") \
            else lambda: None

        def guarded(*args, **kwargs):
            try:
                with borrow():
                    check_form()  # before the CSRF check reads the form
                    self.check_access(permission)
                    _refuse_impossible_ids(kwargs)
                    return callback(*args, **kwargs)
            except bottle.HTTPResponse:
                raise
            except Exception as exc:  # noqa: BLE001 - the one place that formats errors
                return response_for_exception(exc)

        return guarded


def _refuse_impossible_ids(url_args: dict) -> None:
    """Answer 404 for an id in the URL (``<id:int>``) that no row can have, e.g. -1 or 10**30."""
    for value in url_args.values():
        if isinstance(value, int) and not 0 < value <= MAX_ID:
            raise NotFound("There is nothing at this address.")


FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _refuse_unreadable_forms() -> None:
    """Answer 400 for a posted form with a field that is not UTF-8 text.

    Bottle reads such a field as "" (``getunicode``), and an edit would then save ""
    over the text that was there. Browsers send UTF-8 for tinyapp's pages, so only a
    crafted or mis-encoded request meets this.
    """
    if bottle.request.method != "POST" or \
            not bottle.request.content_type.startswith(FORMS):
        return
    try:
        forms = bottle.request.forms  # multipart: bottle decodes each part, or raises
        if forms.recode_unicode:  # urlencoded: the bytes are kept, as latin-1 text
            for name, value in forms.allitems():
                name.encode("latin-1").decode("utf-8")
                value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        raise BadRequest("The form is not valid UTF-8 text; send it again from the "
                         "page.") from None
