"""colander schemas: service lines, a period's statement, payments, periods
and the organisation's settings. The generated admin and the staff forms
are built from these; every title and message is a translation string of
the ``lk_debt`` domain (Russian msgid) and a message names its field."""
from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

import colander
import deform
from pyramid.threadlocal import get_current_request

from lk_platform.util import periods
from lk_platform.util.schematypes import DateText, DecimalText

from .i18n import _
from .models import is_closed

CHANNELS = (
    ("cash", _("Касса организации")),
    ("bank", _("Банк (реестр платежей)")),
    ("card", _("Банковская карта")),
    ("online", _("Онлайн-оплата в личном кабинете")),
    ("post", _("Почта России")),
    ("sbp", _("СБП (QR-код)")),
    ("correction", _("Корректировка")),
)
CHANNEL_TITLES = dict(CHANNELS)

MAX_AMOUNT = Decimal("100000000")  # 100 million roubles: beyond is a typo, not a bill


def reader_language(message) -> str:
    """``message`` in the language of the request being served (Russian
    outside a request): for a text put into another message's mapping,
    which is not translated with it."""
    if not hasattr(message, "interpolate"):
        return str(message)
    request = get_current_request()
    return request.localizer.translate(message) if request is not None else message.interpolate()


def _title(node):
    return reader_language(node.title or node.name)


def amount_range(node, value):
    if abs(value) >= MAX_AMOUNT:
        raise colander.Invalid(node, _("«${field}»: слишком большая сумма (не больше 100 млн ₽)",
                                       mapping={"field": _title(node)}))


class PeriodType(colander.SchemaType):
    """A billing period typed as ГГГГ-ММ (or ММ.ГГГГ); appstruct is the int YYYYMM."""

    def serialize(self, node, appstruct):
        if appstruct is colander.null or appstruct is None:
            return colander.null
        return periods.iso(appstruct)

    def deserialize(self, node, cstruct):
        if cstruct is colander.null or cstruct is None or not str(cstruct).strip():
            return colander.null
        try:
            return periods.parse(cstruct)
        except periods.BadPeriod as exc:
            raise colander.Invalid(node, _("«${field}»: ${problem}", mapping={
                "field": _title(node), "problem": reader_language(exc.message)}))


@colander.deferred
def _not_future_period(node, kw):
    organisation = kw.get("organisation")

    def check(node, value):
        now = organisation.now().date() if organisation is not None else dt.date.today()
        if value > periods.add(periods.of_date(now), 1):
            raise colander.Invalid(node, _("«${field}»: период ${period} ещё не наступил", mapping={
                "field": _title(node), "period": periods.short(value)}))
    return check


# -- a statement's service lines (edited by staff per account and period) ----

class LineSchema(colander.MappingSchema):
    service = colander.SchemaNode(colander.String(), title=_("Услуга"), missing="",
                                  validator=colander.Length(max=100, max_err=_("«Услуга»: не длиннее 100 знаков")))
    supplier = colander.SchemaNode(colander.String(), title=_("Исполнитель (поставщик)"), missing="",
                                   validator=colander.Length(max=160))
    unit = colander.SchemaNode(colander.String(), title=_("Ед. изм."), missing="",
                               validator=colander.Length(max=20))
    volume = colander.SchemaNode(DecimalText(places=6), title=_("Объём"), missing=None,
                                 validator=amount_range)
    tariff = colander.SchemaNode(DecimalText(places=4), title=_("Тариф, ₽"), missing=None,
                                 validator=amount_range)
    accrued = colander.SchemaNode(DecimalText(), title=_("Начислено, ₽"), missing=None, validator=amount_range)
    recalculation = colander.SchemaNode(DecimalText(signed=True), title=_("Перерасчёт (+/−), ₽"),
                                        missing=Decimal("0"), validator=amount_range)
    benefits = colander.SchemaNode(DecimalText(), title=_("Льготы, субсидии, ₽"), missing=Decimal("0"),
                                   validator=amount_range)
    penalties = colander.SchemaNode(DecimalText(), title=_("Пени, ₽"), missing=Decimal("0"),
                                    validator=amount_range)
    remove = colander.SchemaNode(colander.Boolean(), title=_("Удалить строку"), missing=False)

    def validator(self, node, value):
        blank = not value["service"] and value["accrued"] is None and value["volume"] is None \
            and value["tariff"] is None and not value["recalculation"] and not value["benefits"] \
            and not value["penalties"]
        if blank or value["remove"]:
            return
        exc = colander.Invalid(node)
        if not value["service"]:
            exc["service"] = _("«Услуга»: укажите название услуги")
        if value["accrued"] is None:
            if value["volume"] is not None and value["tariff"] is not None:
                value["accrued"] = (value["volume"] * value["tariff"]).quantize(Decimal("0.01"), ROUND_HALF_UP)
            else:
                exc["accrued"] = _("«Начислено»: укажите сумму или тариф и объём")
        if exc.children:
            raise exc


