"""Demo accruals and payments: 36 months for every demo account, some paid
on time, some in debt (with penalties), some overpaid. Deterministic per
account number, and idempotent (an account that has a history is left alone).

Built relative to a reference day (the organisation's today): accruals up to
last month, each month paid in the following one. Last month's payment
falls on its drawn day when that has passed, else on the reference day
itself, so who owes and who overpaid is the same on any day of the month and
no payment is dated in the future."""
from __future__ import annotations

import datetime as dt
import itertools
import random
from decimal import ROUND_HALF_UP, Decimal

from lk_platform.util import periods

from .models import PERIODS, BillingPeriod, ServiceLine, ledger_for

MONTHS = 36
CENT = Decimal("0.01")

#: (service, supplier or None for the organisation, unit, base tariff, volume rule)
WATER = [
    ("Холодное водоснабжение", None, "м³", "48.90", "cold"),
    ("Водоотведение", None, "м³", "36.20", "sewage"),
]
HOUSING = [
    ("Содержание жилого помещения", None, "м²", "31.40", "area"),
    ("Отопление", "АО «Теплоснабжающая компания»", "Гкал", "2210.50", "heat"),
    ("Горячее водоснабжение", "АО «Теплоснабжающая компания»", "м³", "228.70", "hot"),
    ("Холодное водоснабжение", "МУП «Водоканал»", "м³", "47.60", "cold"),
    ("Водоотведение", "МУП «Водоканал»", "м³", "35.10", "sewage"),
    ("Электроснабжение", "АО «Энергосбыт»", "кВт·ч", "5.38", "power"),
    ("Обращение с ТКО", "ООО «Региональный оператор»", "чел.", "118.90", "people"),
    ("Взнос на капитальный ремонт", "Фонд капитального ремонта", "м²", "12.80", "area"),
]
BANKS = {
    "vodokanal": dict(settlement_account="40702810938000012345", bank_name="ПАО Сбербанк", bic="044525225",
                      correspondent_account="30101810400000000225"),
    "uk-dom": dict(settlement_account="40702810716540012345", bank_name="Уральский банк ПАО Сбербанк",
                   bic="046577674", correspondent_account="30101810500000000674"),
    "uk-dom-sever": dict(settlement_account="40702810716540067890", bank_name="Уральский банк ПАО Сбербанк",
                         bic="046577674", correspondent_account="30101810500000000674"),
}
#: how the demo accounts pay; others get one by their number
STYLES = {"1000001": "debtor", "1000002": "punctual", "1000003": "overpayer",
          "2000001": "overpayer", "2000002": "debtor", "3000001": "punctual"}


def _volume(rule, rng, account, month):
    people = max(1, account.residents or 1)
    area = account.area or Decimal("45")
    if rule == "area":
        return Decimal(area)
    if rule == "people":
        return Decimal(people)
    if rule == "heat":  # heating season October–April, none in summer
        return (Decimal(area) * Decimal("0.0162") * Decimal(str(rng.uniform(0.8, 1.25)))).quantize(
            Decimal("0.0001")) if month in (10, 11, 12, 1, 2, 3, 4) else None
    base = {"cold": 3.4, "sewage": 5.2, "hot": 1.9, "power": 95.0}[rule]
    return Decimal(str(round(people * base * rng.uniform(0.75, 1.3), 3)))


def statement_lines(organisation, account, period, rng):
    services = WATER if "vodokanal" in (organisation.__name__ or "") else HOUSING
    years_from_start = 0 if periods.month(period) < 7 else 1
    index = (periods.year(period) - 2020 + years_from_start)  # tariffs rise each July
    lines = []
    for name, supplier, unit, tariff, rule in services:
        volume = _volume(rule, rng, account, periods.month(period))
        if volume is None:
            continue
        price = (Decimal(tariff) * Decimal("1.09") ** max(0, index - 4)).quantize(CENT)
        accrued = (volume * price).quantize(CENT, ROUND_HALF_UP)
        lines.append(dict(service=name, supplier=supplier or organisation.legal_name or organisation.title,
                          unit=unit, volume=volume, tariff=price, accrued=accrued))
    if rng.random() < 0.08 and lines:  # now and then a recalculation (e.g. a meter reading came late)
        lines[0]["recalculation"] = -(lines[0]["accrued"] * Decimal("0.3")).quantize(CENT)
    return lines


