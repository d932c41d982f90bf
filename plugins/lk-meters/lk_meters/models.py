"""The plugin's persistent classes and the values stored in them.

* :class:`Meter` — a content type with a generated admin, kept in each
  organisation's ``meters`` folder; its readings live inside it, in
  ``meter.history`` (an ``IOBTree`` keyed ``period * 1000 + n``).
* :class:`Reading` — one submission, a small frozen value pickled as one
  string inside the history bucket; changing its status replaces it.
* :class:`PeriodIndex` — the current readings of one month, for staff
  lists and exports (see :mod:`.readings` for why it is shaped so).
* :class:`WindowOverride` — a submission window for a building and/or a
  resource (see :mod:`.windows`).

These classes were first stored under ``lk_meters.meters``,
``lk_meters.readings`` and ``lk_meters.windows``; those modules import
them back, so databases written before the move still load.
"""
from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal

from BTrees.IOBTree import IOBTree
from BTrees.Length import Length
from BTrees.LLBTree import LLSet, LLTreeSet, intersection
from BTrees.LOBTree import LOBTree
from BTrees.OOBTree import OOBTree
from persistent import Persistent
from pyramid.authorization import Allow

from lk_platform.caching import rendercache
from lk_platform.i18n import translate
from lk_platform.model.content import Content
from lk_platform.model.organisations import find_organisation

from .i18n import _
from .settings import resources_of
from .vocabulary import RESOURCES, TARIFF_NAMES, Resource

QUANTA = {n: Decimal(1).scaleb(-n) for n in range(0, 7)}
#: The delegation right to submit readings for an account's meters.
SUBMIT_RIGHT = "meters.submit"
SEQ = 1000  # room for resubmissions within one period


# -- meters ------------------------------------------------------------------

class Meter(Content):
    type_name = "meter"
    searchable_fields = ("serial", "account")

    account = ""
    resource = "cold_water"
    unit = ""
    serial = ""
    place = ""
    tariffs = 1
    tariff_names = ""
    automatic = False
    int_digits = 5
    frac_digits = 3
    installed = None
    verified = None
    next_verification = None
    status = "active"
    replaced_by = ""
    initial_1 = initial_2 = initial_3 = initial_4 = None
    comment = ""
    #: The next verification date a reminder was last sent for.
    verification_reminded = None

    def __init__(self, **values):
        # Readings by ``period * 1000 + n`` (n counts resubmissions). Its own
        # record: a new reading never rewrites the catalogued meter.
        self.history = IOBTree()
        super().__init__(**values)

    # -- where it belongs ------------------------------------------------------
    @property
    def organisation(self):
        return find_organisation(self)

    def account_object(self):
        org = self.organisation
        folder = org.get("accounts") if org is not None else None
        return folder.get(self.account) if folder is not None and self.account else None

    @property
    def building(self) -> str:
        """The account's building key (indexed; windows can be set per building)."""
        account = self.account_object()
        return account.building_key if account is not None else ""

    @property
    def __acl__(self):
        # The account's holders, and delegates given the right to submit readings.
        account = self.account_object()
        if account is None:
            return []
        acl = [(Allow, "user:" + login, ("account.view", "account.act")) for login in account.holders]
        for login, rights in account.delegates:
            if SUBMIT_RIGHT in rights:
                acl.append((Allow, "user:" + login, ("account.view", "right:" + SUBMIT_RIGHT)))
        return acl

    # -- what it measures ------------------------------------------------------
    @property
    def id(self) -> int:
        return int(self.__name__)

    @property
    def resource_info(self):
        found = RESOURCES.get(self.resource)  # built-in: no need to read the settings
        if found is None:
            found = resources_of(self.organisation).get(self.resource) or Resource(self.resource, self.resource, "")
        return found

    @property
    def unit_label(self) -> str:
        return self.unit or self.resource_info.unit

    @property
    def tariff_labels(self) -> tuple[str, ...]:
        custom = tuple(n.strip() for n in (self.tariff_names or "").split(",") if n.strip())
        if len(custom) == self.tariffs:
            return custom
        return TARIFF_NAMES.get(self.tariffs, TARIFF_NAMES[1])

    def tariff_label(self, index: int) -> str:
        labels = self.tariff_labels
        return labels[index] if 0 <= index < len(labels) else ""

    @property
    def capacity(self) -> Decimal:
        """The first value the counter cannot show (it rolls over to zero)."""
        return Decimal(10) ** int(self.int_digits)

    @property
    def quantum(self) -> Decimal:
        return QUANTA.get(self.frac_digits) or Decimal(1).scaleb(-int(self.frac_digits))

    @property
    def initial_values(self) -> tuple[Decimal, ...]:
        values = (self.initial_1, self.initial_2, self.initial_3, self.initial_4)[:self.tariffs]
        return tuple(v if v is not None else Decimal(0) for v in values)

    @property
    def is_active(self) -> bool:
        return self.status == "active"

    def verification_expired(self, today: dt.date) -> bool:
        return self.next_verification is not None and self.next_verification < today

    def title(self, translate=translate) -> str:
        """``ХВС № 123`` / ``CW No. 123``: ``translate`` turns a translation
        string into the reader's language (Russian without it)."""
        resource = self.resource_info
        return translate(_("${resource} № ${serial}", mapping={"resource": translate(resource.short or resource.title),
                                                               "serial": self.serial or self.__name__}))

    @property
    def display_title(self) -> str:
        """In Russian: the generated admin and the audit log store it."""
        return self.title()

    def format_value(self, value) -> str:
        """A reading as the meter shows it, with a decimal comma."""
        if value is None:
            return ""
        return format(Decimal(value).quantize(self.quantum), "f").replace(".", ",")


# -- readings ----------------------------------------------------------------


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


# -- submission windows ------------------------------------------------------

class WindowOverride(Content):
    """A submission window for one building, one resource, or both; the
    organisation's own window is in the plugin settings."""
    type_name = "meter_window"
    searchable_fields = ("building_title", "resource")

    building = ""        # building key, lower case ("" = every building)
    building_title = ""
    resource = ""        # resource code ("" = every resource)
    start_day = None     # None with end_day None: open every day
    end_day = None
    comment = ""

    @property
    def display_title(self):
        return "%s — %s" % (self.building_title or "все дома", self.resource or "все ресурсы")
