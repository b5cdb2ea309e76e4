"""Who is asking: a session cookie or a bearer token, checked against the permission table.

The route guard calls ``check_access(permission)`` before every handler. A browser
proves itself with the session cookie and, for anything that changes data, with the
session's CSRF token; a script sends ``Authorization: Bearer <token>`` and needs no CSRF
token (a browser never adds that header by itself).
"""

import datetime as dt
import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

import bottle

from tinyapp.errors import NotAuthenticated, PermissionDenied, TooManyRequests
from tinyapp.models import ApiToken, Session, User
from tinyapp.models.accounts import normalize_email
from tinyapp.security import permissions
from tinyapp.security.tokens import same
from tinyapp.services import accounts
from tinyapp.unit_of_work import acting

SESSION_COOKIE = "tinyapp_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_NOBODY = object()


@dataclass(frozen=True)
class Identity:
    user: User
    session: Session | None = None  # set when signed in by cookie
    token: ApiToken | None = None   # set when signed in by bearer token


def settings():
    return bottle.request.app.config["tinyapp.settings"]


def identity() -> Identity | None:
    """Resolve (once per request) who sent it; None when nobody is signed in."""
    environ = bottle.request.environ
    found = environ.get("tinyapp.identity", _NOBODY)
    if found is _NOBODY:
        found = _authenticate()
        environ["tinyapp.identity"] = found
        if found is not None:
            environ["tinyapp.user_id"] = found.user.id
            acting(found.user)  # the journal records who made this request's changes
    return found


def current_user() -> User | None:
    found = identity()
    return found.user if found else None


def can(action: str) -> bool:
    """Tell whether whoever sent this request may perform action (for what a page offers)."""
    user = current_user()
    return permissions.allowed(user.role if user else None, action)


def _authenticate() -> Identity | None:
    header = bottle.request.get_header("Authorization", "")
    if header:
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise NotAuthenticated("Use 'Authorization: Bearer <token>'.")
        token = accounts.find_token(secret.strip())
        if token is None:
            raise NotAuthenticated("This API token is invalid, expired or revoked.")
        return Identity(user=token.user, token=token)
    cookie = bottle.request.get_cookie(SESSION_COOKIE)
    if cookie:
        idle = dt.timedelta(minutes=settings().SESSION_IDLE_MINUTES)
        session = accounts.find_session(cookie, idle)
        if session is not None:
            return Identity(user=session.user, session=session)
    return None


def check_access(permission: str) -> None:
    """Let the request through, or raise NotAuthenticated / PermissionDenied."""
    if permission == permissions.PUBLIC:
        return
    if permission == "metrics:read" and _on_metrics_allow_list():
        return
    who = identity()
    if who is None:
        raise NotAuthenticated("Sign in first: send the session cookie or a bearer token.")
    if who.session is not None and bottle.request.method not in SAFE_METHODS:
        _require_csrf_token(who.session)
    if who.token is not None and not permissions.token_allows(who.token.scope, permission):
        raise PermissionDenied(f"This API token's scope ({who.token.scope}) does not "
                               "cover this.")
    if not permissions.allowed(who.user.role, permission):
        raise PermissionDenied(permissions.refusal(who.user.role, permission),
                               permission=permission)


def _on_metrics_allow_list() -> bool:
    """Tell whether the client's address is in METRICS_ALLOW (a scraper on the network)."""
    networks = settings().METRICS_ALLOW
    if not networks:
        return False
    try:
        address = ipaddress.ip_address(client_ip())
    except ValueError:
        return False
    return any(address in network for network in networks)


def _require_csrf_token(session: Session) -> None:
    sent = bottle.request.get_header(CSRF_HEADER) or _form_csrf_token()
    if not sent or not same(sent, session.csrf_token):
        raise PermissionDenied("The CSRF token is missing or wrong: reload the page and "
                               "try again.")


def _form_csrf_token() -> str:
    content_type = bottle.request.content_type or ""
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return bottle.request.forms.getunicode(CSRF_FIELD) or ""
    return ""


# -- signing in and out (the API and the login page share these) --

def require_same_origin() -> None:
    """Refuse a sign-in or setup that another site's page sent (login CSRF).

    There is no session yet, hence no CSRF token: the browser's own word decides.
    ``Sec-Fetch-Site`` (every current browser) must say same-origin, or none (typed or
    bookmarked); failing that, an ``Origin`` header must name this host. A request with
    neither comes from a script or a very old browser, which no other site can drive.
    """
    fetch_site = bottle.request.get_header("Sec-Fetch-Site")
    origin = bottle.request.get_header("Origin")
    if fetch_site is not None:
        allowed = fetch_site in ("same-origin", "none")
    elif origin is not None:
        host = bottle.request.get_header("Host", "").rsplit(":", 1)[0].strip("[]").lower()
        allowed = urlsplit(origin).hostname == host and host != ""
    else:
        allowed = True
    if not allowed:
        raise PermissionDenied("This sign-in came from another site; open the sign-in "
                               "page of tinyapp itself.")


def sign_in(email: str, password: str) -> tuple[User, Session]:
    """Check the credentials under the login throttle, open a session, set its cookie."""
    require_same_origin()
    throttle = bottle.request.app.config["tinyapp.throttle"]
    email = normalize_email(email)
    wait = throttle.retry_after(email, client_ip())
    if wait:
        raise TooManyRequests(f"Too many failed sign-ins; try again in {wait} seconds.",
                              retry_after=wait)
    try:
        user, session, token = accounts.log_in(
            email, password, ip=client_ip(), max_age=session_max_age(),
            user_agent=bottle.request.get_header("User-Agent", ""))
    except NotAuthenticated:
        throttle.failed(email, client_ip())
        raise
    throttle.succeeded(email, client_ip())
    set_session_cookie(token, session_max_age())
    return user, session


def sign_out() -> None:
    """End this request's session (a bearer token stays valid) and drop the cookie."""
    who = identity()
    if who is not None and who.session is not None:
        accounts.log_out(who.session)
    clear_session_cookie()


# -- the cookie --

def is_https() -> bool:
    """Tell whether the browser used HTTPS (the middleware decided, trusting only the proxy)."""
    return bottle.request.environ.get("wsgi.url_scheme") == "https"


def client_ip() -> str:
    return bottle.request.environ.get("tinyapp.client_ip", "")


def set_session_cookie(token: str, max_age: dt.timedelta) -> None:
    """Send the session cookie: HttpOnly, SameSite=Lax, Secure under HTTPS."""
    bottle.response.set_cookie(SESSION_COOKIE, token, path="/", httponly=True,
                               samesite="lax", max_age=int(max_age.total_seconds()),
                               secure=is_https() or settings().SECURE_COOKIES)


def clear_session_cookie() -> None:
    bottle.response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax",
                                  secure=is_https() or settings().SECURE_COOKIES)


def session_max_age() -> dt.timedelta:
    return dt.timedelta(hours=settings().SESSION_MAX_HOURS)
