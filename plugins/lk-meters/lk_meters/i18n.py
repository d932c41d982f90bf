"""The plugin's translation domain, ``lk_meters``: mark texts with ``_``.

The msgids are the Russian texts; ``locale/en/LC_MESSAGES/lk_meters.po``
translates them. Pages translate through the request, text made outside a
request through ``lk_platform.i18n.translate`` (see docs/plugins.md).
"""
from pyramid.i18n import TranslationStringFactory

_ = TranslationStringFactory("lk_meters")
