"""Translation: Russian source strings, English through a gettext catalog.

The message ids are the Russian texts, so Russian (the default) is always
complete; ``locale/en`` translates them. colander's and deform's own
catalogs translate their built-in messages.
"""
from pyramid.i18n import TranslationStringFactory

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
