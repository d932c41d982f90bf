"""The organisation's settings of the plugin (edited through the core's
settings page from :func:`settings_schema`) and a typed reader with
defaults, tolerant of values saved by an older version."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import colander
import deform

from .periods import Window
from .vocabulary import RESOURCES, Resource

PLUGIN = "meters"


class ExtraResource(colander.Schema):
    code = colander.SchemaNode(colander.String(), title="Код (латиницей)",
                               validator=colander.Regex(r"^[a-z][a-z0-9_]{1,30}$",
                                                        msg="Латинские строчные буквы, цифры и _, 2–31 знак"))
    title = colander.SchemaNode(colander.String(), title="Название", validator=colander.Length(1, 60))
    unit = colander.SchemaNode(colander.String(), title="Единица измерения", validator=colander.Length(1, 20))
    ceiling = colander.SchemaNode(colander.Decimal(), title="Предельный расход в месяц", missing=None,
                                  validator=colander.Range(min=Decimal("0")))


class ExtraResources(colander.SequenceSchema):
    resource = ExtraResource(title="Ресурс")


def _day(name, title):
    return colander.SchemaNode(colander.Integer(), name=name, title=title, missing=None, validator=colander.Range(
        1, 31, min_err="Число месяца от 1 до 31", max_err="Число месяца от 1 до 31"))


def _both_days_or_none(node, value):
    if (value.get("window_start") is None) != (value.get("window_end") is None):
        exc = colander.Invalid(node)
        exc["window_end"] = "Укажите оба числа окна приёма или оставьте оба пустыми (приём каждый день)"
        raise exc


def settings_schema() -> colander.Schema:
    schema = colander.Schema(validator=_both_days_or_none)
    schema.add(_day("window_start", "Приём показаний: с какого числа месяца (пусто — каждый день)"))
    schema.add(_day("window_end", "Приём показаний: по какое число (меньше начального — окно через "
                                  "конец месяца)"))
    for code, res in RESOURCES.items():
        schema.add(colander.SchemaNode(colander.Decimal(), name="ceiling_" + code,
                                       title="Предельный расход в месяц: %s, %s" % (res.title.lower(), res.unit),
                                       missing=None, validator=colander.Range(min=Decimal("0"))))
    schema.add(ExtraResources(name="extra_resources", title="Другие ресурсы", missing=(),
                              widget=deform.widget.SequenceWidget(orderable=False)))
    schema.add(colander.SchemaNode(colander.Boolean(), name="auto_accept", missing=False,
                                   title="Принимать показания жителей без проверки сотрудником "
                                         "(если нет предупреждений)"))
    schema.add(colander.SchemaNode(colander.Boolean(), name="remind_window", missing=True,
                                   title="Напоминать жителям об открытии приёма показаний"))
    schema.add(colander.SchemaNode(colander.Boolean(), name="remind_verification", missing=True,
                                   title="Напоминать о сроке поверки счётчиков"))
    schema.add(colander.SchemaNode(colander.Integer(), name="verification_notice_days", missing=30,
                                   title="За сколько дней напоминать о поверке",
                                   validator=colander.Range(1, 365)))
    return schema


def _decimal(value):
    if value is None or value == "" or value is colander.null:
        return None
    try:
        found = Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        return None
    return found if found.is_finite() and found >= 0 else None


def _int_day(value):
    try:
        day = int(value)
    except (TypeError, ValueError):
        return None
    return day if 1 <= day <= 31 else None


@dataclass(frozen=True)
class MeterSettings:
    window: Window = Window(origin="organisation")
    ceilings: dict = field(default_factory=dict)           # resource code -> Decimal per month
    extra_resources: tuple[Resource, ...] = ()
    auto_accept: bool = False
    remind_window: bool = True
    remind_verification: bool = True
    verification_notice_days: int = 30


def meter_settings(organisation) -> MeterSettings:
    raw = organisation.plugin_settings(PLUGIN) if organisation is not None else {}
    start, end = _int_day(raw.get("window_start")), _int_day(raw.get("window_end"))
    if start is None or end is None:
        start = end = None
    ceilings = {}
    for code in RESOURCES:
        value = _decimal(raw.get("ceiling_" + code))
        if value:
            ceilings[code] = value
    extras = []
    for item in raw.get("extra_resources") or ():
        try:
            code, title, unit = str(item["code"]), str(item["title"]), str(item["unit"])
        except (KeyError, TypeError):
            continue
        if code in RESOURCES:
            continue
        extras.append(Resource(code, title, unit, title))
        ceiling = _decimal(item.get("ceiling"))
        if ceiling:
            ceilings[code] = ceiling
    days = raw.get("verification_notice_days")
    return MeterSettings(
        window=Window(start, end, origin="organisation"), ceilings=ceilings, extra_resources=tuple(extras),
        auto_accept=bool(raw.get("auto_accept", False)), remind_window=bool(raw.get("remind_window", True)),
        remind_verification=bool(raw.get("remind_verification", True)),
        verification_notice_days=days if isinstance(days, int) and 1 <= days <= 365 else 30)
