"""The base class of stored content, and the stand-in for content whose class is gone."""
from __future__ import annotations

import colander
from persistent import Persistent
from ZODB.broken import Broken


class Content(Persistent):
    """A stored object described by a ContentType's schema.

    Schema field values are plain attributes; the organisation's custom
    fields (``x_<name>``) live in ``custom``, a dict that is replaced, never
    mutated in place, so ZODB sees every change.
    """
    type_name: str | None = None
    searchable_fields: tuple[str, ...] = ()
    __name__ = None
    __parent__ = None
    custom: dict = {}

    def __init__(self, **values):
        self.set_values(values)

    def set_values(self, values: dict) -> dict:
        """Set the given values; return ``{field: (old, new)}`` of what changed."""
        changes = {}
        custom = dict(self.custom)
        for key, value in values.items():
            if value is colander.null:
                value = None
            if key.startswith("x_"):
                old = custom.get(key)
                if old != value:
                    custom[key] = value
                    changes[key] = (old, value)
            else:
                old = getattr(self, key, None)
                if old != value or key not in self.__dict__:
                    setattr(self, key, value)
                    if old != value:
                        changes[key] = (old, value)
        if custom != self.custom:
            self.custom = custom
        return changes

    def get_values(self, names) -> dict:
        out = {}
        for name in names:
            if name.startswith("x_"):
                out[name] = self.custom.get(name)
            else:
                out[name] = getattr(self, name, None)
        return out

    @property
    def searchable_text(self) -> str:
        parts = [str(getattr(self, f, "") or "") for f in self.searchable_fields]
        parts += [str(v) for v in self.custom.values() if isinstance(v, str)]
        return " ".join(p for p in parts if p)

    @property
    def display_title(self) -> str:
        for attr in ("title", "name", "number"):
            value = getattr(self, attr, None)
            if value:
                return str(value)
        return str(self.__name__)


class Unavailable:
    """Stands in, in lists and exports, for a stored object whose class can
    no longer be loaded (ZODB's ``Broken``: its plugin dropped or renamed it)."""
    unavailable = True
    display_title = "объект недоступен"

    def __init__(self, broken):
        state = getattr(broken, "__Broken_state__", None) or {}
        self.__name__ = state.get("__name__")
        self.__parent__ = state.get("__parent__")

    def get_values(self, names) -> dict:
        return {name: None for name in names}


def readable(obj):
    """``obj``, or an :class:`Unavailable` placeholder if it is Broken."""
    return Unavailable(obj) if isinstance(obj, Broken) else obj
