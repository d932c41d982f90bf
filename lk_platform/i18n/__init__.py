"""Translation: Russian source strings, English through gettext catalogs.

One way, everywhere: the core and every plugin mark texts with a
``TranslationStringFactory`` of their own domain (``lk_platform``,
``lk_debt``, ...), whose message ids are the Russian texts, so Russian (the
default) is always complete and ``locale/en/LC_MESSAGES/<domain>.po``
translates them. A page translates through the request
(``request.localizer.translate``, or Chameleon's ``i18n:`` attributes and
``api._``); text made outside a request (mail to a user, CSV exports, the
CLI) goes through :func:`translate` with the reader's locale. colander's and
deform's own catalogs translate their built-in messages.
"""
from __future__ import annotations

import threading

from pyramid.i18n import Localizer, TranslationString, TranslationStringFactory, make_localizer
from pyramid.interfaces import ITranslationDirectories
from pyramid.threadlocal import get_current_registry

_ = TranslationStringFactory("lk_platform")

LANGUAGES = {"ru": "Русский", "en": "English"}
DEFAULT = "ru"
COOKIE = "lk_locale"


def negotiate_locale(request):
    """The user's saved choice, then the language cookie, then Russian."""
    user = getattr(request, "user", None)
    if user is not None and getattr(user, "locale", None) in LANGUAGES:
        return user.locale
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return DEFAULT


_lock = threading.Lock()


def localizer_for(locale: str, registry=None) -> Localizer:
    """A localizer for ``locale`` over every catalog registered at start-up
    (the core's, colander's, deform's and each plugin's), made once per
    registry and locale."""
    registry = registry if registry is not None else get_current_registry()
    cache = getattr(getattr(registry, "lk", None), "localizers", {})
    found = cache.get(locale)
    if found is None:
        dirs = registry.queryUtility(ITranslationDirectories, default=[])
        with _lock:
            found = cache[locale] = make_localizer(locale, dirs)
    return found


def localize(localizer: Localizer, message) -> str:
    """``localizer.translate(message)``, translating the translation strings
    among its mapping values first: Pyramid would put their msgids (the
    Russian texts) into an English sentence, e.g. a field title inside a
    validation message."""
    mapping = getattr(message, "mapping", None)
    if mapping and any(hasattr(v, "interpolate") for v in mapping.values()):
        message = TranslationString(str(message), domain=message.domain, default=message.default, context=message.context,
                                    mapping={k: localize(localizer, v) if hasattr(v, "interpolate") else v
                                             for k, v in mapping.items()})
    return localizer.translate(message)


def translate(message, locale: str | None = None, registry=None) -> str:
    """``message`` (a translation string, or plain text, returned as it is)
    in ``locale`` (Russian by default), outside a request."""
    if not hasattr(message, "interpolate"):
        return str(message)
    if not locale or locale == DEFAULT:
        return message.interpolate()
    return localize(localizer_for(locale, registry), message)


def memoized(translate):
    """``translate`` remembering its answers: for one request's long lists,
    where the same words (statuses, sources, units) repeat on every row.
    Messages whose mapping cannot be hashed are translated each time."""
    cache: dict = {}

    def remembering(message):
        mapping = getattr(message, "mapping", None)
        key = (str(message), getattr(message, "domain", None), tuple(sorted(mapping.items())) if mapping else None)
        try:
            found = cache.get(key)
        except TypeError:
            return translate(message)
        if found is None:
            found = cache[key] = translate(message)
        return found

    return remembering
