"""The plugin's messages: Russian source texts (the msgids), English in
``locale/en`` (domain ``lk_debt``).

Rows the plugin builds as HTML in Python (see ``tablerows``) translate
through a ``Words`` of the request; without a request (staff tools,
imports) it gives the Russian text.
"""
from __future__ import annotations

from pyramid.i18n import TranslationStringFactory

_ = TranslationStringFactory("lk_debt")

MONTHS = (_("январь"), _("февраль"), _("март"), _("апрель"), _("май"), _("июнь"), _("июль"), _("август"),
          _("сентябрь"), _("октябрь"), _("ноябрь"), _("декабрь"))
MONTHS_SHORT = (_("янв"), _("фев"), _("мар"), _("апр"), _("май"), _("июн"), _("июл"), _("авг"), _("сен"),
                _("окт"), _("ноя"), _("дек"))


class Words:
    """Translation for one request: ``t(_("…", mapping=…))`` -> text."""

    def __init__(self, request=None):
        self.localizer = getattr(request, "localizer", None) if request is not None else None
        self.locale = request.locale_name if request is not None else "ru"

    def __call__(self, message) -> str:
        if not hasattr(message, "interpolate"):
            return str(message)     # a text already made (e.g. a staff page's Russian message)
        if self.localizer is None:
            return message.interpolate()
        return self.localizer.translate(message)

    def label(self, period: int) -> str:
        """``октябрь 2026`` / ``October 2026``."""
        return "%s %d" % (self(MONTHS[period % 100 - 1]), period // 100)

    def label_short(self, period: int) -> str:
        return "%s %02d" % (self(MONTHS_SHORT[period % 100 - 1]), period // 100 % 100)


RUSSIAN = Words()


def words(request) -> Words:
    """The request's ``Words``, made once."""
    found = request.__dict__.get("_lk_debt_words")
    if found is None:
        found = request.__dict__["_lk_debt_words"] = Words(request)
    return found
