"""Helpers for tests of the meters plugin (and of plugins or deployments
that build on it): arranging meters, readings and windows directly."""
import datetime as dt
from decimal import Decimal


def add_meter(organisation, account, serial, resource="cold_water", **values):
    """A meter added the way the generated admin adds one."""
    from lk_meters.meters import Meter, meters_folder, note_building
    folder = meters_folder(organisation)
    meter = Meter(account=account, resource=resource, serial=serial, **values)
    folder.add(meter)
    folder.reindex(meter)
    note_building(organisation, meter)
    return meter


def add_reading(organisation, meter, period, *values, status="accepted", by_kind="resident", by="ivanov",
                source="web"):
    from lk_meters.readings import record
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
    from lk_meters.meters import meters_folder
    folder = meters_folder(organisation)
    total, found = folder.query(eq={"serial": serial}, limit=2)
    assert total == 1, serial
    return found[0]


def value_text(value):
    """A Decimal as a resident types it (decimal comma)."""
    return format(value, "f").replace(".", ",")


def period_now(organisation):
    from lk_meters.periods import period_of
    return period_of(org_today(organisation))
