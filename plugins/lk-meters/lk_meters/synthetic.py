"""Synthetic data for the benchmark (``bench/fill.py`` calls :func:`fill`):
two meters per account (cold water, and hot water or a two-tariff
electricity meter), ``months`` months of readings up to last month, and
this month's readings from 40 % of the meters. ``PAGES`` are the pages
``bench/bench_pages.py`` measures.

Readings go straight into the meters' histories and the period indexes
(the same structures :func:`lk_meters.readings.record` writes), a batch of
accounts per transaction, so 100,000 accounts take minutes.
"""
from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

from BTrees.IOBTree import IOBTree

from lk_platform.util.dates import org_today
from lk_platform.util.periods import add as add_months
from lk_platform.util.periods import iso as period_param
from lk_platform.util.periods import of_date as period_of

from .meters import Meter, ensure_meter_indexes, note_building
from .readings import Reading, now_ts, period_index

#: Accounts per transaction. The meters catalog gives documents random ids, so every
#: commit rewrites most buckets of its big indexes: fewer, larger batches.
BATCH = 5000
SOURCES = ("web",) * 12 + ("mobile",) * 5 + ("call",) * 2 + ("import",)


def _periods(months: int, today: dt.date) -> tuple[list[int], int]:
    current = period_of(today)
    return [add_months(current, k - months) for k in range(months)], current


def fill(organisation, accounts_folder, months, rng, commit):
    folder = ensure_meter_indexes(organisation)
    today = organisation.now().date()
    periods, current = _periods(months, today)
    last = periods[-1] if periods else None
    indexes = {p: period_index(organisation, p, create=True) for p in periods + [current]}
    base_ts = {p: int(dt.datetime(p // 100, p % 100, 20, 12, tzinfo=organisation.tz).timestamp())
               for p in periods + [current]}
    sent_this_month = min(base_ts[current], now_ts())  # never in the future, early in the month too
    numbers = list(accounts_folder.keys())
    started = time.time()
    pending = {p: [] for p in indexes}

    def flush():
        for period, entries in pending.items():
            if entries:
                indexes[period].bulk_add(entries)
                entries.clear()
        commit()

    for n, number in enumerate(numbers, 1):
        electricity = rng.random() < 0.2
        kinds = [("cold_water", 1, ("4.5",)), ("electricity", 2, ("150", "70")) if electricity
                 else ("hot_water", 1, ("2.8",))]
        for resource, tariffs, use in kinds:
            meter = Meter(account=number, resource=resource, serial="%s-%s" % (resource[:1].upper(), number),
                          tariffs=tariffs, int_digits=6 if resource == "electricity" else 5,
                          frac_digits=1 if resource == "electricity" else 3, place="kitchen",
                          installed=dt.date(2020, 1, 15),
                          next_verification=dt.date(2027, 1, 1) + dt.timedelta(days=int(rng.random() * 2190)),
                          initial_1=Decimal(rng.randrange(10, 500)),
                          initial_2=Decimal(rng.randrange(10, 300)) if tariffs == 2 else None)
            folder.add(meter)
            note_building(organisation, meter)
            building = meter.building
            meter_id = meter.id
            values = list(meter.initial_values)
            quantum = meter.quantum
            steps = [Decimal(u) for u in use]
            history = {}
            for period in periods:
                factor = Decimal(60 + int(rng.random() * 80)) / 100
                values = [(v + s * factor).quantize(quantum) for v, s in zip(values, steps)]
                if period == last:
                    roll = rng.random()
                    status = "accepted" if roll < 0.9 else ("rejected" if roll < 0.92 else "received")
                else:
                    status = "exported"
                reading = Reading(period=period, seq=0, values=tuple(values),
                                  submitted=base_ts[period] + int(rng.random() * 800000) - 400000,
                                  by_kind="resident", by=number, source=SOURCES[int(rng.random() * len(SOURCES))],
                                  status=status,
                                  reason="Не совпадает с фото" if status == "rejected" else "",
                                  billing_status="approved" if status == "exported" else "",
                                  changed=base_ts[period] + 700000)
                history[reading.key] = reading
                pending[period].append((meter_id, (status, resource, building, reading.source)))
            if rng.random() < 0.4:
                values = [(v + s).quantize(quantum) for v, s in zip(values, steps)]
                reading = Reading(period=current, seq=0, values=tuple(values), submitted=sent_this_month,
                                  by_kind="resident", by=number, source=rng.choice(SOURCES))
                history[reading.key] = reading
                pending[current].append((meter_id, ("received", resource, building, reading.source)))
            meter.history = IOBTree(history)
        if n % BATCH == 0:
            flush()
            if n % (BATCH * 2) == 0:
                print("    meters: %d accounts (%.0f s)" % (n, time.time() - started), flush=True)
    flush()


def _last_period():
    return period_param(add_months(period_of(org_today(None)), -1))  # the bench organisation is in Moscow


def _this_period():
    return period_param(period_of(org_today(None)))


PAGES = [
    ("meters: readings form (10 accounts)", "/o/bench/readings", "resident", "resident"),
    ("meters: meter history + chart", "/o/bench/meters/1/@@history", "resident", None),
    ("meters: staff, last month, page 40", "/o/bench/@@meter-readings?period=%s&page=40" % _last_period(),
     "staff", "staff"),
    ("meters: staff, status+resource+source",
     "/o/bench/@@meter-readings?period=%s&status=received&resource=cold_water&source=web&page=5"
     % _this_period(), "staff", "staff"),
    ("meters: staff, rejected last month",
     "/o/bench/@@meter-readings?period=%s&status=rejected" % _last_period(), "staff", "staff"),
]
