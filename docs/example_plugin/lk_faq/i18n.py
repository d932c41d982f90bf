"""The plugin's messages: the msgids are the Russian texts; English is in
``locale/en`` (domain ``lk_faq``)."""
from pyramid.i18n import TranslationStringFactory

_ = TranslationStringFactory("lk_faq")
