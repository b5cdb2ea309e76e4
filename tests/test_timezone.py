"""The shop's business day (TIMEZONE): today, daily figures and report ranges, DST included.

Times stay stored in UTC. Orders are placed for real, then given chosen moments around
local midnight and both 2026 daylight-saving changes in America/Los_Angeles, and the
figures are counted again (what `tinyapp migrate up` does when TIMEZONE changes).
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from tests.support import databases, faults
from tinyapp import db
from tinyapp.cli import main
from tinyapp.config import ConfigError
from tinyapp.models import DailySales, Order, business_day, start_of_business_day
from tinyapp.services import catalog, customers, figures, orders

LA = ZoneInfo("America/Los_Angeles")
UTC = dt.UTC

# (the moment in UTC, the Los Angeles day it belongs to)
MOMENTS = [
    (dt.datetime(2026, 7, 1, 6, 59, tzinfo=UTC), dt.date(2026, 6, 30)),   # 23:59 PDT
    (dt.datetime(2026, 7, 1, 7, 0, tzinfo=UTC), dt.date(2026, 7, 1)),     # 00:00 PDT
    (dt.datetime(2026, 7, 1, 23, 30, tzinfo=UTC), dt.date(2026, 7, 1)),   # 16:30 PDT
    # spring forward, Sunday 8 March 2026 02:00 PST -> 03:00 PDT
    (dt.datetime(2026, 3, 8, 7, 59, tzinfo=UTC), dt.date(2026, 3, 7)),    # 23:59 PST
    (dt.datetime(2026, 3, 8, 8, 0, tzinfo=UTC), dt.date(2026, 3, 8)),     # 00:00 PST
    (dt.datetime(2026, 3, 9, 6, 59, tzinfo=UTC), dt.date(2026, 3, 8)),    # 23:59 PDT
    (dt.datetime(2026, 3, 9, 7, 0, tzinfo=UTC), dt.date(2026, 3, 9)),     # 00:00 PDT
    # fall back, Sunday 1 November 2026 02:00 PDT -> 01:00 PST
    (dt.datetime(2026, 11, 1, 6, 59, tzinfo=UTC), dt.date(2026, 10, 31)),  # 23:59 PDT
    (dt.datetime(2026, 11, 1, 7, 0, tzinfo=UTC), dt.date(2026, 11, 1)),    # 00:00 PDT
    (dt.datetime(2026, 11, 2, 7, 59, tzinfo=UTC), dt.date(2026, 11, 1)),   # 23:59 PST
    (dt.datetime(2026, 11, 2, 8, 0, tzinfo=UTC), dt.date(2026, 11, 2)),    # 00:00 PST
]


@pytest.fixture
def in_los_angeles(migrated_url):
    """The shop's days are Los Angeles days (TIMEZONE) for the rest of the test."""
    databases.use(migrated_url, timezone="America/Los_Angeles")


@pytest.mark.parametrize("moment, day", MOMENTS)
def test_a_moment_belongs_to_its_local_day(in_los_angeles, moment, day):
    assert business_day(moment) == day


@pytest.mark.parametrize("day", [dt.date(2026, 3, 8), dt.date(2026, 11, 1),
                                 dt.date(2026, 7, 1)])
def test_a_local_day_starts_at_local_midnight_and_lasts_23_24_or_25_hours(in_los_angeles, day):
    start, end = start_of_business_day(day), start_of_business_day(day + dt.timedelta(days=1))
    assert start.astimezone(LA).time() == dt.time(0, 0)
    hours = (end - start).total_seconds() / 3600
    assert hours == {dt.date(2026, 3, 8): 23, dt.date(2026, 11, 1): 25}.get(day, 24)


def _place_at(moments: list[dt.datetime]) -> None:
    """Place one order per moment for real, then give it that moment (stored in UTC)."""
    with db.database.connection_context():
        product = catalog.create_product({"sku": "TZ-1", "name": "Clock", "price": 5,
                                          "stock": 1000})
        buyer = customers.create_customer({"name": "Night Owl"})
        for moment in moments:
            order = orders.create_order({"customer_id": buyer.id, "lines": [
                {"product_id": product.id, "quantity": 1}]})
            orders.place_order(order.id)
            Order.update(placed_at=moment, created_at=moment).where(
                Order.id == order.id).execute()


def test_orders_around_local_midnight_and_dst_changes_land_on_their_local_day(
        database, in_los_angeles):
    _place_at([moment for moment, _ in MOMENTS])
    with db.database.connection_context():
        figures.recount("America/Los_Angeles")
        stored = {row.day: (row.orders, row.amount) for row in DailySales.select()}
        assert figures.figures_zone() == "America/Los_Angeles"
    expected: dict = {}
    for _, day in MOMENTS:
        count, amount = expected.get(day, (0, Decimal(0)))
        expected[day] = (count + 1, amount + 5)
    assert stored == expected
    faults.check_daily_figures()  # per product too, by the same local days


def test_the_order_list_filters_by_local_days(database, in_los_angeles):
    _place_at([moment for moment, _ in MOMENTS])
    with db.database.connection_context():
        on_fall_back_day = Order.listing(created_from=dt.date(2026, 11, 1),
                                         created_to=dt.date(2026, 11, 1)).count()
    assert on_fall_back_day == 2  # 00:00 PDT and 23:59 PST, 25 hours apart


def test_changing_timezone_counts_the_figures_again_on_migrate_up(
        database, migrated_url, tmp_path, capsys, monkeypatch):
    _place_at([dt.datetime(2026, 7, 1, 23, 30, tzinfo=UTC)])  # 16:30 in Los Angeles
    with db.database.connection_context():
        figures.recount("UTC")
        assert [row.day for row in DailySales.select()] == [dt.date(2026, 7, 1)]
    flags = ["--database-url", migrated_url, "--data-dir", str(tmp_path)]
    monkeypatch.setenv("TINYAPP_TIMEZONE", "Asia/Tokyo")
    assert main(["migrate", "up", *flags]) == 0
    assert "counted the daily sales figures again in Asia/Tokyo" in capsys.readouterr().out
    with db.database.connection_context():
        assert [row.day for row in DailySales.select()] == [dt.date(2026, 7, 2)]  # 08:30
    assert main(["migrate", "up", *flags]) == 0
    assert "counted" not in capsys.readouterr().out  # nothing changed: nothing to do


def test_an_unknown_time_zone_is_refused_with_the_key_named(make_settings):
    with pytest.raises(ConfigError, match="TIMEZONE='Mars/Olympus'.*IANA"):
        make_settings(TIMEZONE="Mars/Olympus")
