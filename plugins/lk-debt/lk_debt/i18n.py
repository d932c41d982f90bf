"""The plugin's translation strings: msgids are the Russian texts, English
in ``locale/en/LC_MESSAGES/lk_debt.po``."""
from pyramid.i18n import TranslationStringFactory

_ = TranslationStringFactory("lk_debt")
