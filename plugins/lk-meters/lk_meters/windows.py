"""Submission windows: the organisation's (plugin settings), overridden per
building, per resource, or per building and resource.

Overrides are a small content type (generated admin in
``meter_windows/@@admin``). The most specific one wins:
(building, resource) → (building, any) → (any, resource) → organisation.
A lookup table ``(building, resource) -> name`` kept on the folder turns
that into four BTree lookups instead of a search per meter.
"""
from __future__ import annotations

import colander
import deform
from BTrees.OOBTree import OOBTree

from lk_platform.model.content import Content

from .meters import known_buildings
from .orgsettings import meter_settings
from .periods import Window
from .vocabulary import resources_of

CONTAINER = "meter_windows"


class WindowOverride(Content):
    type_name = "meter_window"
    searchable_fields = ("building_title", "resource")

    building = ""        # building key, lower case ("" = every building)
    building_title = ""
    resource = ""        # resource code ("" = every resource)
    start_day = None     # None with end_day None: open every day
    end_day = None
    comment = ""

    @property
    def window(self) -> Window:
        where = [self.building_title or "", self.resource or ""]
        return Window(self.start_day, self.end_day, origin=" / ".join(w for w in where if w))

    @property
    def display_title(self):
        return "%s — %s" % (self.building_title or "все дома", self.resource or "все ресурсы")


@colander.deferred
def _building_widget(node, kw):
    org = kw.get("organisation")
    values = [("", "Все дома")] + (known_buildings(org) if org is not None else [])
    return deform.widget.SelectWidget(values=values)


@colander.deferred
def _resource_widget(node, kw):
    org = kw.get("organisation")
    return deform.widget.SelectWidget(values=[("", "Все ресурсы")] + [
        (r.code, r.title) for r in resources_of(org).values()])


@colander.deferred
def _resource_validator(node, kw):
    return colander.OneOf([""] + list(resources_of(kw.get("organisation"))))


@colander.deferred
def _override_validator(node, kw):
    org = kw.get("organisation")
    context = kw.get("context")

    def check(node, value):
        exc = colander.Invalid(node)
        if (value.get("start_day") is None) != (value.get("end_day") is None):
            exc["end_day"] = "Укажите оба числа или оставьте оба пустыми (приём каждый день)"
        if not value.get("building") and not value.get("resource"):
            exc["building"] = ("Для всех домов и всех ресурсов окно задаётся в настройках организации; "
                               "выберите дом или ресурс")
        folder = org.get(CONTAINER) if org is not None else None
        lookup = getattr(folder, "lookup", None)
        if lookup is not None:
            taken = lookup.get(((value.get("building") or "").lower(), value.get("resource") or ""))
            if taken is not None and taken != getattr(context, "__name__", None):
                exc["resource"] = "Для этого дома и ресурса окно уже задано — измените его"
        if exc.children:
            raise exc
    return check


def _day(title):
    return colander.SchemaNode(colander.Integer(), title=title, missing=None, validator=colander.Range(
        1, 31, min_err="Число месяца от 1 до 31", max_err="Число месяца от 1 до 31"))


class WindowSchema(colander.Schema):
    building = colander.SchemaNode(colander.String(), title="Дом", missing="", widget=_building_widget)
    resource = colander.SchemaNode(colander.String(), title="Ресурс", missing="", widget=_resource_widget,
                                   validator=_resource_validator)
    start_day = _day("С какого числа (пусто — приём каждый день)")
    end_day = _day("По какое число (меньше начального — окно через конец месяца)")
    comment = colander.SchemaNode(colander.String(), title="Примечание", missing="",
                                  validator=colander.Length(max=300))


def window_schema():
    return WindowSchema(validator=_override_validator)


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
        self.default = meter_settings(organisation).window
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
                    return self._folder[name].window
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