def is_blank_line(value) -> bool:
    return value.get("remove") or not value.get("service")


class LinesSchema(colander.SequenceSchema):
    line = LineSchema(title=_("Строка начисления"))
    validator = colander.Length(max=100, max_err=_("«Начисления по услугам»: не больше 100 строк за период"))


class StatementSchema(colander.MappingSchema):
    """A period's accruals for one account, as staff correct them."""
    opening = colander.SchemaNode(
        DecimalText(signed=True), title=_("Входящее сальдо первого периода, ₽"),
        description=_("Долг (+) или переплата (−) до первого периода истории; у следующих периодов "
                      "входящее сальдо — исходящее предыдущего."), missing=Decimal("0"), validator=amount_range)
    lines = LinesSchema(title=_("Начисления по услугам"))
    reason = colander.SchemaNode(
        colander.String(), title=_("Основание корректировки"),
        description=_("Попадает в журнал действий вместе со списком изменений"),
        validator=colander.Length(3, 500, min_err=_("«Основание корректировки»: опишите основание (от 3 знаков)"),
                                  max_err=_("«Основание корректировки»: не длиннее 500 знаков")),
        missing_msg=_("«Основание корректировки»: обязательное поле"),
        widget=deform.widget.TextAreaWidget(rows=2))


class NewStatementSchema(StatementSchema):
    period = colander.SchemaNode(PeriodType(), title=_("Период (ГГГГ-ММ)"), validator=_not_future_period,
                                 insert_before="opening", missing_msg=_("«Период»: обязательное поле"),
                                 widget=deform.widget.TextInputWidget(attributes={"type": "month"}))


# -- payments (a catalogued content type with a generated admin) -------------

@colander.deferred
def _account_exists(node, kw):
    organisation = kw.get("organisation")

    def check(node, value):
        folder = organisation.get("accounts") if organisation is not None else None
        if folder is None or folder.get(value) is None:
            raise colander.Invalid(node, _("«Лицевой счёт»: счёта № ${number} в организации нет",
                                           mapping={"number": value[:32]}))
    return check


@colander.deferred
def _not_future_date(node, kw):
    organisation = kw.get("organisation")

    def check(node, value):
        today = organisation.now().date() if organisation is not None else dt.date.today()
        if value > today:
            raise colander.Invalid(node, _("«Дата платежа»: дата в будущем (${date})",
                                           mapping={"date": value.strftime("%d.%m.%Y")}))
        if value.year < periods.MIN_YEAR:
            raise colander.Invalid(node, _("«Дата платежа»: слишком ранняя дата"))
        if organisation is not None and is_closed(organisation, periods.of_date(value)):
            raise colander.Invalid(node, _("«Дата платежа»: период ${period} закрыт — платёж в него не внести",
                                           mapping={"period": periods.short(periods.of_date(value))}))
    return check


def positive_amount(node, value):
    if value <= 0:
        raise colander.Invalid(node, _("«${field}»: сумма должна быть больше нуля", mapping={"field": _title(node)}))
    amount_range(node, value)


class PaymentSchema(colander.Schema):
    account = colander.SchemaNode(colander.String(), title=_("Лицевой счёт"), preparer=lambda v: v.strip()
                                  if isinstance(v, str) else v, validator=_account_exists,
                                  missing_msg=_("«Лицевой счёт»: обязательное поле"))
    date = colander.SchemaNode(DateText(), title=_("Дата платежа"), validator=_not_future_date,
                               missing_msg=_("«Дата платежа»: обязательное поле"),
                               widget=deform.widget.TextInputWidget(attributes={"type": "date"}))
    amount = colander.SchemaNode(DecimalText(), title=_("Сумма, ₽"), validator=positive_amount,
                                 missing_msg=_("«Сумма»: обязательное поле"))
    channel = colander.SchemaNode(colander.String(), title=_("Способ оплаты"),
                                  missing_msg=_("«Способ оплаты»: обязательное поле"),
                                  widget=deform.widget.SelectWidget(values=CHANNELS),
                                  validator=colander.OneOf([c for c, _t in CHANNELS],
                                                           msg_err=_("«Способ оплаты»: выберите из списка")))
    period = colander.SchemaNode(PeriodType(), title=_("За период (ГГГГ-ММ)"), missing=None,
                                 validator=_not_future_period,
                                 widget=deform.widget.TextInputWidget(attributes={"type": "month"}))
    document = colander.SchemaNode(colander.String(), title=_("Номер платёжного документа"), missing="",
                                   validator=colander.Length(max=64))
    note = colander.SchemaNode(colander.String(), title=_("Примечание"), missing="",
                               validator=colander.Length(max=500))


