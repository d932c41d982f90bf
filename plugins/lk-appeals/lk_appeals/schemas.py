"""The plugin's colander schemas: one per content type (categories, edited
in the generated admin; appeals, only listed there) and the organisation's
settings (``lk_settings_schema``)."""
from __future__ import annotations

import colander
import deform

from lk_platform.model.platform import get_platform

from .i18n import _
from .roles import eligible_staff, staff_roles
from .settings import DEFAULTS, parse_dates

NOBODY = _("— не назначать —")


# -- appeal categories ----------------------------------------------------------

@colander.deferred
def _role_widget(node, kw):
    values = [("", NOBODY)] + [(r.name, r.title) for r in staff_roles(kw["request"].registry)]
    return deform.widget.SelectWidget(values=values)


@colander.deferred
def _role_validator(node, kw):
    return colander.OneOf([""] + [r.name for r in staff_roles(kw["request"].registry)])


def _staff_choices(kw):
    request = kw["request"]
    users = get_platform(request).users
    out = [("", NOBODY)]
    for login in eligible_staff(kw["organisation"], request.registry):
        user = users.get(login)
        out.append((login, "%s (%s)" % (user.display_title, login) if user is not None else login))
    return out


@colander.deferred
def _assignee_widget(node, kw):
    return deform.widget.SelectWidget(values=_staff_choices(kw))


@colander.deferred
def _assignee_validator(node, kw):
    return colander.OneOf([v for v, _t in _staff_choices(kw)])


class CategorySchema(colander.Schema):
    title = colander.SchemaNode(colander.String(), title=_("Название"), validator=colander.Length(2, 100))
    description = colander.SchemaNode(
        colander.String(), title=_("Подсказка для жителя"), missing="",
        widget=deform.widget.TextAreaWidget(rows=2), validator=colander.Length(max=500))
    default_role = colander.SchemaNode(
        colander.String(), title=_("Кому направлять: роль"), missing="",
        widget=_role_widget, validator=_role_validator)
    default_assignee = colander.SchemaNode(
        colander.String(), title=_("Кому направлять: сотрудник (важнее роли)"), missing="",
        widget=_assignee_widget, validator=_assignee_validator)
    sla_first_hours = colander.SchemaNode(
        colander.Integer(), title=_("Срок первого ответа, рабочих часов"), default=16,
        validator=colander.Range(1, 2000, min_err=_("Не меньше 1 часа"), max_err=_("Не больше 2000 часов")))
    sla_resolution_days = colander.SchemaNode(
        colander.Integer(), title=_("Срок решения, рабочих дней"), default=10,
        validator=colander.Range(1, 365, min_err=_("Не меньше 1 дня"), max_err=_("Не больше 365 дней")))
    order = colander.SchemaNode(colander.Integer(), title=_("Порядок в списке"), missing=100,
                                validator=colander.Range(0, 10000))
    active = colander.SchemaNode(colander.Boolean(), title=_("Доступна жителям"), missing=False, default=True)


# -- appeals --------------------------------------------------------------------------

def appeal_schema():
    """Appeals are created and changed only through their own pages; the
    generated admin lists them with these columns."""
    schema = colander.Schema()
    for name, title in (("subject", _("Тема")), ("status", _("Статус")), ("category_title", _("Категория")),
                        ("account", _("Лицевой счёт")), ("author_name", _("Житель")), ("created", _("Создано"))):
        schema.add(colander.SchemaNode(colander.String(), name=name, title=title, missing=""))
    return schema


# -- the organisation's settings -------------------------------------------------------

def _dates_validator(node, value):
    _dates, errors = parse_dates(value)
    if errors:
        raise colander.Invalid(node, errors[:5])


def _hours_validator(form, values):
    if values["work_start"] >= values["work_end"]:
        exc = colander.Invalid(form)
        exc["work_end"] = _("Конец рабочего дня должен быть позже его начала")
        raise exc


class SettingsSchema(colander.Schema):
    reopen_days = colander.SchemaNode(
        colander.Integer(), title=_("Сколько дней после решения житель может возобновить обращение"),
        default=DEFAULTS["reopen_days"], missing=DEFAULTS["reopen_days"], validator=colander.Range(0, 365))
    work_start = colander.SchemaNode(
        colander.Integer(), title=_("Начало рабочего дня, час"), default=9, missing=9,
        validator=colander.Range(0, 23))
    work_end = colander.SchemaNode(
        colander.Integer(), title=_("Конец рабочего дня, час"), default=18, missing=18,
        validator=colander.Range(1, 24))
    federal_holidays = colander.SchemaNode(
        colander.Boolean(), title=_("Не работать в праздники по ст. 112 ТК РФ"), default=True, missing=False)
    holidays = colander.SchemaNode(
        colander.String(), title=_("Дополнительные нерабочие дни (ДД.ММ.ГГГГ, по одному в строке)"),
        widget=deform.widget.TextAreaWidget(rows=5), default="", missing="", validator=_dates_validator)
    workdays = colander.SchemaNode(
        colander.String(), title=_("Рабочие субботы и воскресенья — переносы (ДД.ММ.ГГГГ, по одному в строке)"),
        widget=deform.widget.TextAreaWidget(rows=3), default="", missing="", validator=_dates_validator)
    soon_hours = colander.SchemaNode(
        colander.Integer(), title=_("За сколько рабочих часов до срока отмечать «скоро срок»"),
        default=4, missing=4, validator=colander.Range(0, 200))

    def __init__(self, *args, **kw):
        kw.setdefault("validator", _hours_validator)
        super().__init__(*args, **kw)
