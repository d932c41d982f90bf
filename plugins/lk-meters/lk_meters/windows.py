"""Submission windows: when residents may submit readings, and which
window applies to a meter.

A window is "from day S to day E of the month". It may cross the month end
(25th → 5th): readings sent in the tail (1st–5th) still count for the month
the window opened in. A day past a short month's end means the month's last
day. No window means open every day, for the current month. Periods are
months as int ``YYYYMM`` (``lk_platform.util.periods``).

The organisation's window is in the plugin settings; overrides
(:class:`~.models.WindowOverride`, a small content type with a generated
admin in ``meter_windows/@@admin``) set one per building, per resource, or
per building and resource. The most specific one wins:
(building, resource) → (building, any) → (any, resource) → organisation.
A lookup table ``(building, resource) -> name`` kept on the folder turns
that into four BTree lookups instead of a search per meter.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from BTrees.OOBTree import OOBTree

from lk_platform.i18n import translate
from lk_platform.util import periods

from .i18n import _
from .meters import known_buildings

# Overrides stored before the class moved to .models were pickled under this
# module's path: importing it here keeps such databases loading.
from .models import WindowOverride  # noqa: F401  (stored objects are pickled under this path)
from .settings import meter_settings

CONTAINER = "meter_windows"
ORGANISATION = "organisation"   # the origin of the organisation's own window


def _clamp(day: int, year: int, month: int) -> int:
    return min(day, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class Window:
    """Days of the month when residents may submit. ``start``/``end`` None:
    open every day. ``origin`` says where it came from (for staff pages):
    ``"organisation"`` or the override's building / resource."""
    start: int | None = None
    end: int | None = None
    origin: str = ""

    @property
    def always_open(self) -> bool:
        return not self.start or not self.end

    @property
    def crosses_month_end(self) -> bool:
        return not self.always_open and self.start > self.end

    def _bounds(self, day: dt.date) -> tuple[int, int]:
        return _clamp(self.start, day.year, day.month), _clamp(self.end, day.year, day.month)

    def is_open(self, day: dt.date) -> bool:
        if self.always_open:
            return True
        start, end = self._bounds(day)
        if self.start <= self.end:
            return start <= day.day <= end
        return day.day >= start or day.day <= end

    def period_for(self, day: dt.date) -> int:
        """The period a reading sent on ``day`` counts for (when open)."""
        if self.crosses_month_end and day.day <= self._bounds(day)[1]:
            return periods.add(periods.of_date(day), -1)
        return periods.of_date(day)

    def next_opening(self, day: dt.date) -> dt.date | None:
        """The first day after ``day`` on which the window opens again."""
        if self.always_open:
            return None
        start = _clamp(self.start, day.year, day.month)
        if day.day < start:
            return day.replace(day=start)
        following = periods.add(periods.of_date(day), 1)
        year, month = periods.year(following), periods.month(following)
        return dt.date(year, month, _clamp(self.start, year, month))

    def closes_on(self, day: dt.date) -> dt.date | None:
        """The last day of the window that is open on ``day``."""
        if self.always_open or not self.is_open(day):
            return None
        end = _clamp(self.end, day.year, day.month)
        if self.crosses_month_end and day.day > end:
            following = periods.add(periods.of_date(day), 1)
            year, month = periods.year(following), periods.month(following)
            return dt.date(year, month, _clamp(self.end, year, month))
        return day.replace(day=end)

    def describe(self, translate=translate) -> str:
        """``с 25 по 5 число следующего месяца`` in the reader's language
        (``translate``: ``request.localizer.translate``; Russian without it)."""
        if self.always_open:
            return translate(_("ежедневно"))
        if self.crosses_month_end:
            return translate(_("с ${start} по ${end} число следующего месяца",
                               mapping={"start": self.start, "end": self.end}))
        return translate(_("с ${start} по ${end} число", mapping={"start": self.start, "end": self.end}))


def organisation_window(organisation) -> Window:
    """The organisation's own window (plugin settings)."""
    settings = meter_settings(organisation)
    return Window(settings.window_start, settings.window_end, origin=ORGANISATION)


def override_window(override) -> Window:
    where = [override.building_title or "", override.resource or ""]
    return Window(override.start_day, override.end_day, origin=" / ".join(w for w in where if w))


def rebuild_lookup(organisation):
    """Recompute the ``(building, resource) -> name`` table and the
    overrides' building titles (after any add, edit or delete)."""
    folder = organisation.get(CONTAINER)
    if folder is None:
        return
    titles = dict(known_buildings(organisation)) if len(folder) else {}
    table = OOBTree()
    for name, item in folder.items():
        key = (item.building or "").lower()
        if item.building != key:
            item.building = key
        title = titles.get(key, key) if key else ""
        if item.building_title != title:
            item.building_title = title
        table[(key, item.resource or "")] = name
    old = getattr(folder, "lookup", None)
    if old is None or dict(old) != dict(table):
        folder.lookup = table


class Windows:
    """Window lookups for many meters of one organisation in one request:
    the settings and the override table are read once."""

    def __init__(self, organisation):
        self.organisation = organisation
        self.default = organisation_window(organisation)
        folder = organisation.get(CONTAINER)
        lookup = getattr(folder, "lookup", None) if folder is not None else None
        self._folder = folder
        self._lookup = dict(lookup) if lookup else {}
        self.states = {}  # (window, day) -> its WindowState, filled by submission.window_state

    def get(self, building: str, resource: str) -> Window:
        if self._lookup:
            building = (building or "").lower()
            resource = resource or ""
            for key in ((building, resource), (building, ""), ("", resource)):
                if key == ("", ""):
                    continue
                name = self._lookup.get(key)
                if name is not None and name in self._folder:
                    return override_window(self._folder[name])
        return self.default

    def for_meter(self, meter) -> Window:
        # The building is only needed when some override names one.
        building = meter.building if self._lookup else ""
        return self.get(building, meter.resource)


def window_for(organisation, meter=None, building: str | None = None, resource: str | None = None) -> Window:
    """The window that applies to ``meter`` (or to a building/resource)."""
    windows = Windows(organisation)
    if meter is not None:
        return windows.for_meter(meter)
    return windows.get(building or "", resource or "")
