"""colander schemas: the meter and the window override (the generated admin
builds their forms) and the plugin's settings (the core's settings page).
Titles and messages are translation strings of the plugin's domain; deform
shows them in the reader's language."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

import colander
import deform

from .i18n import _
from .meters import CONTAINER as METERS
from .meters import known_buildings
from .settings import resources_of
from .vocabulary import METER_STATUSES, PLACES, RESOURCES
from .windows import CONTAINER as WINDOWS

DAY_ERROR = _("Число месяца от 1 до 31")


class CommaDecimal(colander.Decimal):
    """colander's Decimal, accepting a decimal comma and refusing exponents."""

    def num(self, cstruct):
        text = str(cstruct).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
        if not text or any(c not in "0123456789.-" for c in text):
            raise InvalidOperation(cstruct)
        return Decimal(text)


def _resources(organisation):
    return [(r.code, r.title) for r in resources_of(organisation).values()]


# -- the meter -------------------------------------------------------------------

@colander.deferred
def _resource_widget(node, kw):
    return deform.widget.SelectWidget(values=_resources(kw.get("organisation")))


@colander.deferred
def _resource_validator(node, kw):
    return colander.OneOf(list(resources_of(kw.get("organisation"))))


@colander.deferred
def _account_validator(node, kw):
    org = kw.get("organisation")

    def exists(node, value):
        folder = org.get("accounts") if org is not None else None
        if folder is None or folder.get(value.strip()) is None:
            raise colander.Invalid(node, _("Лицевой счёт № ${number} не найден в этой организации",
                                           mapping={"number": value}))
    return exists


def _digits_of(value: Decimal) -> int:
    return len(str(int(abs(value)))) if abs(value) >= 1 else 1


@colander.deferred
def _meter_validator(node, kw):
    org = kw.get("organisation")
    context = kw.get("context")

    def check(node, value):
        exc = colander.Invalid(node)
        tariffs = value.get("tariffs") or 1
        names = [n for n in (value.get("tariff_names") or "").split(",") if n.strip()]
        if names and len(names) != tariffs:
            exc["tariff_names"] = _("Названий тарифов должно быть столько же, сколько тарифов (${n})",
                                    mapping={"n": tariffs})
        verified, due = value.get("verified"), value.get("next_verification")
        if verified and due and due <= verified:
            exc["next_verification"] = _("Дата следующей поверки должна быть позже даты последней поверки")
        if value.get("status") == "replaced":
            new = (value.get("replaced_by") or "").strip()
            folder = org.get(METERS) if org is not None else None
            if not new:
                exc["replaced_by"] = _("Укажите номер (ID) нового счётчика, которым заменён этот")
            elif folder is None or folder.get(new) is None or new == getattr(context, "__name__", None):
                exc["replaced_by"] = _("Счётчик с ID ${id} не найден", mapping={"id": new})
        for n in range(1, 5):
            initial = value.get("initial_%d" % n)
            if initial is None:
                continue
            if n > tariffs:
                exc["initial_%d" % n] = _("У счётчика ${n} тариф(а): это начальное показание лишнее",
                                          mapping={"n": tariffs})
            elif initial < 0:
                exc["initial_%d" % n] = _("Показание не может быть отрицательным")
            elif _digits_of(initial) > (value.get("int_digits") or 5):
                exc["initial_%d" % n] = _("Больше цифр до запятой, чем у счётчика (${n})",
                                          mapping={"n": value.get("int_digits")})
        if exc.children:
            raise exc
    return check


