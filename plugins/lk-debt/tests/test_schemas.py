"""Typed input: amounts as people type them, service lines, settings."""
from decimal import Decimal

import colander
import pytest

from lk_debt.schemas import LineSchema, LinesSchema, SettingsSchema, StatementSchema

D = Decimal


def deserialize_line(**values):
    base = {"service": "Отопление", "accrued": "100"}
    base.update(values)
    return LineSchema().deserialize(base)


@pytest.mark.parametrize("text,expected", [("12,5", D("12.5")), ("12.50", D("12.50")), ("1 234,56", D("1234.56")),
                                           ("1\u00a0234,5", D("1234.5")), ("+7", D("7")), ("0", D("0"))])
def test_amounts_as_people_type_them(text, expected):
    assert deserialize_line(accrued=text)["accrued"] == expected


@pytest.mark.parametrize("text,message", [("1e9", "введите число"), ("абв", "введите число"),
                                          ("NaN", "введите число"), ("12,555", "не больше 2 знаков"),
                                          ("-5", "не может быть отрицательным"), ("1,2,3", "введите число"),
                                          ("999999999", "слишком большая сумма")])
def test_bad_amounts_are_refused_naming_the_field(text, message):
    with pytest.raises(colander.Invalid) as info:
        deserialize_line(accrued=text)
    errors = info.value.asdict()
    assert message in errors["accrued"] and "«Начислено, ₽»" in errors["accrued"]


def test_recalculation_may_be_negative_with_either_minus():
    assert deserialize_line(recalculation="-12,30")["recalculation"] == D("-12.30")
    assert deserialize_line(recalculation="−5")["recalculation"] == D("-5")


def test_accrued_is_computed_from_tariff_and_volume_when_left_empty():
    value = deserialize_line(accrued="", volume="3,125", tariff="48,9")
    assert value["accrued"] == D("152.81")


def test_computed_accrual_rounds_half_up():
    assert deserialize_line(accrued="", volume="1", tariff="0,125")["accrued"] == D("0.13")


def test_a_line_needs_a_service_and_an_amount():
    with pytest.raises(colander.Invalid) as info:
        deserialize_line(service="", accrued="", volume="", tariff="5")
    errors = info.value.asdict()
    assert "укажите название услуги" in errors["service"] and "«Начислено»" in errors["accrued"]


def test_blank_and_removed_lines_pass_and_are_marked():
    blank = LineSchema().deserialize({"service": "", "accrued": ""})
    assert blank["service"] == "" and blank["accrued"] is None
    removed = LineSchema().deserialize({"service": "x", "accrued": "", "remove": "true"})
    assert removed["remove"] is True


def test_at_most_a_hundred_lines_a_period():
    line = {"service": "x", "accrued": "1"}
    assert len(StatementSchema().deserialize({"lines": [line] * 100, "reason": "Импорт"})["lines"]) == 100
    with pytest.raises(colander.Invalid) as info:
        StatementSchema().deserialize({"lines": [line] * 101, "reason": "Импорт"})
    assert "не больше 100 строк" in info.value.asdict()["lines"]


def test_statement_requires_a_reason():
    schema = StatementSchema()
    with pytest.raises(colander.Invalid) as info:
        schema.deserialize({"lines": [], "reason": ""})
    assert "reason" in info.value.asdict()
    assert isinstance(schema["lines"], LinesSchema)


def settings(**values):
    base = {"payee_name": "", "settlement_account": "", "bank_name": "", "bic": "", "correspondent_account": "",
            "due_day": "10"}
    base.update(values)
    return SettingsSchema().deserialize(base)


BANK = dict(settlement_account="4070 2810 9380 0001 2345", bank_name="ПАО Сбербанк", bic="044525225",
            correspondent_account="30101810400000000225")


def test_settings_accept_complete_bank_details_and_strip_spaces():
    value = settings(**BANK)
    assert value["settlement_account"] == "40702810938000012345" and value["due_day"] == 10
    assert value["show_penalties"] is True


@pytest.mark.parametrize("field,value,message", [
    ("settlement_account", "4070281093800001234", "«Расчётный счёт»: нужно 20 цифр"),
    ("bic", "04452522", "«БИК»: нужно 9 цифр"),
    ("correspondent_account", "3010181040000000022A", "«Корреспондентский счёт»: нужно 20 цифр"),
    ("due_day", "31", "«Оплатить до»: от 1 до 28"),
    ("due_day", "0", "«Оплатить до»: от 1 до 28"),
    ("payee_inn", "123", "«ИНН получателя»: нужно 10 или 12 цифр"),
])
def test_settings_refuse_bad_details(field, value, message):
    with pytest.raises(colander.Invalid) as info:
        settings(**dict(BANK, **{field: value}))
    assert message in info.value.asdict()[field]


def test_bank_details_are_all_or_nothing():
    assert settings()["bic"] == ""
    with pytest.raises(colander.Invalid) as info:
        settings(bic="044525225")
    errors = info.value.asdict()
    assert "settlement_account" in errors and "bank_name" in errors and "bic" not in errors
