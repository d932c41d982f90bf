"""Fixtures of the meters plugin's tests (the app, database and browser
fixtures come from ``lk_platform.testing`` through the root conftest):
``kit``, helpers arranging meters, readings and windows directly. (Test
modules cannot import this conftest, so its helpers ride on the fixture.)
A test that uses the demo gets a copy of the session's demo database."""
import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from lk_meters.meters import meters_folder, note_building
from lk_meters.models import Meter
from lk_meters.readings import record
from lk_platform.testing import demo_from_copy, settings_with_demo_copy
from lk_platform.util import periods


def add_meter(organisation, account, serial, resource="cold_water", **values):
    """A meter added the way the generated admin adds one."""
    folder = meters_folder(organisation)
    meter = Meter(account=account, resource=resource, serial=serial, **values)
    folder.add(meter)
    folder.reindex(meter)
    note_building(organisation, meter)
    return meter


def add_reading(organisation, meter, period, *values, status="accepted", by_kind="resident", by="ivanov",
                source="web"):
    return record(organisation, meter, period, tuple(Decimal(v) for v in values), by_kind, by, source,
                  status=status)


def set_window(organisation, start, end):
    settings = organisation.plugin_settings("meters")
    settings.update(window_start=start, window_end=end)
    organisation.set_plugin_settings("meters", settings)


def closed_window_days(today: dt.date):
    """A one-day window that is not today (so the window is closed)."""
    day = today.day % 28 + 1
    return day, day


def org_today(organisation):
    return organisation.now().date()


def meter_by_serial(organisation, serial):
    folder = meters_folder(organisation)
    total, found = folder.query(eq={"serial": serial}, limit=2)
    assert total == 1, serial
    return found[0]


def value_text(value):
    """A Decimal as a resident types it (decimal comma)."""
    return format(value, "f").replace(".", ",")


def period_now(organisation):
    return periods.of_date(org_today(organisation))


KIT = SimpleNamespace(add_meter=add_meter, add_reading=add_reading, set_window=set_window,
                      closed_window_days=closed_window_days, org_today=org_today, meter_by_serial=meter_by_serial,
                      value_text=value_text, period_now=period_now)


@pytest.fixture(scope="session")
def kit():
    """``kit.meter_by_serial(org, "ХВ-1000011")``, ``kit.set_window(org, 25, 5)``, …"""
    return KIT


# Tests that use the demo get a copy of the session's demo database (lk_platform.testing).
lk_settings = pytest.fixture(name="lk_settings")(settings_with_demo_copy)
lk_demo = pytest.fixture(name="lk_demo")(demo_from_copy)