def payment_day(period: int, drawn: int, today: dt.date) -> dt.date | None:
    """When the payment for ``period`` is made: on day ``drawn`` of the
    following month, moved back to ``today`` if that is still ahead; None
    while the following month has not begun."""
    following = periods.next_(period)
    day = dt.date(following // 100, following % 100, drawn)
    if day <= today:
        return day
    return today if periods.of_date(today) == following else None


def fill_account(organisation, account, last_period, months=MONTHS, style=None, today=None):
    """36 months of accruals and payments for ``account`` up to ``last_period``,
    as of ``today`` (the organisation's, by default); False if it has a history."""
    ledger = ledger_for(organisation, account.number, create=True)
    if ledger.has_statements():
        return False
    rng = random.Random("lk-debt-demo:%s:%s" % (organisation.__name__, account.number))
    style = style or STYLES.get(account.number) or ("punctual", "debtor", "overpayer")[
        sum(map(ord, account.number)) % 3]
    first = periods.add(last_period, -(months - 1))
    today = today or organisation.now().date()
    debt_months = 0
    owed = Decimal("0")  # tracked here so the ledger recomputes once, at the end
    for period in periods.span(first, last_period):
        lines = statement_lines(organisation, account, period, rng)
        if style == "debtor" and debt_months >= 2 and owed > 0:
            lines.append(dict(service="Пени", supplier=organisation.legal_name or organisation.title, unit="",
                              accrued=Decimal("0"), penalties=(owed * Decimal("0.0045")).quantize(CENT)))
        built = [ServiceLine.make(**line) for line in lines]
        ledger.set_statement(period, built, recompute=False)
        owed += sum((line.total for line in built), Decimal("0"))
        day = payment_day(period, rng.randint(3, 20), today)
        if style == "debtor":
            skip = rng.random() < 0.35
            share = 0 if skip else rng.choice((0.4, 0.6, 1.0))
            if period == last_period:
                share = min(share, 0.6)  # the reference day finds a debtor in debt
            amount = (owed * Decimal(str(share))).quantize(CENT)
            debt_months = debt_months + 1 if skip or amount < owed else 0
        elif style == "overpayer":
            amount = ((owed // 500) + 2) * 500 if owed > 0 else Decimal("0")
        else:
            amount = owed
        if amount > 0 and day is not None:
            ledger.add_payment(day, amount, channel=rng.choice(("bank", "card", "online", "sbp")),
                               period=period, ref="demo-registry", recompute=False)
            owed -= amount
    ledger.recompute()
    return True


def load(organisation, platform, users):
    from .schemas import settings_of
    settings = settings_of(organisation)
    if not settings["settlement_account"] and organisation.__name__ in BANKS:
        settings.update(BANKS[organisation.__name__])
        organisation.set_plugin_settings("debt", settings)
    today = organisation.now().date()
    last = periods.prev(periods.of_date(today))
    folder = organisation.get("accounts")
    if folder is None:
        return
    # Demo organisations have a handful of accounts; never walk a real register here.
    for account in itertools.islice(folder.values(None, None), 200):
        fill_account(organisation, account, last, today=today)
    _periods(organisation, last)


def _periods(organisation, last):
    folder = organisation.container(PERIODS, "debt_period")
    for period in periods.span(periods.add(last, -(MONTHS - 1)), last):
        name = periods.iso(period)
        if name not in folder:
            obj = BillingPeriod(period=period, closed=period < periods.prev(last), note="")
            folder.add(obj, name)
            folder.reindex(obj)
