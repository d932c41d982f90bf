"""Checking values: every bad input gets its own Russian message, the
counter's digits are respected, a roll-over is told from a mistake, a high
consumption asks for confirmation, and warnings are kept."""
import datetime as dt
from decimal import Decimal

import pytest

from lk_meters.meters import Meter
from lk_meters.readings import Reading
from lk_meters.validation import BadValue, Entry, check_entry, parse_value

TODAY = dt.date(2026, 11, 20)


@pytest.mark.parametrize("text, value", [
    ("12,5", Decimal("12.5")), ("12.5", Decimal("12.5")), (" 1 234,567 ", Decimal("1234.567")),
    ("0", Decimal("0")), ("00012", Decimal("12")), ("99999,999", Decimal("99999.999")),
    ("5,1000", Decimal("5.1000")),   # trailing zeros do not count as digits the meter lacks
])
def test_values_people_type_are_read_exactly(text, value):
    assert parse_value(text, 5, 3) == value


@pytest.mark.parametrize("text, message", [
    ("", "Введите показание"),
    ("   ", "Введите показание"),
    ("1e9", "Введите число цифрами"),
    ("абв", "Введите число цифрами"),
    ("12,5,6", "Введите число цифрами"),
    ("+5", "Введите число цифрами"),
    ("NaN", "Введите число цифрами"),
    ("١٢", "Введите число цифрами"),            # Arabic-Indic digits are not accepted silently
    ("-5", "не может быть отрицательным"),
    ("123456", "У счётчика 5 цифр до запятой, а введено 6"),
    ("1,2345", "У счётчика 3 цифры после запятой, а введено 4"),
    ("9" * 40, "Слишком длинное значение"),
])
def test_bad_values_get_a_clear_message(text, message):
    with pytest.raises(BadValue) as exc:
        parse_value(text, 5, 3)
    assert message in str(exc.value)


def test_whole_number_meter_refuses_fractions():
    with pytest.raises(BadValue, match="только целые числа"):
        parse_value("12,5", 6, 0)


def meter(**values):
    base = dict(account="1", resource="cold_water", serial="A-1", int_digits=5, frac_digits=3)
    base.update(values)
    m = Meter(**base)
    m.__name__ = "7"
    return m


def reading(period, *values, status="accepted", superseded=False):
    return Reading(period=period, seq=0, values=tuple(Decimal(v) for v in values), submitted=1, by_kind="resident",
                   by="x", source="web", status=status, superseded=superseded)


def check(m, *texts, period=202611, confirmed=False, staff=False, ceilings=None):
    entry = Entry(meter=m, texts=texts, period=period, confirmed=confirmed)
    return check_entry(entry, None, TODAY, ceilings or {}, staff=staff)


def test_wrong_number_of_tariff_values():
    m = meter(resource="electricity", tariffs=2)
    entry = check(m, "100")
    assert not entry.ok
    assert entry.errors[None] == "у счётчика 2 тарифа (День, Ночь), а передано значений: 1"
    assert "тариф" in entry.messages()[0] and "Э" in entry.messages()[0]


def test_each_bad_tariff_is_named():
    m = meter(resource="electricity", tariffs=2)
    entry = check(m, "100", "абв")
    assert list(entry.errors) == [1]
    assert entry.messages() == ["ЭЛ № A-1, тариф «Ночь»: Введите число цифрами, например 123,45 — без букв, "
                                "пробелов внутри и знаков «e», «+»"]


def test_lower_than_previous_is_refused_for_residents_but_a_rollover_passes():
    m = meter()
    m.history[202610000] = reading(202610, "500")
    entry = check(m, "400")
    assert "меньше предыдущего" in entry.errors[0] and "октябрь 2026" in entry.errors[0]
    m.history[202610000] = reading(202610, "99990")
    entry = check(m, "12")                     # 99990 -> 100000 -> 12: 22 m³, plausible
    assert entry.ok and entry.values == (Decimal("12.000"),)


def test_staff_may_confirm_a_lower_value():
    m = meter()
    m.history[202610000] = reading(202610, "500")
    entry = check(m, "400", staff=True)
    assert not entry.errors and entry.confirm and not entry.ok
    entry = check(m, "400", staff=True, confirmed=True)
    assert entry.ok and any("меньше предыдущего" in w and "подтверждено" in w for w in entry.warnings)


def test_rejected_and_superseded_readings_are_not_the_baseline():
    m = meter()
    m.history[202609000] = reading(202609, "100")
    m.history[202610000] = reading(202610, "1000", status="rejected")
    assert check(m, "105").ok                  # compared with September's 100, not the rejected 1000
    m.history[202610000] = reading(202610, "1000", superseded=True)
    m.history[202610001] = reading(202610, "104")
    assert not check(m, "103").ok              # compared with the current 104


def test_consumption_above_the_ceiling_asks_for_confirmation_and_keeps_a_warning():
    m = meter()
    m.history[202610000] = reading(202610, "100")
    entry = check(m, "160", ceilings={"cold_water": Decimal("30")})
    assert not entry.errors and not entry.ok
    assert "расход 60,000 м³ за 1 мес. больше обычного предела (30 м³ в месяц)" == entry.confirm
    entry = check(m, "160", ceilings={"cold_water": Decimal("30")}, confirmed=True)
    assert entry.ok and entry.warnings == ["Расход 60,000 м³ за 1 мес. больше обычного предела (30 м³ в месяц) "
                                           "— подтверждено при передаче"]
    # three months since the last reading: three months' ceiling
    assert check(m, "160", period=202701, ceilings={"cold_water": Decimal("30")}).ok


def test_archived_and_overdue_meters_are_accepted_with_stored_warnings():
    m = meter(status="archived", next_verification=dt.date(2026, 5, 1))
    entry = check(m, "10")
    assert entry.ok
    assert entry.warnings == ["Счётчик в архиве (выведен из эксплуатации)", "Срок поверки истёк 01.05.2026"]


def test_initial_values_are_the_first_baseline():
    m = meter(initial_1=Decimal("50"))
    assert "меньше предыдущего: 50,000 (начальное показание счётчика)" in check(m, "40").errors[0]
    assert check(m, "50").ok
