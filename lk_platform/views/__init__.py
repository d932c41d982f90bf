"""The core's views. Each module registers its own with ``config.scan``."""


def includeme(config):
    config.scan(".")
