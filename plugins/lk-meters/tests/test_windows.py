"""Submission windows and periods as date arithmetic: crossing the month
end, short months, the next opening, the period a reading counts for."""
import datetime as dt

from lk_meters.windows import Window
from lk_platform.util import periods


def d(text):
    return dt.date.fromisoformat(text)


def test_no_window_is_open_every_day_for_the_current_month():
    w = Window()
    assert w.always_open and w.is_open(d("2026-02-28"))
    assert w.period_for(d("2026-03-01")) == 202603
    assert w.next_opening(d("2026-03-01")) is None
    assert w.describe() == "ежедневно"


def test_window_inside_a_month():
    w = Window(15, 25)
    assert not w.is_open(d("2026-11-14"))
    assert w.is_open(d("2026-11-15")) and w.is_open(d("2026-11-25"))
    assert not w.is_open(d("2026-11-26"))
    assert w.next_opening(d("2026-11-14")) == d("2026-11-15")
    assert w.next_opening(d("2026-11-26")) == d("2026-12-15")
    assert w.next_opening(d("2026-12-31")) == d("2027-01-15")
    assert w.closes_on(d("2026-11-20")) == d("2026-11-25")
    assert w.period_for(d("2026-11-20")) == 202611


def test_window_crossing_the_month_end_counts_for_the_month_it_opened():
    w = Window(25, 5)
    assert w.crosses_month_end
    assert w.is_open(d("2026-11-25")) and w.is_open(d("2026-11-30")) and w.is_open(d("2026-12-05"))
    assert not w.is_open(d("2026-12-06")) and not w.is_open(d("2026-11-24"))
    assert w.period_for(d("2026-11-28")) == 202611
    assert w.period_for(d("2026-12-03")) == 202611       # the tail still counts for November
    assert w.period_for(d("2027-01-02")) == 202612       # across the year end too
    assert w.closes_on(d("2026-11-28")) == d("2026-12-05")
    assert w.closes_on(d("2026-12-02")) == d("2026-12-05")
    assert w.next_opening(d("2026-12-10")) == d("2026-12-25")
    assert "следующего месяца" in w.describe()


def test_days_past_a_short_month_mean_its_last_day():
    w = Window(29, 31)
    assert w.is_open(d("2026-02-28"))                   # February 2026 has 28 days
    assert w.next_opening(d("2026-02-10")) == d("2026-02-28")
    assert w.closes_on(d("2026-02-28")) == d("2026-02-28")
    assert w.next_opening(d("2026-03-31")) == d("2026-04-29")


def test_the_period_arithmetic_the_plugin_relies_on():
    """The core's months (lk_platform.util.periods) as windows, charts and
    the billing answers use them."""
    assert periods.add(202612, 1) == 202701 and periods.add(202601, -1) == 202512
    assert periods.add(202611, -36) == 202311
    assert periods.between(202511, 202602) == 3
    assert periods.parse_or_none("2026-11") == periods.parse_or_none("11.2026") \
        == periods.parse_or_none("202611") == 202611
    for bad in ("", "2026-13", "абв", "1e9", "11.26.1", "999999", None):
        assert periods.parse_or_none(bad) is None
    assert periods.label(202611) == "ноябрь 2026"
