"""The base model and the field types every table shares: exact money and UTC times.

Times are stored in UTC; the shop's business day (what "today" and "sales per day"
mean) is the day in its TIMEZONE: ``business_day(moment)``, ``business_today()``.
"""

import datetime as dt
import json
from decimal import ROUND_HALF_UP, Decimal

import peewee

from tinyapp import db
from tinyapp.db import database
from tinyapp.prepared import as_model

CENT = Decimal("0.01")
# The documented ranges, which CHECK constraints enforce in every engine as well.
MAX_MONEY = Decimal("99999999.99")    # a price, an order line, an order's total
MAX_MONEY_CENTS = 9_999_999_999
MAX_STOCK = 1_000_000                 # units of one product on the shelf
MAX_QUANTITY = 10_000                 # units of one product on one order line


def utcnow() -> dt.datetime:
    """Return the current time in UTC, timezone-aware."""
    return dt.datetime.now(dt.UTC)


def business_zone() -> dt.tzinfo:
    """The shop's time zone: TIMEZONE of the app (or command) whose database is bound."""
    bound = db.bound_database()
    return bound.timezone if bound is not None else dt.UTC


def business_day(moment: dt.datetime) -> dt.date:
    """The shop's calendar day at this moment (an aware datetime, e.g. placed_at)."""
    return moment.astimezone(business_zone()).date()


def business_today() -> dt.date:
    """Today, in the shop's time zone."""
    return business_day(utcnow())


def start_of_business_day(day: dt.date) -> dt.datetime:
    """The moment (in UTC) the shop's day begins: local midnight."""
    return dt.datetime.combine(day, dt.time(), tzinfo=business_zone()).astimezone(dt.UTC)


def to_cents(amount: Decimal | int | str) -> int:
    """Turn an amount of money into whole cents, rounding half-cents up."""
    return int((Decimal(amount) / CENT).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_cents(cents: int | None) -> Decimal:
    """Turn whole cents (as stored, or as summed by the database) into money."""
    return (Decimal(int(cents or 0)) * CENT).quantize(CENT)


class MoneyField(peewee.BigIntegerField):
    """Money as whole cents in a BIGINT: exact on SQLite, PostgreSQL and MySQL alike.

    SQLite stores DECIMAL columns as floating point (0.10 summed 10,000 times is not
    1000.00 there), so amounts travel as integers and become Decimal in Python.
    """

    def db_value(self, value):
        return None if value is None else to_cents(value)

    def python_value(self, value):
        return None if value is None else from_cents(value)


class UTCDateTimeField(peewee.DateTimeField):
    """A point in time, stored as naive UTC and read back timezone-aware.

    The engines disagree on time zones (SQLite has none, MySQL converts TIMESTAMP by
    session zone), so every column holds UTC and Python always sees aware values.
    """

    def db_value(self, value):
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return super().db_value(value)

    def python_value(self, value):
        if isinstance(value, str):  # SQLite's text: one C call, where peewee tries formats
            try:
                value = dt.datetime.fromisoformat(value)
            except ValueError:
                value = super().python_value(value)
        else:
            value = super().python_value(value)
        if isinstance(value, dt.datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value


class JSONTextField(peewee.TextField):
    """A small JSON document kept in a TEXT column (the same on every engine)."""

    # What json.dumps(value, sort_keys=True) would build anew for every value.
    _encoder = json.JSONEncoder(sort_keys=True)

    def db_value(self, value):
        return None if value is None else self._encoder.encode(value)

    def python_value(self, value):
        return None if value is None else json.loads(value)


class BaseModel(peewee.Model):
    # Fields that never go into a cache (memory or Redis): password and token hashes,
    # session secrets. A row rebuilt from the cache simply lacks them.
    secret_fields: tuple[str, ...] = ()

    class Meta:
        database = database
        legacy_table_names = False

    def to_cache(self) -> dict:
        """The row's values as JSON-able data, for a cache entry; never its secrets."""
        data = {}
        for field in self._meta.sorted_fields:
            if field.name in self.secret_fields:
                continue
            value = self.__data__.get(field.name)
            if isinstance(value, dt.datetime):
                value = value.isoformat()
            elif isinstance(value, Decimal):
                value = str(value)
            data[field.name] = value
        return data

    @classmethod
    def from_cache(cls, data: dict) -> "BaseModel":
        """Rebuild a row read from a cache entry made by to_cache (no query)."""
        values = {}
        for name, value in data.items():
            field = cls._meta.fields[name]
            if value is not None and isinstance(field, peewee.DateTimeField):
                value = dt.datetime.fromisoformat(value)
            elif value is not None and isinstance(field, MoneyField):
                value = Decimal(value)
            values[name] = value
        return as_model(cls, values)
