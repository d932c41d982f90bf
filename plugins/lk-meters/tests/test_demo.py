"""The demo data: meters of every kind for the demo accounts, 36 months of
readings, idempotent; the same on any day."""
import datetime as dt

import pytest

from lk_meters.meters import meters_folder
from lk_meters.readings import current_readings
from lk_platform.demo import load_demo
from lk_platform.testing import DB, make_settings, running_app
from lk_platform.util import periods

pytestmark = pytest.mark.calendar  # 36 months of readings up to last month


def counts(lk_db):
    with lk_db as platform:
        out = {}
        for slug in ("vodokanal", "uk-dom", "uk-dom-sever"):
            o = platform.organisations[slug]
            out[slug] = (len(meters_folder(o)), sum(len(m.history) for m in meters_folder(o).values()))
        return out


def test_demo_has_every_kind_and_is_idempotent(lk_demo, lk_db, kit):
    first = counts(lk_db)
    with lk_db as platform:
        load_demo(platform, lk_demo.registry)
    assert counts(lk_db) == first
    with lk_db as platform:
        o = platform.organisations["uk-dom"]
        assert len(current_readings(kit.meter_by_serial(o, "ХВ-2000011"))) == 36
        assert kit.meter_by_serial(o, "Э-2000013").tariffs == 2 and kit.meter_by_serial(o, "Т-2000014").automatic
        v = platform.organisations["vodokanal"]
        old = kit.meter_by_serial(v, "ХВ-0990013")
        assert old.status == "replaced" and old.replaced_by == kit.meter_by_serial(v, "ХВ-1000014").__name__
        assert o.plugin_settings("meters")["window_start"] == 20


def test_demo_readings_end_last_month_and_none_is_in_the_future(lk_demo, lk_db):
    with lk_db as platform:
        for slug in ("vodokanal", "uk-dom", "uk-dom-sever"):
            o = platform.organisations[slug]
            today = o.now().date()           # each organisation's own: 23:40 in Moscow is tomorrow in Yekaterinburg
            now = o.now().timestamp()
            for meter in meters_folder(o).values():
                readings = list(meter.history.values())
                assert all(r.submitted <= now and r.changed <= now for r in readings), meter.serial
                if meter.status != "replaced":
                    assert max(r.period for r in readings) == periods.add(periods.of_date(today), -1), meter.serial
                due = meter.next_verification - today if meter.next_verification else None
                expected = {"ГВ-1000012": dt.timedelta(days=20), "ГВ-1000022": dt.timedelta(days=-40)}
                if meter.serial in expected:
                    assert due == expected[meter.serial]
                else:                         # the others are not due within the 30 days' notice
                    assert due is None or due > dt.timedelta(days=30), meter.serial


@pytest.mark.parametrize("today", ["2028-02-09", "2028-04-09"])
def test_demo_on_a_day_whose_verification_dates_fall_on_29_february(tmp_path, time_machine, today):
    """20 days after 9 February 2028 and 40 days before 9 April 2028 are
    29 February: six years earlier there is no such day."""
    time_machine.move_to(dt.datetime.fromisoformat(today + "T12:00:00+03:00"), tick=False)
    with running_app(make_settings(tmp_path)) as app, DB(app) as platform:
        load_demo(platform, app.registry)
        v = platform.organisations["vodokanal"]
        leap = [m for m in meters_folder(v).values() if m.next_verification == dt.date(2028, 2, 29)]
        assert len(leap) == 1 and leap[0].verified == dt.date(2022, 2, 28)
