"""The plugin's messages: the msgids are the Russian texts (Russian is the
default and always complete); English is in ``locale/en`` (domain
``lk_announcements``)."""
from __future__ import annotations

from pyramid.i18n import TranslationStringFactory

_ = TranslationStringFactory("lk_announcements")
