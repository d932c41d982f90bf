"""The plugin's messages: Russian source texts (the msgids), English in
``locale/en/LC_MESSAGES/lk_appeals.po`` (domain ``lk_appeals``)."""
from __future__ import annotations

from pyramid.i18n import TranslationStringFactory

_ = TranslationStringFactory("lk_appeals")
