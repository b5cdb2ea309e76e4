"""How the pages write amounts and dates: one currency (the CURRENCY setting), and one date
style per person (their preference), used everywhere so a page never mixes styles.

Dates are written in English month names or digits; the styles are those of a few
locales (no locale database is needed). Times are UTC, as stored, and the footer says so.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import bottle

from tinyapp.web import auth


@dataclass(frozen=True)
class DateStyle:
    label: str   # how the preference is offered
    day: str     # strftime patterns
    short: str   # a day without its year, for chart axes
    month: str
    time: str = "%H:%M"


DATE_STYLES = {
    "en-GB": DateStyle("24 Nov 2026 (UK)", "%d %b %Y", "%d %b", "%b %Y"),
    "en-US": DateStyle("Nov 24, 2026 (US)", "%b %d, %Y", "%b %d", "%b %Y", "%I:%M %p"),
    "iso": DateStyle("2026-11-24 (ISO 8601)", "%Y-%m-%d", "%m-%d", "%Y-%m"),
    "de": DateStyle("24.11.2026 (German)", "%d.%m.%Y", "%d.%m.", "%m.%Y"),
    "fr": DateStyle("24/11/2026 (French)", "%d/%m/%Y", "%d/%m", "%m/%Y"),
}
DEFAULT_STYLE = "en-GB"


def date_style() -> DateStyle:
    """The signed-in person's date style (their preference), else the default."""
    user = auth.current_user()
    wanted = (user.preferences or {}).get("date_format") if user else None
    return DATE_STYLES.get(wanted or DEFAULT_STYLE, DATE_STYLES[DEFAULT_STYLE])


def currency() -> str:
    return bottle.request.app.config["tinyapp.settings"].CURRENCY


def money(amount: Decimal | str | None) -> str:
    """Write an amount with its currency: '1,234.50 EUR'."""
    return "" if amount is None else f"{number(amount)} {currency()}"


def number(amount: Decimal | str | None) -> str:
    """Write an amount without its currency, for a page that shows the currency beside it."""
    return "" if amount is None else f"{Decimal(amount):,.2f}"


def day(moment: dt.datetime | dt.date | str | None) -> str:
    """Write a date ('2026-11-24' too) in the person's style."""
    if moment is None or moment == "":
        return ""
    if isinstance(moment, str):
        moment = dt.date.fromisoformat(moment)
    return moment.strftime(date_style().day)


def parse_day(text: str) -> dt.date | None:
    """Read a date typed in the person's style, or as ISO 8601 (YYYY-MM-DD); None if neither."""
    text = " ".join(text.split())
    for pattern in (date_style().day, "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def as_iso(text: str) -> str:
    """A typed date as YYYY-MM-DD for the schemas; text that is no date is left for them
    to refuse with their message."""
    found = parse_day(text)
    return found.isoformat() if found else text


def when(moment: dt.datetime | None) -> str:
    """Write a time in the person's style, in UTC: '24 Nov 2026, 14:05'."""
    if moment is None:
        return ""
    style = date_style()
    return moment.astimezone(dt.UTC).strftime(f"{style.day}, {style.time}")


def period(label: str) -> str:
    """Write a report period: a day ('2026-11-24') or a month ('2026-11')."""
    if len(label) == 7:
        return dt.date.fromisoformat(label + "-01").strftime(date_style().month)
    return day(label)


def short_period(label: str) -> str:
    """Write a period briefly, for a chart's axis: '24 Nov', or the month."""
    if len(label) == 7:
        return period(label)
    return dt.date.fromisoformat(label).strftime(date_style().short)
