"""lk_platform.util.periods: the one month arithmetic of the core and the
plugins, and lk_platform.i18n.translate for text made outside a request."""
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lk_platform.i18n import translate
from lk_platform.util import periods

months = st.builds(lambda y, m: y * 100 + m, st.integers(2001, 2099), st.integers(1, 12))


@given(months, st.integers(-240, 240))
def test_add_and_between_are_inverse(period, n):
    later = periods.add(period, n)
    assert periods.is_valid(later) or not (2000 <= later // 100 <= 2100)
    assert periods.between(period, later) == n


@given(months)
def test_next_prev_and_text_forms_round_trip(period):
    assert periods.prev(periods.next_(period)) == period
    assert periods.next_(period) == periods.add(period, 1)
    for text in (periods.iso(period), periods.short(period), periods.compact(period), str(period)):
        assert periods.parse(text) == period
    assert periods.of_date(periods.first_day(period)) == period
    assert periods.last_day(period) + dt.timedelta(days=1) == periods.first_day(periods.next_(period))


def test_year_ends_and_leap_february():
    assert periods.next_(202612) == 202701 and periods.prev(202701) == 202612
    assert periods.last_day(202802) == dt.date(2028, 2, 29)
    assert list(periods.span(202611, 202702)) == [202611, 202612, 202701, 202702]


@pytest.mark.parametrize("text", ["", "2026-13", "13.2026", "2026", "abc", "1999-05", "20261"])
def test_bad_text_is_refused_with_a_message(text):
    with pytest.raises(periods.BadPeriod) as caught:
        periods.parse(text)
    assert str(caught.value) and caught.value.message.domain == "lk_platform"
    assert periods.parse_or_none(text) is None


def test_labels_in_russian_and_english(lk_app):
    assert periods.label(202611) == "ноябрь 2026"
    english = lambda ts: translate(ts, "en", lk_app.registry)
    assert periods.label(202611, english) == "November 2026"
    assert periods.label_short(202605, english) == "May 26"
    assert translate("plain text", "en", lk_app.registry) == "plain text"
    with pytest.raises(periods.BadPeriod) as caught:
        periods.parse("2026-13")
    assert translate(caught.value.message, "en", lk_app.registry) == "There is no month number 13: use 1–12"
