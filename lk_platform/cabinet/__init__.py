"""The resident cabinet: the dashboard, the account page and the widgets
plugins add to them."""


def includeme(config):
    config.scan("lk_platform.cabinet.views")