class MeterSchema(colander.Schema):
    account = colander.SchemaNode(colander.String(), title=_("Лицевой счёт"), preparer=lambda v: v.strip()
                                  if isinstance(v, str) else v, validator=_account_validator)
    resource = colander.SchemaNode(colander.String(), title=_("Ресурс"), widget=_resource_widget,
                                   validator=_resource_validator)
    serial = colander.SchemaNode(colander.String(), title=_("Заводской номер"), validator=colander.Length(1, 40))
    unit = colander.SchemaNode(colander.String(), title=_("Единица измерения (пусто — по ресурсу)"),
                               missing="", validator=colander.Length(max=20))
    place = colander.SchemaNode(colander.String(), title=_("Место установки"), missing="",
                                widget=deform.widget.SelectWidget(values=[("", "—")] + list(PLACES.items())),
                                validator=colander.OneOf([""] + list(PLACES)))
    tariffs = colander.SchemaNode(colander.Integer(), title=_("Количество тарифов"), missing=1,
                                  validator=colander.Range(1, 4, min_err=_("От 1 до 4"), max_err=_("От 1 до 4")))
    tariff_names = colander.SchemaNode(
        colander.String(), title=_("Названия тарифов через запятую (пусто — День, Ночь / Пик, Полупик, Ночь)"),
        missing="", validator=colander.Length(max=120))
    automatic = colander.SchemaNode(colander.Boolean(), title=_("Автоматический (дистанционный съём — "
                                                                "жители не передают показания)"), missing=False)
    int_digits = colander.SchemaNode(colander.Integer(), title=_("Разрядность: цифр до запятой"), missing=5,
                                     validator=colander.Range(1, 12, min_err=_("От 1 до 12"), max_err=_("От 1 до 12")))
    frac_digits = colander.SchemaNode(colander.Integer(), title=_("Разрядность: цифр после запятой"), missing=3,
                                      validator=colander.Range(0, 6, min_err=_("От 0 до 6"), max_err=_("От 0 до 6")))
    installed = colander.SchemaNode(colander.Date(), title=_("Дата установки"), missing=None)
    verified = colander.SchemaNode(colander.Date(), title=_("Дата последней поверки"), missing=None)
    next_verification = colander.SchemaNode(colander.Date(), title=_("Дата следующей поверки"), missing=None)
    status = colander.SchemaNode(colander.String(), title=_("Состояние"), missing="active",
                                 widget=deform.widget.SelectWidget(values=list(METER_STATUSES.items())),
                                 validator=colander.OneOf(list(METER_STATUSES)))
    replaced_by = colander.SchemaNode(colander.String(), title=_("Заменён счётчиком (ID)"), missing="",
                                      validator=colander.Length(max=20))
    initial_1 = colander.SchemaNode(CommaDecimal(), title=_("Начальное показание (тариф 1)"), missing=None)
    initial_2 = colander.SchemaNode(CommaDecimal(), title=_("Начальное показание (тариф 2)"), missing=None)
    initial_3 = colander.SchemaNode(CommaDecimal(), title=_("Начальное показание (тариф 3)"), missing=None)
    initial_4 = colander.SchemaNode(CommaDecimal(), title=_("Начальное показание (тариф 4)"), missing=None)
    comment = colander.SchemaNode(colander.String(), title=_("Примечание"), missing="",
                                  widget=deform.widget.TextAreaWidget(rows=2), validator=colander.Length(max=500))


def meter_schema():
    return MeterSchema(validator=_meter_validator)


# -- the window override ---------------------------------------------------------

@colander.deferred
def _building_widget(node, kw):
    org = kw.get("organisation")
    values = [("", _("Все дома"))] + (known_buildings(org) if org is not None else [])
    return deform.widget.SelectWidget(values=values)


@colander.deferred
def _any_resource_widget(node, kw):
    return deform.widget.SelectWidget(values=[("", _("Все ресурсы"))] + _resources(kw.get("organisation")))


@colander.deferred
def _any_resource_validator(node, kw):
    return colander.OneOf([""] + list(resources_of(kw.get("organisation"))))


@colander.deferred
def _override_validator(node, kw):
    org = kw.get("organisation")
    context = kw.get("context")

    def check(node, value):
        exc = colander.Invalid(node)
        if (value.get("start_day") is None) != (value.get("end_day") is None):
            exc["end_day"] = _("Укажите оба числа или оставьте оба пустыми (приём каждый день)")
        if not value.get("building") and not value.get("resource"):
            exc["building"] = _("Для всех домов и всех ресурсов окно задаётся в настройках организации; "
                                "выберите дом или ресурс")
        folder = org.get(WINDOWS) if org is not None else None
        lookup = getattr(folder, "lookup", None)
        if lookup is not None:
            taken = lookup.get(((value.get("building") or "").lower(), value.get("resource") or ""))
            if taken is not None and taken != getattr(context, "__name__", None):
                exc["resource"] = _("Для этого дома и ресурса окно уже задано — измените его")
        if exc.children:
            raise exc
    return check


