"""Readings: where they are stored and how they are indexed.

Two structures, each shaped for the question it answers:

* **Per meter** — ``meter.history``, an ``IOBTree`` keyed ``period * 1000 + n``
  (n counts submissions within the period). A meter's 36 months fit in one
  bucket, which BTrees pickle inline with the tree: one small record per
  meter. The resident's form and history read only their own meters'
  records, and two submissions for the same meter and period write the same
  key, so the second transaction conflicts and pyramid_retry re-runs it on
  top of the first (both stay, the later one is current). A resubmission
  marks the earlier one ``superseded`` instead of deleting it.

* **Per period** — a :class:`PeriodIndex` per month in the organisation's
  ``meter_periods`` folder: the *current* reading of every meter for that
  month, with one ``LLTreeSet`` of meter ids per (field, value) for status,
  resource, building and source. The staff list for a month with filters is
  an intersection of a few sets in C and a page slice, never a walk over
  200,000 meters; its cost grows with the month, not with the history.

A reading itself is a small frozen value (:class:`~.models.Reading`),
pickled as one string inside the history bucket; changing its status
replaces it. The classes are in :mod:`.models`.
"""
from __future__ import annotations

import time
from dataclasses import replace

from lk_platform.i18n import translate
from lk_platform.model.stamps import changes, touch

from .meters import CONTAINER as METERS

# Readings and period indexes stored before the classes moved to .models
# were pickled under this module's path: importing them here keeps such
# databases loading.
from .models import FILTERS, SEQ, PeriodIndex, Reading, _restore, _unpack  # noqa: F401  (FILTERS: the staff list's filters)  # noqa: F401  (stored objects are pickled under this path)
from .windows import CONTAINER as WINDOWS

PERIODS_CONTAINER = "meter_periods"


def now_ts() -> int:
    return int(time.time())


# -- one meter's history -----------------------------------------------------

def period_readings(meter, period: int) -> list[Reading]:
    """Every submission of the period, oldest first (the last is current)."""
    return list(meter.history.values(period * SEQ, period * SEQ + SEQ - 1))


def current(meter, period: int) -> Reading | None:
    try:
        key = meter.history.maxKey(period * SEQ + SEQ - 1)
    except ValueError:
        return None
    return meter.history[key] if key >= period * SEQ else None


def previous(meter, period: int) -> Reading | None:
    """The latest reading of an earlier period that counts (not superseded,
    not rejected): what a new reading is compared with."""
    history = meter.history
    bound = period * SEQ - 1
    while True:
        try:
            key = history.maxKey(bound)
        except ValueError:
            return None
        reading = history[key]
        if reading.counts:
            return reading
        bound = key - 1


def latest(meter) -> Reading | None:
    """The newest reading that counts, whatever its period."""
    try:
        top = meter.history.maxKey()
    except ValueError:
        return None
    return previous(meter, top // SEQ + 1)


def current_readings(meter, first: int | None = None, last: int | None = None) -> list[Reading]:
    """The current reading of each period, oldest first."""
    lo = first * SEQ if first else None
    hi = last * SEQ + SEQ - 1 if last else None
    found = {}
    for reading in meter.history.values(lo, hi):
        found[reading.period] = reading  # later submissions overwrite earlier ones
    return [found[p] for p in sorted(found)]


def all_readings(meter) -> list[Reading]:
    """Every reading, newest first (what the history page lists)."""
    return list(meter.history.values())[::-1]


def record(organisation, meter, period: int, values, by_kind: str, by: str, source: str,
           status: str = "received", warnings=(), submitted: int | None = None) -> Reading:
    """Add a submission; the previous one of the period becomes superseded."""
    history = meter.history
    earlier = current(meter, period)
    seq = 0
    if earlier is not None:
        seq = earlier.seq + 1
        if seq >= SEQ:
            raise ValueError("too many submissions for one period")
        history[earlier.key] = replace(earlier, superseded=True)
    # Warnings are kept as Russian text (staff pages and exports show them
    # as the submitter's words): never a translation string in the database.
    reading = Reading(period=period, seq=seq, values=tuple(values),
                      submitted=submitted if submitted is not None else now_ts(),
                      by_kind=by_kind, by=by, source=source, status=status, warnings=tuple(translate(w) for w in warnings),
                      changed=submitted if submitted is not None else now_ts(), changed_by=by)
    history[reading.key] = reading
    period_index(organisation, period, create=True).put(meter, reading)
    touch_account(meter)
    return reading


def change(organisation, meter, reading: Reading, **fields) -> Reading:
    """Replace a stored reading with changed fields (status, billing...)."""
    updated = replace(reading, **fields)
    if updated == reading:
        return reading
    meter.history[reading.key] = updated
    if not updated.superseded:
        period_index(organisation, reading.period, create=True).put(meter, updated)
    touch_account(meter)
    return updated


def touch_account(meter, number=None):
    """Move the change counter of the meter's account (or of account
    ``number``): the resident's pages are cached on it (cabinet_depends)."""
    org = meter.organisation
    folder = org.get("accounts") if org is not None else None
    account = folder.get(number if number is not None else meter.account) if folder is not None else None
    if account is not None:
        touch(account)


def cabinet_depends(organisation, accounts) -> list:
    """What the resident's meter pages and widgets for ``accounts`` show
    besides the accounts themselves: their meters and readings (each
    account's change counter moves with every reading and meter change)
    the meters folder's counter (meters added by any path, imports
    included) and the submission windows (the windows folder's counter)."""
    return [changes(a) for a in accounts] + [changes(organisation.get(METERS)), changes(organisation.get(WINDOWS))]


# -- the per-period indexes ---------------------------------------------------

def periods_folder(organisation, create: bool = False):
    if create:
        return organisation.container(PERIODS_CONTAINER)
    return organisation.get(PERIODS_CONTAINER)


def period_index(organisation, period: int, create: bool = False) -> PeriodIndex | None:
    folder = periods_folder(organisation, create)
    if folder is None:
        return None
    name = str(period)
    found = folder.get(name)
    if found is None and create:
        found = PeriodIndex(period)
        folder.add(found, name)
    return found


def known_periods(organisation) -> list[int]:
    folder = periods_folder(organisation)
    return sorted((int(n) for n in folder.keys()), reverse=True) if folder is not None else []


def is_closed(organisation, period: int) -> bool:
    index = period_index(organisation, period)
    return index is not None and index.closed is not None


def forget_meter(organisation, meter_id: int):
    """A meter was deleted: drop its entries from every period."""
    folder = periods_folder(organisation)
    for index in (folder.values() if folder is not None else ()):
        index.remove(meter_id)


def retag_meter(organisation, meter):
    folder = periods_folder(organisation)
    for index in (folder.values() if folder is not None else ()):
        index.retag(meter)
