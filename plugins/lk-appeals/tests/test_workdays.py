"""The working calendar SLA deadlines are counted in, and the organisation's
settings that shape it."""
import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from lk_appeals.schemas import SettingsSchema
from lk_appeals.settings import appeal_settings, parse_dates
from lk_appeals.workdays import WorkCalendar
from lk_platform.i18n import translate

MSK = ZoneInfo("Europe/Moscow")
YEKT = ZoneInfo("Asia/Yekaterinburg")
UTC = dt.timezone.utc


def at(y, m, d, h=0, mi=0, tz=MSK):
    return dt.datetime(y, m, d, h, mi, tzinfo=tz)


def test_work_hours_skip_the_evening_and_the_weekend():
    cal = WorkCalendar(tz=MSK)
    # Friday 2026-11-20 17:00 + 8 h: one hour on Friday, seven on Monday.
    assert cal.add_work_hours(at(2026, 11, 20, 17), 8) == at(2026, 11, 23, 16).astimezone(UTC)
    # Received on Saturday night: the clock starts on Monday morning.
    assert cal.add_work_hours(at(2026, 11, 21, 23), 2) == at(2026, 11, 23, 11)
    # Before the working day starts.
    assert cal.add_work_hours(at(2026, 11, 24, 6), 1) == at(2026, 11, 24, 10)
    # Exactly at the end of the day's hours.
    assert cal.add_work_hours(at(2026, 11, 24, 9), 9) == at(2026, 11, 24, 18)


def test_holidays_and_transferred_working_days():
    cal = WorkCalendar(tz=MSK, holidays=frozenset({dt.date(2026, 11, 25)}),
                       workdays=frozenset({dt.date(2026, 11, 28)}))
    assert not cal.is_workday(dt.date(2026, 11, 4))       # National Unity Day (art. 112)
    assert not cal.is_workday(dt.date(2026, 11, 25))      # the organisation's own day off
    assert cal.is_workday(dt.date(2026, 11, 28))          # a Saturday worked instead
    assert not cal.is_workday(dt.date(2027, 1, 5))        # New Year holidays, every year
    # Tuesday 17:00 + 2 h: Wednesday is off, so Thursday 10:00.
    assert cal.add_work_hours(at(2026, 11, 24, 17), 2) == at(2026, 11, 26, 10)
    no_federal = WorkCalendar(tz=MSK, federal_holidays=False)
    assert no_federal.is_workday(dt.date(2026, 11, 4))


def test_resolution_days_count_from_the_next_day_and_end_the_day():
    cal = WorkCalendar(tz=MSK)
    # Monday + 3 working days: Tue, Wed, Thu -> Thursday 18:00.
    assert cal.add_work_days(at(2026, 11, 23, 10), 3) == at(2026, 11, 26, 18)
    # Friday + 1 -> Monday.
    assert cal.add_work_days(at(2026, 11, 27, 10), 1) == at(2026, 11, 30, 18)
    # New Year holidays are skipped: 30 Dec + 3 -> 31 Dec, 11 Jan, 12 Jan.
    assert cal.add_work_days(at(2026, 12, 30, 12), 3) == at(2027, 1, 12, 18)


def test_deadlines_follow_the_organisations_time_zone():
    cal = WorkCalendar(tz=YEKT)
    # 04:30 UTC on Friday is 09:30 in Yekaterinburg: 8.5 h remain that day.
    start = dt.datetime(2026, 11, 20, 4, 30, tzinfo=UTC)
    assert cal.add_work_hours(start, 8) == at(2026, 11, 20, 17, 30, tz=YEKT)
    assert cal.add_work_hours(start, 9) == at(2026, 11, 23, 9, 30, tz=YEKT)


def test_working_time_between_two_moments():
    cal = WorkCalendar(tz=MSK)
    assert cal.work_hours_between(at(2026, 11, 20, 17), at(2026, 11, 23, 16)) == Decimal("8.0")
    assert cal.work_hours_between(at(2026, 11, 21, 10), at(2026, 11, 22, 20)) == Decimal("0.0")
    assert cal.work_hours_between(at(2026, 11, 23, 10), at(2026, 11, 23, 9)) == Decimal("0.0")
    assert cal.work_days_between(at(2026, 11, 23, 9), at(2026, 11, 25, 13, 30)) == Decimal("2.5")


