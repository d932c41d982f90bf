"""Synthetic data for the benchmark (``bench/fill.py`` calls :func:`fill`):
``months`` months of accruals up to last month for every account, ~8
services each (heating in season only), monthly payments with some debtors
and some overpayers, and a few penalties (payment days as the demo's: never
after today). ``PAGES`` are the pages ``bench/bench_pages.py`` measures.

Records go straight into the ledgers (the structures the staff form and
the payments admin write), one recompute per account, a batch of accounts
per transaction, so 100,000 accounts take minutes. Tariffs and a small
pool of volumes are shared objects, which the pickles store once per ledger.
"""
from __future__ import annotations

import time
from decimal import Decimal

from lk_platform.util import periods
from lk_platform.util.dates import org_today

from .demo import HOUSING, payment_day
from .models import LEDGERS, Ledger, ServiceLine, ledger_for

BATCH = 1000
VOLUMES = {"area": None, "people": None, "heat": (0.55, 1.45), "cold": (5.0, 16.0), "sewage": (8.0, 24.0),
           "hot": (2.5, 9.0), "power": (90.0, 420.0)}


def _tariffs(period_list):
    """Decimal tariff per (service index, period): indexed each July."""
    out = {}
    for i, (_name, _supplier, _unit, base, _rule) in enumerate(HOUSING):
        for period in period_list:
            step = periods.year(period) - 2020 + (1 if periods.month(period) >= 7 else 0)
            out[i, period] = (Decimal(base) * Decimal("1.09") ** max(0, step - 4)).quantize(Decimal("0.01"))
    return out


def _volume_pool(rng, low, high, size=40):
    return [Decimal(str(round(rng.uniform(low, high), 3))) for _ in range(size)]


def fill(organisation, accounts_folder, months, rng, commit):
    today = organisation.now().date()
    last = periods.prev(periods.of_date(today))
    period_list = list(periods.span(periods.add(last, -(months - 1)), last))
    tariffs = _tariffs(period_list)
    tariff_k = {key: int(value * 100) for key, value in tariffs.items()}
    pools = {rule: _volume_pool(rng, *span) for rule, span in VOLUMES.items() if span}
    supplier_of = [s or organisation.legal_name or organisation.title or "Управляющая организация"
                   for _n, s, _u, _t, _r in HOUSING]
    heating = {p for p in period_list if periods.month(p) in (10, 11, 12, 1, 2, 3, 4)}
    folder = organisation.container(LEDGERS)
    started = time.time()
    for n, number in enumerate(accounts_folder.keys(), 1):
        account = accounts_folder[number]
        ledger = ledger_for(organisation, number) or Ledger(number)
        if ledger.__parent__ is None:
            folder.add(ledger, number)
        area = account.area or Decimal("50")
        area_milli = int(area * 1000)
        people = Decimal(account.residents or 1)
        style = rng.random()  # < 0.15 debtor, > 0.9 overpayer
        owed = 0
        for period in period_list:
            lines = []
            for i, (name, _supplier, unit, _base, rule) in enumerate(HOUSING):
                if rule == "heat" and period not in heating:
                    continue
                if rule == "area":
                    volume, milli = area, area_milli
                elif rule == "people":
                    volume, milli = people, int(people) * 1000
                else:
                    volume = rng.choice(pools[rule])
                    milli = int(volume * 1000)
                accrued = (milli * tariff_k[i, period] + 500) // 1000
                lines.append(ServiceLine(name, supplier_of[i], unit, volume, tariffs[i, period], accrued))
            if style < 0.15 and owed > 300000:
                lines.append(ServiceLine("Пени", supplier_of[0], "", None, None, 0, 0, 0, owed * 45 // 10000))
            ledger.set_statement(period, lines, recompute=False)
            owed += sum(line.total_k for line in lines)
            day = payment_day(period, 1 + rng.randrange(20), today)
            if day is None:
                continue
            if style < 0.15:
                amount = 0 if rng.random() < 0.4 else owed * 6 // 10
            elif style > 0.9:
                amount = (owed // 50000 + 2) * 50000 if owed > 0 else 0
            else:
                amount = owed
            if amount > 0:
                ledger.add_payment(day, Decimal(amount).scaleb(-2), channel="bank", period=period,
                                   ref="bench-registry", recompute=False)
                owed -= amount
        ledger.recompute()
        if n % BATCH == 0:
            commit()
            if n % (BATCH * 10) == 0:
                print("    debt: %d accounts (%.0f s)" % (n, time.time() - started), flush=True)
    commit()


def _pages():
    last = periods.prev(periods.of_date(org_today(None)))  # the bench organisation is in Moscow
    return [
        ("debt: balances of the resident's accounts", "/o/bench/@@debt", "resident", "resident"),
        ("debt: accruals history (all periods)", "/o/bench/accounts/00000001/@@debt", "resident", "resident"),
        ("debt: history filtered by service", "/o/bench/accounts/00000002/@@debt?service=%D0%9E%D1%82%D0%BE"
                                              "%D0%BF%D0%BB%D0%B5%D0%BD%D0%B8%D0%B5", "resident", "resident"),
        ("debt: one period's lines", "/o/bench/accounts/00000003/@@debt-period?period=" + periods.iso(last),
         "resident", "resident"),
        ("staff: an account's ledger", "/o/bench/accounts/00000004/@@debt-ledger", "staff", "staff"),
    ]


PAGES = _pages()
