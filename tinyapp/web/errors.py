"""One place that turns a failure into a response: problem+json for the API, a page otherwise.

Handlers and services raise (``ValidationError``, ``NotFound``, ``Conflict`` …); the
route guard calls ``response_for_exception`` and nothing else formats errors. API
errors follow RFC 9457: ``{"type", "title", "status", "detail", "errors"?}``.
"""

import json
import logging
from urllib.parse import urlencode

import bottle
import peewee
from marshmallow import ValidationError

from tinyapp import db
from tinyapp.errors import (
    AppError,
    Busy,
    Conflict,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    TooManyRequests,
)
from tinyapp.schemas.common import InvalidQuery, UnknownReference
from tinyapp.web.render import render

log = logging.getLogger("tinyapp.web")

TITLES = {
    400: "Bad request", 401: "Not authenticated", 403: "Forbidden", 404: "Not found",
    405: "Method not allowed", 409: "Conflict", 413: "Request body too large",
    415: "Unsupported media type", 422: "Invalid input", 429: "Too many requests",
    500: "Internal server error", 503: "Service unavailable",
}


class BadRequest(AppError):
    """The request itself is malformed (400), e.g. a body that is not JSON."""


class PayloadTooLarge(AppError):
    """The body is larger than MAX_BODY_BYTES (413)."""


class UnsupportedMediaType(AppError):
    """The body is not in a format this endpoint reads (415)."""


# Pages speak to people: friendlier headings than the problem titles scripts rely on.
PAGE_TITLES = {403: "Not allowed for your role", 404: "Page not found",
               409: "That did not work", 413: "That is too large", 422: "Something is not right",
               500: "Something went wrong", 503: "The database is not available"}

STATUS_OF = {NotFound: 404, Conflict: 409, PermissionDenied: 403, NotAuthenticated: 401,
             TooManyRequests: 429, BadRequest: 400, PayloadTooLarge: 413,
             UnsupportedMediaType: 415, Busy: 503}


# Problem fields that an error's details may not overwrite.
RESERVED = frozenset({"type", "title", "status", "detail", "errors", "request_id",
                      "retry_after"})


def request_id() -> str:
    return bottle.request.environ.get("tinyapp.request_id", "-")


def wants_json() -> bool:
    """Answer in JSON for the API and the probes, in HTML for pages."""
    path = bottle.request.path
    return path.startswith("/api/") or path in ("/healthz", "/readyz", "/metrics")


def error_response(status: int, detail: str, errors: dict | None = None,
                   headers: dict | None = None, **extra) -> bottle.HTTPResponse:
    """Build the error response for this request: problem+json or an HTML page."""
    title = TITLES.get(status, "Error")
    if wants_json():
        problem = {"type": "about:blank", "title": title, "status": status, "detail": detail}
        if errors:
            problem["errors"] = errors
        if status >= 500:
            problem["request_id"] = request_id()
        problem.update(extra)
        body = json.dumps(problem)
        content_type = "application/problem+json"
    else:
        body = render("error.tpl", status=status, title=PAGE_TITLES.get(status, title),
                      detail=detail,
                      errors=errors or {}, request_id=request_id(),
                      again=_this_page() if status >= 500 else "", **_signed_in(status))
        content_type = "text/html; charset=utf-8"
    response = bottle.HTTPResponse(body, status=status, **(headers or {}))
    response.content_type = content_type
    return response


def _signed_in(status: int) -> dict:
    """Who is signed in, so an error page keeps the navigation and the way on.

    Not for 5xx answers: the database may be what failed, and the page must not need it.
    """
    if status >= 500:
        return {}
    from tinyapp.web import auth  # auth needs this module's errors; imported when used

    try:
        user = auth.current_user()
    except Exception:  # noqa: BLE001 - an error page without navigation is still a page
        return {}
    if user is None:
        return {}
    who = auth.identity()
    return {"me": user, "can": auth.can,
            "csrf_token": who.session.csrf_token if who.session else ""}


def _this_page() -> str:
    """The address to try again: this page (a form's page, for a failed POST)."""
    target = bottle.request.path
    if bottle.request.method == "GET" and bottle.request.query_string:
        target += "?" + bottle.request.query_string
    return target if target.startswith("/") and not target.startswith("//") else "/"


def response_for_exception(exc: Exception) -> bottle.HTTPResponse:
    """Map an exception raised while handling a request to its error response."""
    if isinstance(exc, InvalidQuery):
        return error_response(400, "Some query parameters are invalid; see errors.",
                              errors=exc.messages)
    if isinstance(exc, UnknownReference):
        return error_response(409, "Something this refers to is not there; see errors.",
                              errors=exc.messages)
    if isinstance(exc, ValidationError):
        errors = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        return error_response(422, "Some fields are invalid; see errors.", errors=errors)
    if isinstance(exc, NotAuthenticated) and not wants_json():
        return _to_login_page()
    if isinstance(exc, AppError):
        status = next((code for kind, code in STATUS_OF.items() if isinstance(exc, kind)), 400)
        headers = {}
        if status in (429, 503):
            headers["Retry-After"] = str(exc.details.get("retry_after", 1))
        extra = {k: v for k, v in exc.details.items() if k not in RESERVED}
        return error_response(status, exc.message, headers=headers, **extra)
    if isinstance(exc, peewee.IntegrityError):
        # Services turn the constraint errors they expect into Conflicts; this is the net.
        return error_response(409, "This change conflicts with existing data.")
    if db.is_unavailable_error(exc):
        bottle.request.environ["tinyapp.db_broken"] = True
        log.error("database unavailable: %s", db.describe_error(exc),
                  extra={"request_id": request_id()})
        return error_response(503, "The database is not available right now. "
                                   "Please try again in a moment.",
                              headers={"Retry-After": "5"})
    log.error("unhandled error", exc_info=exc, extra={"request_id": request_id()})
    return error_response(500, "Something went wrong on our side. The error was logged "
                               f"with request id {request_id()}.")


def _to_login_page() -> bottle.HTTPResponse:
    """Send a browser that is not signed in to the login page, and back here afterwards."""
    target = bottle.request.fullpath
    if bottle.request.query_string and bottle.request.method == "GET":
        target += "?" + bottle.request.query_string
    next_part = "?" + urlencode({"next": target}) if target not in ("/", "/login") else ""
    return bottle.HTTPResponse(status=303, Location="/login" + next_part)


def _bottle_error(error: bottle.HTTPError) -> bottle.HTTPResponse:
    """Format the errors Bottle raises itself: no route (404), wrong method (405), crashes."""
    if error.exception is not None:
        return response_for_exception(error.exception)
    headers = {"Allow": error.headers["Allow"]} if "Allow" in error.headers else None
    detail = error.body if isinstance(error.body, str) and error.body else TITLES.get(
        error.status_code, "Error")
    if error.status_code == 404:
        detail = "There is nothing at this address."
    elif error.status_code == 405:
        detail = f"{bottle.request.method} is not allowed here."
    return error_response(error.status_code, detail, headers=headers)


def install(app: bottle.Bottle) -> None:
    """Make every error Bottle itself produces use our formats."""
    app.default_error_handler = _bottle_error