# -- billing periods (a catalogued content type) --------------------------------

class PeriodSchema(colander.Schema):
    period = colander.SchemaNode(PeriodType(), title=_("Период (ГГГГ-ММ)"), validator=_not_future_period,
                                 missing_msg=_("«Период»: обязательное поле"),
                                 widget=deform.widget.TextInputWidget(attributes={"type": "month"}))
    closed = colander.SchemaNode(colander.Boolean(), title=_("Период закрыт"),
                                 description=_("Начисления закрытого периода нельзя исправить вручную: "
                                               "исправления вносят перерасчётом в открытом периоде."),
                                 missing=False)
    note = colander.SchemaNode(colander.String(), title=_("Примечание"), missing="",
                               validator=colander.Length(max=500))


def period_key(values) -> str:
    return periods.iso(values["period"])


# -- the organisation's settings ----------------------------------------------

def _digits(*count):
    def check(node, value):
        if value and (not value.isdigit() or len(value) not in count):
            if len(count) == 1:
                message = _("«${field}»: нужно ${count} цифр", mapping={"field": _title(node), "count": count[0]})
            else:
                message = _("«${field}»: нужно ${count} или ${other} цифр",
                            mapping={"field": _title(node), "count": count[0], "other": count[1]})
            raise colander.Invalid(node, message)
    return check


def _strip_spaces(value):
    return re.sub(r"\s+", "", value) if isinstance(value, str) else value


BANK_FIELDS = ("settlement_account", "bank_name", "bic", "correspondent_account")


class SettingsSchema(colander.Schema):
    payee_name = colander.SchemaNode(
        colander.String(), title=_("Получатель платежа"), missing="",
        description=_("Как в платёжном поручении; пусто — полное наименование организации"),
        validator=colander.Length(max=160))
    payee_inn = colander.SchemaNode(colander.String(), title=_("ИНН получателя"), missing="",
                                    description=_("Пусто — ИНН организации"),
                                    preparer=_strip_spaces, validator=_digits(10, 12))
    payee_kpp = colander.SchemaNode(colander.String(), title=_("КПП получателя"), missing="",
                                    description=_("Пусто — КПП организации"),
                                    preparer=_strip_spaces, validator=_digits(9))
    settlement_account = colander.SchemaNode(colander.String(), title=_("Расчётный счёт"), missing="",
                                             preparer=_strip_spaces, validator=_digits(20))
    bank_name = colander.SchemaNode(colander.String(), title=_("Банк"), missing="",
                                    validator=colander.Length(max=45, max_err=_("«Банк»: не длиннее 45 знаков "
                                                                                "(предел ГОСТ Р 56042)")))
    bic = colander.SchemaNode(colander.String(), title=_("БИК"), missing="", preparer=_strip_spaces,
                              validator=_digits(9))
    correspondent_account = colander.SchemaNode(colander.String(), title=_("Корреспондентский счёт"), missing="",
                                                preparer=_strip_spaces, validator=_digits(20))
    due_day = colander.SchemaNode(colander.Integer(), title=_("Оплатить до (число месяца)"), missing=10,
                                  description=_("Срок оплаты: этот день месяца, следующего за расчётным"),
                                  validator=colander.Range(1, 28, min_err=_("«Оплатить до»: от 1 до 28"),
                                                           max_err=_("«Оплатить до»: от 1 до 28")))
    show_penalties = colander.SchemaNode(
        colander.Boolean(), title=_("Показывать пени отдельно"), missing=True,
        description=_("Выключено — колонка и строка «пени» не выводятся в кабинете и квитанции "
                      "(начисленные пени по-прежнему входят в сальдо)"))

    def validator(self, node, value):
        filled = [f for f in BANK_FIELDS if value.get(f)]
        if filled and len(filled) < len(BANK_FIELDS):
            exc = colander.Invalid(node, _("Заполните все банковские реквизиты или ни одного"))
            for name in BANK_FIELDS:
                if not value.get(name):
                    exc[name] = _("«${field}»: нужен вместе с остальными реквизитами",
                                  mapping={"field": _title(node[name])})
            raise exc


DEFAULT_SETTINGS = {"payee_name": "", "payee_inn": "", "payee_kpp": "", "settlement_account": "",
                    "bank_name": "", "bic": "", "correspondent_account": "", "due_day": 10,
                    "show_penalties": True}


def settings_of(organisation) -> dict:
    values = dict(DEFAULT_SETTINGS)
    values.update(organisation.plugin_settings("debt"))
    return values


def complete_settings(organisation):
    """Fill in the defaults of settings the organisation has not set (when the plugin is enabled)."""
    current = organisation.plugin_settings("debt")
    if any(k not in current for k in DEFAULT_SETTINGS):
        organisation.set_plugin_settings("debt", {**DEFAULT_SETTINGS, **current})