def _day(title, name=None):
    node = colander.SchemaNode(colander.Integer(), title=title, missing=None,
                               validator=colander.Range(1, 31, min_err=DAY_ERROR, max_err=DAY_ERROR))
    if name:
        node.name = name
    return node


class WindowSchema(colander.Schema):
    building = colander.SchemaNode(colander.String(), title=_("Дом"), missing="", widget=_building_widget)
    resource = colander.SchemaNode(colander.String(), title=_("Ресурс"), missing="", widget=_any_resource_widget,
                                   validator=_any_resource_validator)
    start_day = _day(_("С какого числа (пусто — приём каждый день)"))
    end_day = _day(_("По какое число (меньше начального — окно через конец месяца)"))
    comment = colander.SchemaNode(colander.String(), title=_("Примечание"), missing="",
                                  validator=colander.Length(max=300))


def window_schema():
    return WindowSchema(validator=_override_validator)


# -- the plugin's settings ---------------------------------------------------------

class ExtraResource(colander.Schema):
    code = colander.SchemaNode(colander.String(), title=_("Код (латиницей)"),
                               validator=colander.Regex(r"^[a-z][a-z0-9_]{1,30}$",
                                                        msg=_("Латинские строчные буквы, цифры и _, 2–31 знак")))
    title = colander.SchemaNode(colander.String(), title=_("Название"), validator=colander.Length(1, 60))
    unit = colander.SchemaNode(colander.String(), title=_("Единица измерения"), validator=colander.Length(1, 20))
    ceiling = colander.SchemaNode(colander.Decimal(), title=_("Предельный расход в месяц"), missing=None,
                                  validator=colander.Range(min=Decimal("0")))


class ExtraResources(colander.SequenceSchema):
    resource = ExtraResource(title=_("Ресурс"))


#: One title per built-in resource (a whole sentence translates better than parts).
CEILING_TITLES = {
    "cold_water": _("Предельный расход в месяц: холодная вода, м³"),
    "hot_water": _("Предельный расход в месяц: горячая вода, м³"),
    "electricity": _("Предельный расход в месяц: электроэнергия, кВт·ч"),
    "gas": _("Предельный расход в месяц: газ, м³"),
    "heat": _("Предельный расход в месяц: тепловая энергия, Гкал"),
}


def _both_days_or_none(node, value):
    if (value.get("window_start") is None) != (value.get("window_end") is None):
        exc = colander.Invalid(node)
        exc["window_end"] = _("Укажите оба числа окна приёма или оставьте оба пустыми (приём каждый день)")
        raise exc


def settings_schema() -> colander.Schema:
    schema = colander.Schema(validator=_both_days_or_none)
    schema.add(_day(_("Приём показаний: с какого числа месяца (пусто — каждый день)"), "window_start"))
    schema.add(_day(_("Приём показаний: по какое число (меньше начального — окно через конец месяца)"),
                    "window_end"))
    for code in RESOURCES:
        schema.add(colander.SchemaNode(colander.Decimal(), name="ceiling_" + code, title=CEILING_TITLES[code],
                                       missing=None, validator=colander.Range(min=Decimal("0"))))
    schema.add(ExtraResources(name="extra_resources", title=_("Другие ресурсы"), missing=(),
                              widget=deform.widget.SequenceWidget(orderable=False)))
    schema.add(colander.SchemaNode(colander.Boolean(), name="auto_accept", missing=False,
                                   title=_("Принимать показания жителей без проверки сотрудником "
                                           "(если нет предупреждений)")))
    schema.add(colander.SchemaNode(colander.Boolean(), name="remind_window", missing=True,
                                   title=_("Напоминать жителям об открытии приёма показаний")))
    schema.add(colander.SchemaNode(colander.Boolean(), name="remind_verification", missing=True,
                                   title=_("Напоминать о сроке поверки счётчиков")))
    schema.add(colander.SchemaNode(colander.Integer(), name="verification_notice_days", missing=30,
                                   title=_("За сколько дней напоминать о поверке"),
                                   validator=colander.Range(1, 365)))
    return schema
