"""Translation of the plugin's texts (domain ``lk_meters``).

The msgids are the Russian source texts, as in the core. ``_()`` returns a
:class:`Text`: a ``str`` holding the Russian text already filled in (so the
checks, exports and the staff pages keep working with ordinary strings)
that also remembers its msgid and mapping, so a resident page can show it
in the resident's language through :func:`translate`. Mapping values may
be ``Text`` themselves; they are translated first. Pickled (into ZODB or a
session) a ``Text`` becomes the plain Russian string.
"""
from __future__ import annotations

import re

from pyramid.i18n import TranslationString, TranslationStringFactory

DOMAIN = "lk_meters"
_NAME = re.compile(r"\$\{([^}]+)\}")
_factory = TranslationStringFactory(DOMAIN)


class Text(str):

    def __new__(cls, msgid, mapping=None):
        mapping = dict(mapping or {})
        # What TranslationString.interpolate does, without building one per text.
        russian = _NAME.sub(lambda m: str(mapping.get(m.group(1), m.group(0))), msgid) if mapping else msgid
        self = str.__new__(cls, russian)
        self.msgid, self.mapping = msgid, mapping
        return self

    def capitalised(self) -> "Text":
        """The same text starting with a capital letter, in any language."""
        return _Capital(self)

    def __reduce__(self):
        return str, (str(self),)

    @property
    def ts(self) -> TranslationString:
        """For the core's templates (menu, widget titles): no nested Text."""
        return _factory(self.msgid, mapping={k: str(v) for k, v in self.mapping.items()} or None)


class _Capital(Text):
    def __new__(cls, text):
        self = str.__new__(cls, text[:1].upper() + text[1:])
        self.msgid, self.mapping, self.text = "", {}, text
        return self


class Joined(Text):
    """Texts joined with a separator (each translated on its own)."""

    def __new__(cls, parts, sep=", "):
        parts = tuple(parts)
        self = str.__new__(cls, sep.join(parts))
        self.msgid, self.mapping, self.parts, self.sep = "", {}, parts, sep
        return self


_ = Text


def translate(request, value):
    """``value`` in the request's language: a Text, a list/tuple of them, or
    anything else (returned as it is)."""
    if isinstance(value, (list, tuple)):
        return type(value)(translate(request, v) for v in value)
    if not isinstance(value, Text):
        return value
    if isinstance(value, _Capital):
        text = translate(request, value.text)
        return text[:1].upper() + text[1:]
    if isinstance(value, Joined):
        return value.sep.join(translate(request, p) for p in value.parts)
    if not value.mapping:
        return request.localizer.translate(_factory(value.msgid))
    mapping = {k: translate(request, v) for k, v in value.mapping.items()}
    return request.localizer.translate(_factory(value.msgid, mapping=mapping))
