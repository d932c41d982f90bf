"""The plugin's per-organisation settings: the working calendar SLA
deadlines are counted in, and how long a resident may reopen a resolved
appeal. Edited by the organisation's admin through the core's generated
settings form (``lk_settings_schema``); read with :func:`appeal_settings`."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import colander
import deform

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
    errors name the line."""
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
            errors.append("строка %d: «%s» — не дата вида ДД.ММ.ГГГГ" % (number, line[:40]))
    return dates, errors


def _dates_validator(node, value):
    _dates, errors = parse_dates(value)
    if errors:
        raise colander.Invalid(node, "; ".join(errors[:5]))


def _hours_validator(form, values):
    if values["work_start"] >= values["work_end"]:
        exc = colander.Invalid(form)
        exc["work_end"] = "Конец рабочего дня должен быть позже его начала"
        raise exc


class AppealSettingsSchema(colander.Schema):
    reopen_days = colander.SchemaNode(
        colander.Integer(), title="Сколько дней после решения житель может возобновить обращение",
        default=DEFAULTS["reopen_days"], missing=DEFAULTS["reopen_days"], validator=colander.Range(0, 365))
    work_start = colander.SchemaNode(
        colander.Integer(), title="Начало рабочего дня, час", default=9, missing=9,
        validator=colander.Range(0, 23))
    work_end = colander.SchemaNode(
        colander.Integer(), title="Конец рабочего дня, час", default=18, missing=18,
        validator=colander.Range(1, 24))
    federal_holidays = colander.SchemaNode(
        colander.Boolean(), title="Не работать в праздники по ст. 112 ТК РФ", default=True, missing=False)
    holidays = colander.SchemaNode(
        colander.String(), title="Дополнительные нерабочие дни (ДД.ММ.ГГГГ, по одному в строке)",
        widget=deform.widget.TextAreaWidget(rows=5), default="", missing="", validator=_dates_validator)
    workdays = colander.SchemaNode(
        colander.String(), title="Рабочие субботы и воскресенья — переносы (ДД.ММ.ГГГГ, по одному в строке)",
        widget=deform.widget.TextAreaWidget(rows=3), default="", missing="", validator=_dates_validator)
    soon_hours = colander.SchemaNode(
        colander.Integer(), title="За сколько рабочих часов до срока отмечать «скоро срок»",
        default=4, missing=4, validator=colander.Range(0, 200))

    def __init__(self, *args, **kw):
        kw.setdefault("validator", _hours_validator)
        super().__init__(*args, **kw)


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
