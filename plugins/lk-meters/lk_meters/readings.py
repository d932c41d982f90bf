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

A reading itself is a small frozen value (:class:`Reading`), pickled
positionally inside the history bucket; changing its status replaces it.
"""
from __future__ import annotations

import datetime as dt
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, replace
from decimal import Decimal

from BTrees.Length import Length
from BTrees.LLBTree import LLSet, LLTreeSet, intersection
from BTrees.LOBTree import LOBTree
from BTrees.OOBTree import OOBTree
from persistent import Persistent

from lk_platform.caching import rendercache
from lk_platform.model.stamps import changes, touch

PERIODS_CONTAINER = "meter_periods"
SEQ = 1000  # room for resubmissions within one period


@dataclass(frozen=True, slots=True)
class Reading:
    """One submission of a meter's values for one period. Add new fields at
    the end with a default: stored readings are restored positionally."""
    period: int
    seq: int
    values: tuple                 # Decimal per tariff
    submitted: int                # unix seconds, UTC
    by_kind: str                  # resident, delegate, staff, import, api
    by: str                       # login (or importer / system name)
    source: str                   # web, mobile, call, visit, email, messenger, import, external
    status: str = "received"      # received, accepted, rejected, exported
    reason: str = ""              # why it was rejected
    warnings: tuple = ()          # stored with the reading (archived meter, expired verification...)
    billing_status: str = ""      # approved / declined, set later by the billing system
    billing_text: str = ""
    superseded: bool = False      # a later submission in the same period replaced it
    changed: int = 0              # when the status last changed (unix seconds)
    changed_by: str = ""

    def __reduce__(self):
        # One string per reading: the ZODB pickler visits (and calls its
        # persistent_id hook on) every object in a record, so 15 fields and a
        # Decimal per tariff made a 36-month history cost ~40 visits a reading.
        return (_unpack, (_pack(self),))

    @property
    def key(self) -> int:
        return self.period * SEQ + self.seq

    @property
    def submitted_at(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.submitted, dt.timezone.utc)

    @property
    def changed_at(self) -> dt.datetime | None:
        return dt.datetime.fromtimestamp(self.changed, dt.timezone.utc) if self.changed else None

    @property
    def total(self) -> Decimal:
        return sum(self.values, Decimal(0))

    @property
    def counts(self) -> bool:
        """Usable as a baseline for the next reading."""
        return not self.superseded and self.status != "rejected"


FS, US = "\x1e", "\x1f"   # field and list separators inside the packed string
_CLEAN = str.maketrans({FS: " ", US: " "})


def _clean(text: str) -> str:
    return text.translate(_CLEAN) if FS in text or US in text else text


def _pack(r: Reading) -> str:
    return FS.join((
        str(r.period), str(r.seq), US.join([str(v) for v in r.values]), str(r.submitted), r.by_kind,
        _clean(r.by), r.source, r.status, _clean(r.reason), US.join([_clean(w) for w in r.warnings]),
        r.billing_status, _clean(r.billing_text), "1" if r.superseded else "", str(r.changed),
        _clean(r.changed_by)))


def _unpack(packed: str) -> Reading:
    p = packed.split(FS)
    return Reading(int(p[0]), int(p[1]), tuple(Decimal(v) for v in p[2].split(US)) if p[2] else (), int(p[3]),
                   p[4], p[5], p[6], p[7], p[8], tuple(p[9].split(US)) if p[9] else (), p[10], p[11], p[12] == "1",
                   int(p[13]), p[14])


def _restore(*args):
    """Readings pickled field by field (kept so such records still load)."""
    return Reading(*args)


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
    # Plain str warnings: a translatable Text is never kept in the database.
    reading = Reading(period=period, seq=seq, values=tuple(values),
                      submitted=submitted if submitted is not None else now_ts(),
                      by_kind=by_kind, by=by, source=source, status=status, warnings=tuple(str(w) for w in warnings),
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
    from .meters import CONTAINER as METERS
    from .windows import CONTAINER as WINDOWS
    return [changes(a) for a in accounts] + [changes(organisation.get(METERS)), changes(organisation.get(WINDOWS))]


# -- the per-period index ----------------------------------------------------

FILTERS = ("status", "resource", "building", "source")


class PeriodIndex(Persistent):
    """The current readings of one period, for staff lists and exports.

    ``_meta`` maps a meter id to the indexed values ``(status, resource,
    building, source)`` (packed in one string) so an update knows which sets
    to leave; ``_sets``
    maps ``(field, value)`` to an ``LLTreeSet`` of meter ids.
    """

    def __init__(self, period: int):
        self.period = period
        self._meta = LOBTree()
        self._sets = OOBTree()
        self._count = Length()
        self._counts = OOBTree()   # (field, value) -> Length: counts without loading the sets
        self.closed = None        # (login, unix seconds) once staff closed the period

    #: account number -> unix seconds of the window reminder (made on first use)
    reminded = None
    _counts = None
    _version = None

    def was_reminded(self, number: str) -> bool:
        return self.reminded is not None and number in self.reminded

    def mark_reminded(self, number: str, when: int):
        if self.reminded is None:
            self.reminded = OOBTree()
        self.reminded[number] = when

    def __len__(self):
        return self._count()

    def meta(self, meter_id: int):
        """``(status, resource, building, source)`` of the meter's entry."""
        packed = self._meta.get(meter_id)
        return tuple(packed.split(US)) if packed is not None else None

    def put(self, meter, reading: Reading, building: str | None = None):
        """Index ``reading`` as the meter's current one (``building``: the
        meter's building key when the caller already has it)."""
        building = meter.building if building is None else building
        self._store(meter.id, (reading.status, meter.resource, building.lower(), reading.source))

    def _store(self, meter_id, meta):
        # Stored as one string: a record of 200,000 entries pickles fast.
        packed = US.join([_clean(v) for v in meta])
        old = self._meta.get(meter_id)
        if old == packed:
            return
        if old is None:
            self._count.change(1)
        else:
            for name, value in zip(FILTERS, old.split(US)):
                found = self._sets.get((name, value))
                if found is not None and meter_id in found:
                    found.remove(meter_id)
                    self._counter((name, value)).change(-1)
        for name, value in zip(FILTERS, packed.split(US)):
            found = self._sets.get((name, value))
            if found is None:
                found = self._sets[(name, value)] = LLTreeSet()
            if found.insert(meter_id):
                self._counter((name, value)).change(1)
        self._meta[meter_id] = packed
        self._touch()

    def _counter(self, key) -> Length:
        if self._counts is None:  # an index stored before counts were kept
            self._counts = OOBTree({k: Length(len(ids)) for k, ids in self._sets.items()})
        counter = self._counts.get(key)
        if counter is None:
            counter = self._counts[key] = Length()
        return counter

    def bulk_add(self, entries):
        """Index many meters not yet in this period at once:
        ``[(meter id, (status, resource, building, source))]``. For loaders
        (import, benchmark): the sets are filled in C, not entry by entry."""
        packed = {}
        groups: dict = {}
        for meter_id, meta in entries:
            if meter_id in self._meta or meter_id in packed:
                raise KeyError(meter_id)
            meta = (meta[0], meta[1], _clean(meta[2].lower()), meta[3])
            packed[meter_id] = US.join(meta)
            for key in zip(FILTERS, meta):
                groups.setdefault(key, []).append(meter_id)
        for key, ids in groups.items():
            found = self._sets.get(key)
            if found is None:
                found = self._sets[key] = LLTreeSet()
            self._counter(key).change(found.update(ids))
        self._meta.update(packed)
        self._count.change(len(packed))
        self._touch()

    def retag(self, meter):
        """The meter's resource or building changed: move its entry."""
        old = self.meta(meter.id)
        if old is not None:
            self._store(meter.id, (old[0], meter.resource, meter.building.lower(), old[3]))

    def remove(self, meter_id: int):
        packed = self._meta.pop(meter_id, None)
        if packed is not None:
            self._count.change(-1)
            for name, value in zip(FILTERS, packed.split(US)):
                found = self._sets.get((name, value))
                if found is not None and meter_id in found:
                    found.remove(meter_id)
                    self._counter((name, value)).change(-1)
            self._touch()

    def values_of(self, name: str) -> list:
        """Distinct values of a filter field present in this period."""
        return [v for (n, v) in self._sets.keys((name,), (name, "\uffff")) if n == name and self.count(n, v)]

    def count(self, name: str, value) -> int:
        if self._counts is None:
            found = self._sets.get((name, value))
            return len(found) if found is not None else 0
        counter = self._counts.get((name, value))
        return counter() if counter is not None else 0

    def _select(self, filters):
        """``(total, ids)`` matching every filter given; ``(None, None)``
        without filters. Sizes come from the counters, so choosing the
        smallest set first loads no set but the ones intersected."""
        wanted = [(name, filters[name].lower() if name == "building" else filters[name])
                  for name in FILTERS if filters.get(name)]
        if not wanted:
            return None, None
        sized = sorted((self.count(*key), key) for key in wanted)
        if sized[0][0] == 0:
            return 0, LLTreeSet()
        if len(sized) == 1:
            return sized[0][0], self._sets[sized[0][1]]
        cache_key = self._cache_key(tuple(key for _n, key in sized))
        result = _RESULTS.get(cache_key) if cache_key is not None else None
        if result is None:
            result = self._sets[sized[0][1]]
            for _n, key in sized[1:]:
                result = intersection(result, self._sets[key])
            if cache_key is not None:
                _RESULTS.put(cache_key, result)
        return len(result), result

    def _cache_key(self, keys):
        """Intersections are cached per committed state of this index: its
        version counter's transaction id changes with every change."""
        state = rendercache.state(self._version) if self._version is not None else None
        return (self._p_oid, state, keys) if state is not None and self._p_oid is not None else None

    def _touch(self):
        if self._version is None:
            self._version = Length()
        self._version.change(1)

    def select(self, **filters):
        """Meter ids (sorted) whose current reading matches every filter
        given, or None without filters."""
        return self._select(filters)[1]

    def query(self, offset: int = 0, limit: int = 50, **filters) -> tuple[int, list[int]]:
        """``(total, meter ids of one page)``, in meter id order."""
        offset, limit = max(0, offset), max(1, limit)
        total, selected = self._select(filters)
        if selected is None:
            return self._count(), list(self._meta.keys()[offset:offset + limit])
        if isinstance(selected, LLSet):
            # Index into the set: its keys() would copy every id of the month first.
            return total, [selected[i] for i in range(offset, min(total, offset + limit))]
        return total, list(selected.keys()[offset:offset + limit]) if total else []

    def ids(self, **filters):
        selected = self.select(**filters)
        return self._meta.keys() if selected is None else selected


class _ResultCache:
    """A few recent intersections (LLSets are compact C arrays), shared by
    the server's threads; keys include the index's committed version."""

    def __init__(self, size: int = 32):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key, value):
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)


_RESULTS = _ResultCache()


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
