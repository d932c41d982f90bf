"""Billing periods (расчётные периоды): a month, stored as the int YYYYMM.

An int keeps IOBTree keys small and ordered; text forms are parsed and
checked here only, so a "2024-13" never reaches the ledger.
"""
from __future__ import annotations

import datetime as dt
import re

from .i18n import _

MIN_YEAR = 2000
MAX_YEAR = 2100

MONTHS = ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь",
          "октябрь", "ноябрь", "декабрь")
MONTHS_SHORT = ("янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")

_ISO = re.compile(r"^(\d{4})-(\d{1,2})$")        # 2026-10 (what <input type="month"> sends)
_RU = re.compile(r"^(\d{1,2})[./](\d{4})$")      # 10.2026 (as printed on receipts)
_COMPACT = re.compile(r"^(\d{2})(\d{4})$")       # 102026 (PaymPeriod in GOST R 56042)


class BadPeriod(ValueError):
    """A text that is not a billing period; ``str()`` is a Russian message,
    ``message`` the same as a translation string (for the resident's language)."""

    def __init__(self, message):
        super().__init__(message.interpolate())
        self.message = message


def make(year: int, month: int) -> int:
    if not (MIN_YEAR <= year <= MAX_YEAR):
        raise BadPeriod(_("Год ${year} вне допустимого диапазона ${min}–${max}",
                          mapping={"year": year, "min": MIN_YEAR, "max": MAX_YEAR}))
    if not 1 <= month <= 12:
        raise BadPeriod(_("Месяца с номером ${month} нет: допустимо 1–12", mapping={"month": month}))
    return year * 100 + month


def parse(text) -> int:
    """``"2026-10"``, ``"10.2026"`` or ``"102026"`` -> ``202610``."""
    value = str(text if text is not None else "").strip()
    if not value:
        raise BadPeriod(_("Период не указан"))
    for pattern, order in ((_ISO, (1, 2)), (_RU, (2, 1)), (_COMPACT, (2, 1))):
        match = pattern.match(value)
        if match:
            return make(int(match.group(order[0])), int(match.group(order[1])))
    raise BadPeriod(_("«${text}» — не период: укажите месяц в виде ГГГГ-ММ, например 2026-03",
                      mapping={"text": value[:40]}))


def is_valid(period) -> bool:
    return isinstance(period, int) and MIN_YEAR * 100 + 1 <= period <= MAX_YEAR * 100 + 12 \
        and 1 <= period % 100 <= 12


def year(period: int) -> int:
    return period // 100


def month(period: int) -> int:
    return period % 100


def of_date(day: dt.date) -> int:
    return day.year * 100 + day.month


def next_(period: int) -> int:
    return period + 1 if period % 100 < 12 else (period // 100 + 1) * 100 + 1


def prev(period: int) -> int:
    return period - 1 if period % 100 > 1 else (period // 100 - 1) * 100 + 12


def add(period: int, months: int) -> int:
    index = period // 100 * 12 + period % 100 - 1 + months
    return index // 12 * 100 + index % 12 + 1


def span(first: int, last: int):
    """Every period from ``first`` to ``last`` inclusive."""
    period = first
    while period <= last:
        yield period
        period = next_(period)


def iso(period: int) -> str:
    return "%04d-%02d" % (period // 100, period % 100)


def short(period: int) -> str:
    """``10.2026`` — as on receipts."""
    return "%02d.%04d" % (period % 100, period // 100)


def compact(period: int) -> str:
    """``102026`` — PaymPeriod of GOST R 56042-2014."""
    return "%02d%04d" % (period % 100, period // 100)


def label(period: int) -> str:
    """``октябрь 2026``."""
    return "%s %d" % (MONTHS[period % 100 - 1], period // 100)


def label_short(period: int) -> str:
    return "%s %02d" % (MONTHS_SHORT[period % 100 - 1], period // 100 % 100)


def first_day(period: int) -> dt.date:
    return dt.date(period // 100, period % 100, 1)


def due_date(period: int, due_day: int) -> dt.date:
    """Payment for a period is due on ``due_day`` of the following month
    (the 10th by default, as the Housing Code has it)."""
    following = next_(period)
    return dt.date(following // 100, following % 100, max(1, min(28, int(due_day))))
