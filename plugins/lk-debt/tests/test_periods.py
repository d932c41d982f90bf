import datetime as dt

import pytest

from lk_debt import periods


@pytest.mark.parametrize("text,expected", [("2026-10", 202610), ("2026-3", 202603), ("10.2026", 202610),
                                           ("3/2026", 202603), ("102026", 202610), (" 2024-12 ", 202412)])
def test_parse(text, expected):
    assert periods.parse(text) == expected


@pytest.mark.parametrize("text,message", [("2024-13", "Месяца с номером 13 нет"), ("2024-00", "Месяца с номером 0"),
                                          ("abc", "не период"), ("", "не указан"), (None, "не указан"),
                                          ("1999-05", "Год 1999"), ("2026-10-01", "не период"),
                                          ("20261", "не период")])
def test_bad_periods_say_what_is_wrong(text, message):
    with pytest.raises(periods.BadPeriod, match=message):
        periods.parse(text)


def test_arithmetic_over_year_ends():
    assert periods.next_(202612) == 202701 and periods.prev(202701) == 202612
    assert periods.add(202611, 3) == 202702 and periods.add(202602, -14) == 202412
    assert list(periods.span(202611, 202702)) == [202611, 202612, 202701, 202702]
    assert list(periods.span(202702, 202611)) == []


def test_formats():
    assert periods.iso(202603) == "2026-03"
    assert periods.short(202603) == "03.2026"
    assert periods.compact(202603) == "032026"
    assert periods.label(202603) == "март 2026"
    assert periods.of_date(dt.date(2026, 3, 31)) == 202603


def test_due_date_is_in_the_following_month():
    assert periods.due_date(202610, 10) == dt.date(2026, 11, 10)
    assert periods.due_date(202612, 25) == dt.date(2027, 1, 25)
    assert periods.due_date(202601, 31) == dt.date(2026, 2, 28)  # clamped to a day every month has


def test_is_valid():
    assert periods.is_valid(202601) and not periods.is_valid(202613) and not periods.is_valid("202601")
