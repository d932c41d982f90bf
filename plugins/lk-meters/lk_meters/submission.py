"""Submitting readings: which meters a person may submit for, when, for
which period, and writing a whole form all or nothing.

The web views only translate between HTML forms and these functions, so
an importer or an API can submit through the same checks.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from lk_platform.i18n import translate as russian
from lk_platform.util import periods

from .i18n import _
from .meters import meters_of_account
from .models import SUBMIT_RIGHT
from .readings import Reading, is_closed, record
from .settings import meter_settings
from .validation import Entry, check_entry
from .windows import Window, Windows

FIELD = re.compile(r"^m([0-9]{1,12})-(t[1-9]|period|confirm)$")


@dataclass(frozen=True)
class WindowState:
    window: Window
    open: bool
    period: int                  # the period a reading sent today counts for
    next_opening: dt.date | None
    closes_on: dt.date | None


def window_state(organisation, meter, today: dt.date, windows: Windows | None = None) -> WindowState:
    if windows is None:
        windows = Windows(organisation)
    window = windows.for_meter(meter)
    # Most meters of a page share one window: work its state out once.
    key = (window, today)
    found = windows.states.get(key)
    if found is None:
        found = windows.states[key] = _state(window, today)
    return found


def _state(window: Window, today: dt.date) -> WindowState:
    if window.is_open(today):
        return WindowState(window, True, window.period_for(today), None, window.closes_on(today))
    opens = window.next_opening(today)
    return WindowState(window, False, periods.of_date(opens), opens, None)


def submittable_accounts(user, organisation) -> list:
    """The accounts at ``organisation`` the user holds or was delegated the
    right to submit readings for."""
    if user is None:
        return []
    folder = organisation.get("accounts")
    out = []
    for slug, number in user.accounts:
        if slug != organisation.slug or folder is None:
            continue
        account = folder.get(number)
        if account is not None and not account.closed and account.has_right(user.login, SUBMIT_RIGHT):
            out.append(account)
    return out


def resident_meters(user, organisation, inactive: bool = False) -> list[tuple[object, list]]:
    """``[(account, [meters])]`` of the accounts the user may submit for:
    the active meters (automatic ones included, shown read-only), or with
    ``inactive`` all of them — a form loaded before a meter was archived is
    still accepted, with a warning."""
    return [(account, [m for m in meters_of_account(organisation, account.number) if inactive or m.is_active])
            for account in submittable_accounts(user, organisation)]


def submitter_kind(user, meter) -> str:
    account = meter.account_object()
    return "resident" if account is not None and user.login in account.holders else "delegate"


def parse_form(post) -> dict[int, dict]:
    """``{meter id: {"texts": [...], "period": str, "confirm": bool}}`` from
    fields named ``m<id>-t<n>``, ``m<id>-period``, ``m<id>-confirm``."""
    found: dict[int, dict] = {}
    for key, value in post.items():
        match = FIELD.match(key)
        if not match:
            continue
        meter_id, part = int(match.group(1)), match.group(2)
        slot = found.setdefault(meter_id, {"texts": {}, "period": "", "confirm": False})
        if part.startswith("t"):
            slot["texts"][int(part[1:])] = value
        elif part == "period":
            slot["period"] = value
        else:
            slot["confirm"] = value in ("1", "on", "yes", "true")
    for slot in found.values():
        texts = slot["texts"]
        slot["texts"] = tuple(texts[n] for n in sorted(texts))
        slot["filled"] = any(str(t).strip() for t in slot["texts"])
    return found


def resident_entries(organisation, meters: dict, posted: dict, today: dt.date, staff: bool = False,
                     translate=russian) -> list[Entry]:
    """Entries for every meter the person filled in, checked, with messages
    in ``translate``'s language. ``meters`` are the ones they may submit for
    (the caller refuses any other id)."""
    t = translate
    settings = meter_settings(organisation)
    windows = Windows(organisation)
    entries = []
    for meter_id, slot in sorted(posted.items()):
        if not slot["filled"]:
            continue
        meter = meters[meter_id]
        state = window_state(organisation, meter, today, windows)
        entry = Entry(meter=meter, texts=slot["texts"], period=state.period, confirmed=slot["confirm"], translate=t)
        entries.append(entry)
        if meter.automatic and not staff:
            entry.error(_("показания этого счётчика снимаются автоматически, передавать их не нужно"))
            continue
        if not state.open:
            entry.error(_("приём показаний открыт ${window}; следующий приём начнётся ${date}", mapping={
                "window": state.window.describe(t), "date": state.next_opening.strftime("%d.%m.%Y")}))
            continue
        posted_period = str(slot["period"] or "").strip()
        if posted_period and posted_period != str(state.period):
            entry.error(_("приём показаний за этот период закрыт; сейчас принимаются показания за ${period} — "
                          "обновите страницу", mapping={"period": periods.label(state.period, t)}))
            continue
        if is_closed(organisation, state.period):
            entry.error(_("период ${period} закрыт организацией, показания за него больше не принимаются",
                          mapping={"period": periods.label(state.period, t)}))
            continue
        check_entry(entry, organisation, today, settings.ceilings, staff=staff)
    return entries


def save(organisation, entries: list[Entry], by_kind, by: str, source: str, status: str | None = None) -> list[Reading]:
    """Write every entry (the caller checked that all are ok)."""
    assert all(e.ok for e in entries)
    auto = meter_settings(organisation).auto_accept
    saved = []
    for entry in entries:
        kind = by_kind(entry.meter) if callable(by_kind) else by_kind
        chosen = status or ("accepted" if auto and not entry.warnings else "received")
        saved.append(record(organisation, entry.meter, entry.period, entry.values, kind, by, source,
                            status=chosen, warnings=entry.warnings))
    return saved
