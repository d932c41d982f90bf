"""Reading periods and submission windows, as pure date arithmetic.

A period is the month a reading counts for, stored as an int ``YYYYMM``
(202611): it sorts, keys BTrees and survives pickling cheaply.

A submission window is "from day S to day E of the month". It may cross
the month end (25th → 5th): readings sent in the tail (1st–5th) still count
for the month the window opened in. A day past a short month's end means
the month's last day. No window means open every day, for the current month.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from .i18n import _
from .vocabulary import MONTHS


def period_of(day: dt.date) -> int:
    return day.year * 100 + day.month


def period_year_month(period: int) -> tuple[int, int]:
    return divmod(int(period), 100)


def add_months(period: int, months: int) -> int:
    year, month = period_year_month(period)
    index = year * 12 + (month - 1) + months
    return (index // 12) * 100 + index % 12 + 1


def months_between(earlier: int, later: int) -> int:
    (y1, m1), (y2, m2) = period_year_month(earlier), period_year_month(later)
    return (y2 - y1) * 12 + (m2 - m1)


def first_day(period: int) -> dt.date:
    year, month = period_year_month(period)
    return dt.date(year, month, 1)


def valid_period(period) -> bool:
    try:
        year, month = period_year_month(int(period))
    except (TypeError, ValueError):
        return False
    return 2000 <= year <= 2100 and 1 <= month <= 12


def parse_period(text) -> int | None:
    """``"2026-11"``, ``"11.2026"`` or ``"202611"`` → 202611; None if not a period."""
    text = str(text or "").strip()
    for sep in ("-", "."):
        if sep in text:
            a, _, b = text.partition(sep)
            if a.isdigit() and b.isdigit():
                year, month = (int(a), int(b)) if len(a) == 4 else (int(b), int(a))
                value = year * 100 + month
                return value if valid_period(value) else None
            return None
    if text.isdigit() and len(text) == 6 and valid_period(int(text)):
        return int(text)
    return None


def period_param(period: int) -> str:
    year, month = period_year_month(period)
    return "%04d-%02d" % (year, month)


def period_title(period: int) -> str:
    """``ноябрь 2026``."""
    year, month = period_year_month(period)
    return _("${month} ${year}", mapping={"month": MONTHS[month - 1], "year": year})


def _clamp(day: int, year: int, month: int) -> int:
    return min(day, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class Window:
    """Days of the month when residents may submit. ``start``/``end`` None:
    open every day. ``origin`` says where it came from (for staff pages)."""
    start: int | None = None
    end: int | None = None
    origin: str = ""

    @property
    def always_open(self) -> bool:
        return not self.start or not self.end

    @property
    def crosses_month_end(self) -> bool:
        return not self.always_open and self.start > self.end

    def _bounds(self, day: dt.date) -> tuple[int, int]:
        return _clamp(self.start, day.year, day.month), _clamp(self.end, day.year, day.month)

    def is_open(self, day: dt.date) -> bool:
        if self.always_open:
            return True
        start, end = self._bounds(day)
        if self.start <= self.end:
            return start <= day.day <= end
        return day.day >= start or day.day <= end

    def period_for(self, day: dt.date) -> int:
        """The period a reading sent on ``day`` counts for (when open)."""
        if self.crosses_month_end and day.day <= self._bounds(day)[1]:
            return add_months(period_of(day), -1)
        return period_of(day)

    def next_opening(self, day: dt.date) -> dt.date | None:
        """The first day after ``day`` on which the window opens again."""
        if self.always_open:
            return None
        start = _clamp(self.start, day.year, day.month)
        if day.day < start:
            return day.replace(day=start)
        year, month = period_year_month(add_months(period_of(day), 1))
        return dt.date(year, month, _clamp(self.start, year, month))

    def closes_on(self, day: dt.date) -> dt.date | None:
        """The last day of the window that is open on ``day``."""
        if self.always_open or not self.is_open(day):
            return None
        end = _clamp(self.end, day.year, day.month)
        if self.crosses_month_end and day.day > end:
            year, month = period_year_month(add_months(period_of(day), 1))
            return dt.date(year, month, _clamp(self.end, year, month))
        return day.replace(day=end)

    def describe(self) -> str:
        if self.always_open:
            return _("ежедневно")
        if self.crosses_month_end:
            return _("с ${start} по ${end} число следующего месяца", mapping={"start": self.start, "end": self.end})
        return _("с ${start} по ${end} число", mapping={"start": self.start, "end": self.end})
