"""Demo meters and 36 months of readings for the demo accounts, up to last
month and relative to today (verification dates too), so the same meters
are due whatever the day.

Idempotent: meters are found by account and serial number, readings are
only generated for a meter without any, settings only filled when empty.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace
from decimal import Decimal

from lk_platform.util.periods import add as add_months
from lk_platform.util.periods import of_date as period_of

from .meters import Meter, ensure_meter_indexes, meters_of_account, note_building
from .readings import SEQ, Reading, period_index

MONTHS = 36

#: account number -> [(serial, resource, tariffs, place, automatic, monthly use per tariff, extra)]
METERS = {
    "1000001": [
        ("ХВ-1000011", "cold_water", 1, "kitchen", False, ("4.2",), {}),
        ("ГВ-1000012", "hot_water", 1, "kitchen", False, ("2.6",), {"verification_in_days": 20}),
        ("ХВ-0990013", "cold_water", 1, "bathroom", False, ("3.1",), {"replaced_after": 22}),
        ("ХВ-1000014", "cold_water", 1, "bathroom", False, ("3.0",), {"installed_after": 22}),
    ],
    "1000002": [
        ("ХВ-1000021", "cold_water", 1, "kitchen", False, ("3.4",), {}),
        ("ГВ-1000022", "hot_water", 1, "bathroom", False, ("2.1",), {"verification_in_days": -40}),
    ],
    "1000003": [("ХВ-1000031", "cold_water", 1, "kitchen", False, ("5.0",), {})],
    "2000001": [
        ("ХВ-2000011", "cold_water", 1, "kitchen", False, ("4.8",), {}),
        ("ГВ-2000012", "hot_water", 1, "kitchen", False, ("3.0",), {}),
        ("Э-2000013", "electricity", 2, "hallway", False, ("160", "70"), {"int_digits": 6, "frac_digits": 1}),
        ("Т-2000014", "heat", 1, "stairwell", True, ("0.9",), {"seasonal": True, "frac_digits": 3}),
    ],
    "2000002": [("ХВ-2000021", "cold_water", 1, "kitchen", False, ("2.2",), {})],
    "3000001": [
        ("ХВ-3000011", "cold_water", 1, "kitchen", False, ("3.6",), {}),
        ("ГВ-3000012", "hot_water", 1, "kitchen", False, ("2.4",), {}),
        ("Э-3000013", "electricity", 1, "hallway", False, ("190",), {"int_digits": 6, "frac_digits": 1}),
    ],
}

SETTINGS = {
    "vodokanal": {"ceiling_cold_water": Decimal("25"), "ceiling_hot_water": Decimal("15")},
    "uk-dom": {"window_start": 20, "window_end": 25, "ceiling_cold_water": Decimal("25"),
               "ceiling_hot_water": Decimal("15"), "ceiling_electricity": Decimal("800")},
}


def _years_before(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` earlier; 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _ts(organisation, period: int, day: int, rng) -> int:
    year, month = divmod(period, 100)
    moment = dt.datetime(year, month, day, 9 + rng.randrange(12), rng.randrange(60), tzinfo=organisation.tz)
    return int(moment.timestamp())


def _use(base: Decimal, period: int, seasonal: bool, rng) -> Decimal:
    month = period % 100
    factor = Decimal("1")
    if seasonal:
        factor = Decimal(str(max(0.05, [1.6, 1.5, 1.2, 0.8, 0.3, 0.05, 0.05, 0.05, 0.3, 0.8, 1.2, 1.5][month - 1])))
    else:
        factor = Decimal(str([1.05, 1.0, 1.0, 0.95, 0.95, 0.9, 0.85, 0.85, 0.95, 1.0, 1.05, 1.1][month - 1]))
    jitter = Decimal(str(round(rng.uniform(0.8, 1.2), 3)))
    return base * factor * jitter


def load_demo(organisation, platform, users):
    folder = ensure_meter_indexes(organisation)
    settings = organisation.plugin_settings("meters")
    if not settings and organisation.slug in SETTINGS:
        organisation.set_plugin_settings("meters", dict(SETTINGS[organisation.slug]))
    accounts = organisation.get("accounts")
    today = organisation.now().date()
    last = add_months(period_of(today), -1)
    first = add_months(last, -(MONTHS - 1))
    created = {}
    for number, specs in METERS.items():
        account = accounts.get(number) if accounts is not None else None
        if account is None:
            continue
        existing = {m.serial: m for m in meters_of_account(organisation, number)}
        for serial, resource, tariffs, place, automatic, use, extra in specs:
            meter = existing.get(serial)
            if meter is None:
                installed_after = extra.get("installed_after")
                installed = divmod(add_months(first, installed_after or 0) if installed_after
                                   else add_months(first, -3), 100)
                verify_in = extra.get("verification_in_days")
                due = today + dt.timedelta(days=verify_in) if verify_in is not None else \
                    dt.date(today.year + 3, today.month, 1)
                meter = Meter(account=number, resource=resource, serial=serial, place=place, tariffs=tariffs,
                              automatic=automatic, int_digits=extra.get("int_digits", 5),
                              frac_digits=extra.get("frac_digits", 3),
                              installed=dt.date(installed[0], installed[1], 5),
                              verified=_years_before(due, 6) if verify_in is not None else None,
                              next_verification=due, initial_1=Decimal(0) if installed_after else None)
                if tariffs > 1:
                    meter.initial_2 = Decimal(0)
                folder.add(meter)
                folder.reindex(meter)
                note_building(organisation, meter)
            created[serial] = meter
            if len(meter.history):
                continue
            _fill(organisation, meter, first, last, use, extra, serial)
    # The replaced meter points at the meter that took its place.
    old, new = created.get("ХВ-0990013"), created.get("ХВ-1000014")
    if old is not None and new is not None and old.status != "replaced":
        old.status = "replaced"
        old.replaced_by = new.__name__
        folder.reindex(old)


def _fill(organisation, meter, first: int, last: int, use, extra, serial):
    rng = random.Random(serial)
    values = [Decimal(rng.randrange(50, 900)) if not extra.get("installed_after") else Decimal(0)
              for _ in range(meter.tariffs)]
    if not extra.get("installed_after"):
        meter.initial_1 = values[0]
        if meter.tariffs > 1:
            meter.initial_2 = values[1]
    start = add_months(first, extra.get("installed_after") or 0)
    stop = add_months(first, extra["replaced_after"] - 1) if extra.get("replaced_after") else last
    automatic = meter.automatic
    period = start
    while period <= stop:
        values = [(v + _use(Decimal(u), period, extra.get("seasonal", False), rng)).quantize(meter.quantum)
                  for v, u in zip(values, use)]
        recent = period >= add_months(last, -1)
        status = "accepted" if period == last else "exported"
        kind, by, source = ("import", "АСКУЭ", "external") if automatic else \
            rng.choice([("resident", "", "web"), ("resident", "", "web"), ("resident", "", "mobile"),
                        ("staff", "clerk", "call")])
        if kind == "resident":
            account = meter.account_object()
            by = account.holders[0] if account is not None and account.holders else "resident"
        reading = Reading(period=period, seq=0, values=tuple(values), submitted=_ts(organisation, period, 21, rng),
                          by_kind=kind, by=by, source=source, status=status,
                          billing_status="approved" if status == "exported" and not recent else "",
                          changed=_ts(organisation, period, 27, rng), changed_by="admin")
        meter.history[period * SEQ] = reading
        period_index(organisation, period, create=True).put(meter, reading)
        period = add_months(period, 1)
    if not automatic and stop == last and meter.resource == "cold_water":
        # One corrected mistake in the history: a rejected typo, then the right value.
        typo_period = add_months(last, -3)
        right = meter.history.get(typo_period * SEQ)
        if right is not None:
            typo = Reading(period=typo_period, seq=0, values=tuple(v * 10 for v in right.values),
                           submitted=right.submitted - 86400, by_kind=right.by_kind, by=right.by, source="web",
                           status="rejected", reason="Показание в 10 раз больше обычного — проверьте запятую",
                           superseded=True, changed=right.submitted - 3600, changed_by="admin")
            fixed = replace(right, seq=1)
            meter.history[typo.key] = typo
            meter.history[fixed.key] = fixed
            period_index(organisation, typo_period, create=True).put(meter, fixed)
