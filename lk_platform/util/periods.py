"""Months as the int YYYYMM (billing periods, readings periods), for the
core and every plugin.

An int keeps BTree keys small and ordered; text forms are parsed and
checked here only, so a "2024-13" never reaches stored data. Month names
are translation strings of the core's domain: show them with
``request.localizer.translate`` or :func:`lk_platform.i18n.translate`.
"""
from __future__ import annotations

import datetime as dt
import re

from lk_platform.i18n import _

MIN_YEAR = 2000
MAX_YEAR = 2100

MONTHS = (_("январь"), _("февраль"), _("март"), _("апрель"), _("май"), _("июнь"), _("июль"), _("август"),
          _("сентябрь"), _("октябрь"), _("ноябрь"), _("декабрь"))
MONTHS_SHORT = (_("янв"), _("фев"), _("мар"), _("апр"), _("май"), _("июн"), _("июл"), _("авг"), _("сен"),
                _("окт"), _("ноя"), _("дек"))

_ISO = re.compile(r"^(\d{4})-(\d{1,2})$")        # 2026-10 (what <input type="month"> sends)
_RU = re.compile(r"^(\d{1,2})[./](\d{4})$")      # 10.2026 (as printed on receipts)
_SIX = re.compile(r"^(\d{6})$")                  # 202610 (YYYYMM) or 102026 (PaymPeriod of GOST R 56042)


class BadPeriod(ValueError):
    """A text that is not a month; ``str()`` is the Russian message,
    ``message`` the same as a translation string (for the reader's language)."""

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
    """``"2026-10"``, ``"10.2026"``, ``"202610"`` or ``"102026"`` -> ``202610``;
    anything else raises :class:`BadPeriod`. Six digits are unambiguous:
    a year of 2000–2100 starts with 20 or 21, which is no month."""
    value = str(text if text is not None else "").strip()
    if not value:
        raise BadPeriod(_("Период не указан"))
    for pattern, order in ((_ISO, (1, 2)), (_RU, (2, 1))):
        match = pattern.match(value)
        if match:
            return make(int(match.group(order[0])), int(match.group(order[1])))
    if _SIX.match(value):
        first, last = int(value[:4]), int(value[4:])
        if MIN_YEAR <= first <= MAX_YEAR:
            return make(first, last)
        return make(int(value[2:]), int(value[:2]))
    raise BadPeriod(_("«${text}» — не период: укажите месяц в виде ГГГГ-ММ, например 2026-03",
                      mapping={"text": value[:40]}))


def parse_or_none(text) -> int | None:
    """:func:`parse`, with None for what is not a month (query parameters)."""
    try:
        return parse(text)
    except BadPeriod:
        return None


def is_valid(period) -> bool:
    return isinstance(period, int) and not isinstance(period, bool) \
        and MIN_YEAR * 100 + 1 <= period <= MAX_YEAR * 100 + 12 and 1 <= period % 100 <= 12


def year(period: int) -> int:
    return period // 100


def month(period: int) -> int:
    return period % 100


def of_date(day: dt.date) -> int:
    """The month of a date (take the date in the organisation's zone first)."""
    return day.year * 100 + day.month


def next_(period: int) -> int:
    return period + 1 if period % 100 < 12 else (period // 100 + 1) * 100 + 1


def prev(period: int) -> int:
    return period - 1 if period % 100 > 1 else (period // 100 - 1) * 100 + 12


def add(period: int, months: int) -> int:
    index = period // 100 * 12 + period % 100 - 1 + months
    return index // 12 * 100 + index % 12 + 1


def between(earlier: int, later: int) -> int:
    """Months from ``earlier`` to ``later`` (negative when later is earlier)."""
    return (later // 100 - earlier // 100) * 12 + later % 100 - earlier % 100


def span(first: int, last: int):
    """Every period from ``first`` to ``last`` inclusive."""
    period = first
    while period <= last:
        yield period
        period = next_(period)


def iso(period: int) -> str:
    """``2026-10`` — for URLs and ``<input type="month">``."""
    return "%04d-%02d" % (period // 100, period % 100)


def short(period: int) -> str:
    """``10.2026`` — as on receipts."""
    return "%02d.%04d" % (period % 100, period // 100)


def compact(period: int) -> str:
    """``102026`` — PaymPeriod of GOST R 56042-2014."""
    return "%02d%04d" % (period % 100, period // 100)


def first_day(period: int) -> dt.date:
    return dt.date(period // 100, period % 100, 1)


def last_day(period: int) -> dt.date:
    return first_day(next_(period)) - dt.timedelta(days=1)


def label(period: int, translate=None) -> str:
    """``октябрь 2026`` / ``October 2026``; ``translate`` turns a translation
    string into text (``request.localizer.translate``; Russian without it)."""
    name = MONTHS[period % 100 - 1]
    return "%s %d" % (translate(name) if translate else name.interpolate(), period // 100)


def label_short(period: int, translate=None) -> str:
    """``окт 26`` / ``Oct 26``."""
    name = MONTHS_SHORT[period % 100 - 1]
    return "%s %02d" % (translate(name) if translate else name.interpolate(), period // 100 % 100)