def test_settings_are_read_over_defaults_and_validated():
    dates, errors = parse_dates("01.12.2026\n\n2026-12-02\n31.02.2026")
    assert dates == [dt.date(2026, 12, 1), dt.date(2026, 12, 2)]
    assert [translate(e) for e in errors] == ["строка 4: «31.02.2026» — не дата вида ДД.ММ.ГГГГ"]

    schema = SettingsSchema()
    import colander
    try:
        schema.deserialize({"reopen_days": "7", "work_start": "18", "work_end": "9", "holidays": "завтра",
                            "workdays": "", "soon_hours": "4", "federal_holidays": "true"})
    except colander.Invalid as exc:
        problems = exc.asdict()
    else:
        raise AssertionError("bad settings were accepted")
    assert "ДД.ММ.ГГГГ" in problems["holidays"]

    class Org:
        tz = MSK

        def plugin_settings(self, name):
            return {"reopen_days": 3, "holidays": "25.11.2026", "work_start": 8, "work_end": 17}

    settings = appeal_settings(Org())
    assert settings.reopen_days == 3
    assert settings.calendar.start_hour == 8 and settings.calendar.end_hour == 17
    assert not settings.calendar.is_workday(dt.date(2026, 11, 25))


def test_counting_working_days_agrees_with_the_day_by_day_rule():
    cal = WorkCalendar(tz=MSK, holidays=frozenset({dt.date(2026, 12, 29), dt.date(2027, 3, 6)}),
                       workdays=frozenset({dt.date(2026, 12, 26), dt.date(2027, 1, 4)}))
    start = dt.date(2026, 11, 20)
    for span in (0, 1, 5, 6, 7, 13, 40, 45, 100, 400):
        last = start + dt.timedelta(days=span)
        by_day = sum(cal.is_workday(start + dt.timedelta(days=i)) for i in range(span + 1))
        assert cal.workdays_in(start, last) == by_day, span
    assert cal.workdays_in(start, start - dt.timedelta(days=1)) == 0
    # A whole year at once.
    year = sum(cal.is_workday(dt.date(2026, 1, 1) + dt.timedelta(days=i)) for i in range(365))
    assert cal.work_hours_between(at(2026, 1, 1), at(2027, 1, 1)) == Decimal(year * 9)


@pytest.mark.calendar  # holidays from tomorrow
def test_holidays_from_the_settings_form_move_deadlines(appeals, new_number):
    admin = appeals.browser("admin.vodokanal")
    form = admin.get("/o/vodokanal/@@plugin-settings/appeals").forms["lkform"]
    form["holidays"] = "31.02.2026"
    page = form.submit(status=200)
    assert "строка 1: «31.02.2026» — не дата вида ДД.ММ.ГГГГ" in page.text
    form = page.forms["lkform"]
    tomorrow = (dt.datetime.now(MSK) + dt.timedelta(days=1)).date()
    days = "\n".join((tomorrow + dt.timedelta(days=i)).strftime("%d.%m.%Y") for i in range(30))
    form["holidays"] = days
    form.submit(status=302)
    number = new_number(appeals.open())
    with appeals.db() as platform:
        appeal = platform.organisations["vodokanal"]["appeals"][number]
        # Resolution days count from tomorrow, and the next thirty are off.
        assert appeal.due_resolution.astimezone(MSK).date() >= tomorrow + dt.timedelta(days=30)
    with appeals.db() as platform:
        platform.organisations["vodokanal"].set_plugin_settings("appeals", {})
    number = new_number(appeals.open())
    with appeals.db() as platform:
        appeal = platform.organisations["vodokanal"]["appeals"][number]
        assert appeal.due_resolution.astimezone(MSK).date() < tomorrow + dt.timedelta(days=30)
