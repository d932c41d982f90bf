"""colander schemas: service lines, a period's statement, payments, periods
and the organisation's settings. The generated admin and the staff forms
are built from these; every message is Russian and names its field."""
from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

import colander
import deform

from lk_platform.util.schematypes import DateText, DecimalText

from . import periods
from .i18n import _

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


def _title(node):
    return str(node.title or node.name)


def required(title):
    """The message for an empty required field, naming it."""
    return "«%s»: обязательное поле" % title


def amount_range(node, value):
    if abs(value) >= MAX_AMOUNT:
        raise colander.Invalid(node, "«%s»: слишком большая сумма (не больше 100 млн ₽)" % _title(node))


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
            raise colander.Invalid(node, "«%s»: %s" % (_title(node), exc))


@colander.deferred
def _not_future_period(node, kw):
    organisation = kw.get("organisation")

    def check(node, value):
        now = organisation.now().date() if organisation is not None else dt.date.today()
        if value > periods.add(periods.of_date(now), 1):
            raise colander.Invalid(node, "«%s»: период %s ещё не наступил" % (_title(node), periods.short(value)))
    return check


# -- a statement's service lines (edited by staff per account and period) ----

class LineSchema(colander.MappingSchema):
    service = colander.SchemaNode(colander.String(), title="Услуга", missing="",
                                  validator=colander.Length(max=100, max_err="«Услуга»: не длиннее 100 знаков"))
    supplier = colander.SchemaNode(colander.String(), title="Исполнитель (поставщик)", missing="",
                                   validator=colander.Length(max=160))
    unit = colander.SchemaNode(colander.String(), title="Ед. изм.", missing="",
                               validator=colander.Length(max=20))
    volume = colander.SchemaNode(DecimalText(places=6), title="Объём", missing=None,
                                 validator=amount_range)
    tariff = colander.SchemaNode(DecimalText(places=4), title="Тариф, ₽", missing=None,
                                 validator=amount_range)
    accrued = colander.SchemaNode(DecimalText(), title="Начислено, ₽", missing=None, validator=amount_range)
    recalculation = colander.SchemaNode(DecimalText(signed=True), title="Перерасчёт (+/−), ₽",
                                        missing=Decimal("0"), validator=amount_range)
    benefits = colander.SchemaNode(DecimalText(), title="Льготы, субсидии, ₽", missing=Decimal("0"),
                                   validator=amount_range)
    penalties = colander.SchemaNode(DecimalText(), title="Пени, ₽", missing=Decimal("0"), validator=amount_range)
    remove = colander.SchemaNode(colander.Boolean(), title="Удалить строку", missing=False)

    def validator(self, node, value):
        blank = not value["service"] and value["accrued"] is None and value["volume"] is None \
            and value["tariff"] is None and not value["recalculation"] and not value["benefits"] \
            and not value["penalties"]
        if blank or value["remove"]:
            return
        exc = colander.Invalid(node)
        if not value["service"]:
            exc["service"] = "«Услуга»: укажите название услуги"
        if value["accrued"] is None:
            if value["volume"] is not None and value["tariff"] is not None:
                value["accrued"] = (value["volume"] * value["tariff"]).quantize(Decimal("0.01"), ROUND_HALF_UP)
            else:
                exc["accrued"] = "«Начислено»: укажите сумму или тариф и объём"
        if exc.children:
            raise exc


def is_blank_line(value) -> bool:
    return value.get("remove") or not value.get("service")


class LinesSchema(colander.SequenceSchema):
    line = LineSchema(title="Строка начисления")
    validator = colander.Length(max=100, max_err="«Начисления по услугам»: не больше 100 строк за период")


