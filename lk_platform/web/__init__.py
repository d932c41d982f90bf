"""The web edge: error pages, ``/health``, the upload limit, retry back-off."""


def includeme(config):
    config.scan("lk_platform.web.errors")
    config.scan("lk_platform.web.health")
