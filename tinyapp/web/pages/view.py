"""Render a page inside the layout, with what every page needs: who is signed in,
what they may do (``can("catalog:write")``), the CSRF token for forms, flash messages,
and the formatting helpers the templates share.
"""

from typing import NoReturn
from urllib.parse import urlencode

import bottle

from tinyapp.web import auth, formats
from tinyapp.web.pages.forms import take_flashes
from tinyapp.web.render import render

DEFAULT_PAGE_SIZE = 20


def page(template: str, title: str, section: str = "", status: int = 200, **context) -> str:
    """Render templates/<template> in the layout; ``section`` marks the current nav link.

    A page sent back with a problem (status 400 and up: a form with errors, a refusal)
    gets a title starting "Error:", the first thing a screen reader says.
    """
    heading = title
    if status >= 400:
        title = f"Error: {title}"
    who = auth.identity()
    user = who.user if who else None
    bottle.response.status = status
    bottle.response.set_header("Cache-Control", "no-store")  # pages show private data
    return render(template, title=title, heading=heading, section=section, me=user,
                  can=auth.can,
                  csrf_token=who.session.csrf_token if who and who.session else "",
                  flashes=take_flashes(), enhance=True, money=formats.money, number=formats.number,
                  when=formats.when,
                  day=formats.day, period=formats.period, currency=formats.currency(), url=url,
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


def whole_number(text: str | None, digits: int = 9) -> int | None:
    """The whole number text is (of at most ``digits`` digits), or None.

    Digits of any script count, as int() reads them ("٣" is 3); str.isdigit() is no
    test for that: it also passes "²", which int() refuses, and a page was a 500.
    The bound keeps an id within every engine's integer column.
    """
    return int(text) if text and text.isdecimal() and len(text) <= digits else None


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


def redirect(location: str) -> NoReturn:
    """Answer a form post with 303 See Other: the browser then GETs the next page."""
    bottle.redirect(location, 303)
