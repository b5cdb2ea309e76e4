"""Render a page inside the layout, with what every page needs: who is signed in,
what they may do (``can("catalog:write")``), the CSRF token for forms, flash messages,
and the formatting helpers the templates share.
"""

import datetime as dt
from decimal import Decimal
from typing import NoReturn
from urllib.parse import urlencode

import bottle

from tinyapp.security import permissions
from tinyapp.web import auth
from tinyapp.web.pages.forms import take_flashes
from tinyapp.web.render import render

DEFAULT_PAGE_SIZE = 20


def page(template: str, title: str, section: str = "", status: int = 200, **context) -> str:
    """Render templates/<template> in the layout; ``section`` marks the current nav link."""
    who = auth.identity()
    user = who.user if who else None
    bottle.response.status = status
    bottle.response.set_header("Cache-Control", "no-store")  # pages show private data
    return render(template, title=title, section=section, me=user,
                  can=lambda action: permissions.allowed(user.role if user else None, action),
                  csrf_token=who.session.csrf_token if who and who.session else "",
                  flashes=take_flashes(), enhance=True, money=money, when=when, day=day, url=url,
                  **context)


def page_size() -> int:
    """The signed-in user's preferred number of rows per page."""
    user = auth.current_user()
    preferences = (user.preferences or {}) if user else {}
    return int(preferences.get("page_size", DEFAULT_PAGE_SIZE))


def query_args(*names: str) -> dict[str, str]:
    """Read the named query-string parameters, leaving out blank ones (a list's filters)."""
    found = {}
    for name in names:
        value = bottle.request.query.getunicode(name)
        if value is not None and value.strip() != "":
            found[name] = value.strip()
    return found


def safe_next(target: str | None, default: str = "/") -> str:
    """Return target if it is a path on this site (never another site), else default."""
    if (target and target.startswith("/") and not target.startswith(("//", "/\\"))
            and target.isprintable()):
        return target
    return default


def url(path: str, **params) -> str:
    """Build a link with a query string, leaving out empty parameters."""
    kept = {key: value for key, value in params.items() if value not in (None, "", False)}
    return f"{path}?{urlencode(kept)}" if kept else path


def money(amount: Decimal | str | None) -> str:
    """Format an amount as 1,234.50."""
    return "" if amount is None else f"{Decimal(amount):,.2f}"


def when(moment: dt.datetime | None) -> str:
    """Format a time as '24 Nov 2026, 14:05' (UTC, as stored)."""
    return "" if moment is None else moment.astimezone(dt.UTC).strftime("%d %b %Y, %H:%M")


def day(moment: dt.datetime | dt.date | None) -> str:
    """Format a date as '24 Nov 2026'."""
    return "" if moment is None else moment.strftime("%d %b %Y")


def redirect(location: str) -> NoReturn:
    """Answer a form post with 303 See Other: the browser then GETs the next page."""
    bottle.redirect(location, 303)
