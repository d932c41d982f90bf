"""The organisation's working calendar: weekends, holidays, transferred
working days and working hours, in the organisation's time zone.

SLA deadlines are counted in it: the first answer in working hours
(Friday 17:00 + 8 h with a 9–18 day is Monday 16:00), the resolution in
working days counted from the day after the appeal came (as Russian rules
for answering citizens count them), due at the end of the last one.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

#: Non-working holidays of the Labour Code (art. 112), the same every year.
FEDERAL_HOLIDAYS = frozenset([(1, d) for d in range(1, 9)] + [(2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4)])

#: An open appeal is never followed further than this when measuring.
_MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class WorkCalendar:
    tz: ZoneInfo
    holidays: frozenset = field(default_factory=frozenset)        # extra days off (dates)
    workdays: frozenset = field(default_factory=frozenset)        # weekend days worked (transfers)
    federal_holidays: bool = True
    start_hour: int = 9
    end_hour: int = 18

    @property
    def hours_per_day(self) -> int:
        return self.end_hour - self.start_hour

    def is_workday(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        if self.federal_holidays and (day.month, day.day) in FEDERAL_HOLIDAYS:
            return False
        return day.weekday() < 5

    def _bounds(self, day: dt.date):
        """Start and end of the working day as aware local datetimes."""
        midnight = dt.datetime.combine(day, dt.time(0), tzinfo=self.tz)
        return (midnight + dt.timedelta(hours=self.start_hour),
                midnight + dt.timedelta(hours=self.end_hour))

    def next_workday(self, day: dt.date) -> dt.date:
        for _ in range(_MAX_DAYS):
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                return day
        raise ValueError("no working day within three years")

    def add_work_hours(self, moment: dt.datetime, hours) -> dt.datetime:
        """The moment ``hours`` working hours after ``moment`` (aware, UTC)."""
        remaining = dt.timedelta(hours=float(hours))
        local = moment.astimezone(self.tz)
        day = local.date()
        if not self.is_workday(day):
            day = self.next_workday(day)
            local = self._bounds(day)[0]
        for _ in range(_MAX_DAYS):
            start, end = self._bounds(day)
            if local < start:
                local = start
            if local < end:
                available = end - local
                if remaining <= available:
                    return (local + remaining).astimezone(dt.timezone.utc)
                remaining -= available
            day = self.next_workday(day)
            local = self._bounds(day)[0]
        raise ValueError("deadline beyond three years")

    def add_work_days(self, moment: dt.datetime, days: int) -> dt.datetime:
        """The end of the ``days``-th working day after ``moment``'s date."""
        day = moment.astimezone(self.tz).date()
        for _ in range(max(1, int(days))):
            day = self.next_workday(day)
        return self._bounds(day)[1].astimezone(dt.timezone.utc)

    def workdays_in(self, first: dt.date, last: dt.date) -> int:
        """How many working days ``first``..``last`` (inclusive) hold,
        counted arithmetically, so a year-long span costs no year of loops."""
        if last < first:
            return 0
        days = (last - first).days + 1
        weeks, rest = divmod(days, 7)
        count = weeks * 5 + sum(1 for i in range(rest) if (first.weekday() + i) % 7 < 5)
        off = {d for d in self.holidays if first <= d <= last}
        if self.federal_holidays:
            for year in range(first.year, last.year + 1):
                for month, day in FEDERAL_HOLIDAYS:
                    moment = dt.date(year, month, day)
                    if first <= moment <= last:
                        off.add(moment)
        count -= sum(1 for d in off if d.weekday() < 5 and d not in self.workdays)
        count += sum(1 for d in self.workdays if first <= d <= last and d.weekday() >= 5)
        return count

    def work_hours_between(self, begin: dt.datetime, end: dt.datetime) -> Decimal:
        """Working hours between two moments, to a tenth of an hour."""
        if end <= begin:
            return Decimal("0.0")
        first = begin.astimezone(self.tz).date()
        last = end.astimezone(self.tz).date()
        total = dt.timedelta()
        for day in {first, last}:
            if self.is_workday(day):
                start, stop = self._bounds(day)
                lo, hi = max(start, begin), min(stop, end)
                if hi > lo:
                    total += hi - lo
        middle = self.workdays_in(first + dt.timedelta(days=1), last - dt.timedelta(days=1))
        total += dt.timedelta(hours=middle * self.hours_per_day)
        return (Decimal(total.total_seconds()) / Decimal(3600)).quantize(Decimal("0.1"))

    def work_days_between(self, begin: dt.datetime, end: dt.datetime) -> Decimal:
        """Working time between two moments in working days (8 h = 1 day for a 9–17 day)."""
        hours = self.work_hours_between(begin, end)
        return (hours / Decimal(self.hours_per_day)).quantize(Decimal("0.1"))