class StatementSchema(colander.MappingSchema):
    """A period's accruals for one account, as staff correct them."""
    opening = colander.SchemaNode(
        DecimalText(signed=True), title="Входящее сальдо первого периода, ₽",
        description="Долг (+) или переплата (−) до первого периода истории; у следующих периодов "
                    "входящее сальдо — исходящее предыдущего.", missing=Decimal("0"), validator=amount_range)
    lines = LinesSchema(title="Начисления по услугам")
    reason = colander.SchemaNode(
        colander.String(), title="Основание корректировки",
        description="Попадает в журнал действий вместе со списком изменений",
        validator=colander.Length(3, 500, min_err="«Основание корректировки»: опишите основание (от 3 знаков)",
                                  max_err="«Основание корректировки»: не длиннее 500 знаков"),
        missing_msg=required("Основание корректировки"),
        widget=deform.widget.TextAreaWidget(rows=2))


class NewStatementSchema(StatementSchema):
    period = colander.SchemaNode(PeriodType(), title="Период (ГГГГ-ММ)", validator=_not_future_period,
                                 insert_before="opening", missing_msg=required("Период"),
                                 widget=deform.widget.TextInputWidget(attributes={"type": "month"}))


# -- payments (a catalogued content type with a generated admin) -------------

@colander.deferred
def _account_exists(node, kw):
    organisation = kw.get("organisation")

    def check(node, value):
        folder = organisation.get("accounts") if organisation is not None else None
        if folder is None or folder.get(value) is None:
            raise colander.Invalid(node, "«Лицевой счёт»: счёта № %s в организации нет" % value[:32])
    return check


@colander.deferred
def _not_future_date(node, kw):
    organisation = kw.get("organisation")

    def check(node, value):
        today = organisation.now().date() if organisation is not None else dt.date.today()
        if value > today:
            raise colander.Invalid(node, "«Дата платежа»: дата в будущем (%s)" % value.strftime("%d.%m.%Y"))
        if value.year < periods.MIN_YEAR:
            raise colander.Invalid(node, "«Дата платежа»: слишком ранняя дата")
        from .content import is_closed
        if organisation is not None and is_closed(organisation, periods.of_date(value)):
            raise colander.Invalid(node, "«Дата платежа»: период %s закрыт — платёж в него не внести"
                                   % periods.short(periods.of_date(value)))
    return check


def positive_amount(node, value):
    if value <= 0:
        raise colander.Invalid(node, "«%s»: сумма должна быть больше нуля" % _title(node))
    amount_range(node, value)


class PaymentSchema(colander.Schema):
    account = colander.SchemaNode(colander.String(), title="Лицевой счёт", preparer=lambda v: v.strip()
                                  if isinstance(v, str) else v, validator=_account_exists,
                                  missing_msg=required("Лицевой счёт"))
    date = colander.SchemaNode(DateText(), title="Дата платежа", validator=_not_future_date,
                               missing_msg=required("Дата платежа"),
                               widget=deform.widget.TextInputWidget(attributes={"type": "date"}))
    amount = colander.SchemaNode(DecimalText(), title="Сумма, ₽", validator=positive_amount,
                                 missing_msg=required("Сумма"))
    channel = colander.SchemaNode(colander.String(), title="Способ оплаты", missing_msg=required("Способ оплаты"),
                                  widget=deform.widget.SelectWidget(values=CHANNELS),
                                  validator=colander.OneOf([c for c, _t in CHANNELS],
                                                           msg_err="«Способ оплаты»: выберите из списка"))
    period = colander.SchemaNode(PeriodType(), title="За период (ГГГГ-ММ)", missing=None,
                                 validator=_not_future_period,
                                 widget=deform.widget.TextInputWidget(attributes={"type": "month"}))
    document = colander.SchemaNode(colander.String(), title="Номер платёжного документа", missing="",
                                   validator=colander.Length(max=64))
    note = colander.SchemaNode(colander.String(), title="Примечание", missing="",
                               validator=colander.Length(max=500))


# -- billing periods (a catalogued content type) --------------------------------

