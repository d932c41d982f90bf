"""The resident cabinet: the dashboard, the account page and the widgets
plugins add to them. Plugins use :func:`user_accounts` from here."""
from lk_platform.cabinet.views import user_accounts

__all__ = ["user_accounts"]


def includeme(config):
    config.scan("lk_platform.cabinet.views")
