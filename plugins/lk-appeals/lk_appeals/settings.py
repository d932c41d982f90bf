"""The plugin's per-organisation settings: the working calendar SLA
deadlines are counted in, and how long a resident may reopen a resolved
appeal. Edited by the organisation's admin through the core's generated
settings form (``lk_settings_schema``, :class:`lk_appeals.schemas.SettingsSchema`);
read with :func:`appeal_settings`."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .i18n import _
from .workdays import WorkCalendar

PLUGIN = "appeals"

DEFAULTS = {
    "reopen_days": 7,
    "federal_holidays": True,
    "holidays": "",
    "workdays": "",
    "work_start": 9,
    "work_end": 18,
    "soon_hours": 4,
}


def parse_dates(text: str):
    """``(dates, errors)`` from one date per line (ДД.ММ.ГГГГ or ГГГГ-ММ-ДД);
    errors (translation strings) name the line."""
    dates, errors = [], []
    for number, line in enumerate((text or "").splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        for fmt in ("%d.%m.%Y", "%Y-%m-%d"):
            try:
                dates.append(dt.datetime.strptime(line, fmt).date())
                break
            except ValueError:
                pass
        else:
            errors.append(_("строка ${number}: «${text}» — не дата вида ДД.ММ.ГГГГ",
                            mapping={"number": number, "text": line[:40]}))
    return dates, errors


@dataclass(frozen=True)
class AppealSettings:
    reopen_days: int
    soon_hours: int
    calendar: WorkCalendar


def appeal_settings(organisation) -> AppealSettings:
    """The organisation's settings over the defaults. Stored values passed
    the schema; anything unreadable falls back to the default."""
    values = dict(DEFAULTS)
    values.update({k: v for k, v in organisation.plugin_settings(PLUGIN).items() if v is not None})

    def integer(name, low, high):
        try:
            value = int(values[name])
        except (TypeError, ValueError):
            return DEFAULTS[name]
        return value if low <= value <= high else DEFAULTS[name]

    start, end = integer("work_start", 0, 23), integer("work_end", 1, 24)
    if start >= end:
        start, end = DEFAULTS["work_start"], DEFAULTS["work_end"]
    calendar = WorkCalendar(
        tz=organisation.tz,
        holidays=frozenset(parse_dates(values["holidays"])[0]),
        workdays=frozenset(parse_dates(values["workdays"])[0]),
        federal_holidays=bool(values["federal_holidays"]),
        start_hour=start, end_hour=end)
    return AppealSettings(reopen_days=integer("reopen_days", 0, 365),
                          soon_hours=integer("soon_hours", 0, 200), calendar=calendar)