class PeriodSchema(colander.Schema):
    period = colander.SchemaNode(PeriodType(), title="Период (ГГГГ-ММ)", validator=_not_future_period,
                                 missing_msg=required("Период"),
                                 widget=deform.widget.TextInputWidget(attributes={"type": "month"}))
    closed = colander.SchemaNode(colander.Boolean(), title="Период закрыт",
                                 description="Начисления закрытого периода нельзя исправить вручную: "
                                             "исправления вносят перерасчётом в открытом периоде.",
                                 missing=False)
    note = colander.SchemaNode(colander.String(), title="Примечание", missing="",
                               validator=colander.Length(max=500))


def period_key(values) -> str:
    return periods.iso(values["period"])


# -- the organisation's settings ----------------------------------------------

def _digits(count, title):
    def check(node, value):
        if value and (not value.isdigit() or len(value) not in count):
            raise colander.Invalid(node, "«%s»: нужно %s цифр" % (title, " или ".join(map(str, count))))
    return check


def _strip_spaces(value):
    return re.sub(r"\s+", "", value) if isinstance(value, str) else value


BANK_FIELDS = ("settlement_account", "bank_name", "bic", "correspondent_account")


class SettingsSchema(colander.Schema):
    payee_name = colander.SchemaNode(
        colander.String(), title="Получатель платежа", missing="",
        description="Как в платёжном поручении; пусто — полное наименование организации",
        validator=colander.Length(max=160))
    payee_inn = colander.SchemaNode(colander.String(), title="ИНН получателя", missing="",
                                    description="Пусто — ИНН организации",
                                    preparer=_strip_spaces, validator=_digits((10, 12), "ИНН получателя"))
    payee_kpp = colander.SchemaNode(colander.String(), title="КПП получателя", missing="",
                                    description="Пусто — КПП организации",
                                    preparer=_strip_spaces, validator=_digits((9,), "КПП получателя"))
    settlement_account = colander.SchemaNode(colander.String(), title="Расчётный счёт", missing="",
                                             preparer=_strip_spaces,
                                             validator=_digits((20,), "Расчётный счёт"))
    bank_name = colander.SchemaNode(colander.String(), title="Банк", missing="",
                                    validator=colander.Length(max=45, max_err="«Банк»: не длиннее 45 знаков "
                                                                              "(предел ГОСТ Р 56042)"))
    bic = colander.SchemaNode(colander.String(), title="БИК", missing="", preparer=_strip_spaces,
                              validator=_digits((9,), "БИК"))
    correspondent_account = colander.SchemaNode(colander.String(), title="Корреспондентский счёт", missing="",
                                                preparer=_strip_spaces,
                                                validator=_digits((20,), "Корреспондентский счёт"))
    due_day = colander.SchemaNode(colander.Integer(), title="Оплатить до (число месяца)", missing=10,
                                  description="Срок оплаты: этот день месяца, следующего за расчётным",
                                  validator=colander.Range(1, 28, min_err="«Оплатить до»: от 1 до 28",
                                                           max_err="«Оплатить до»: от 1 до 28"))
    show_penalties = colander.SchemaNode(
        colander.Boolean(), title="Показывать пени отдельно", missing=True,
        description="Выключено — колонка и строка «пени» не выводятся в кабинете и квитанции "
                    "(начисленные пени по-прежнему входят в сальдо)")

    def validator(self, node, value):
        filled = [f for f in BANK_FIELDS if value.get(f)]
        if filled and len(filled) < len(BANK_FIELDS):
            exc = colander.Invalid(node, "Заполните все банковские реквизиты или ни одного")
            for name in BANK_FIELDS:
                if not value.get(name):
                    exc[name] = "«%s»: нужен вместе с остальными реквизитами" % _title(node[name])
            raise exc


DEFAULT_SETTINGS = {"payee_name": "", "payee_inn": "", "payee_kpp": "", "settlement_account": "",
                    "bank_name": "", "bic": "", "correspondent_account": "", "due_day": 10,
                    "show_penalties": True}


def settings_of(organisation) -> dict:
    values = dict(DEFAULT_SETTINGS)
    values.update(organisation.plugin_settings("debt"))
    return values
