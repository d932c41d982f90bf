"""The web edge: error pages, ``/health``, the security headers, the brand
stylesheet, the upload limit, retry back-off."""


def includeme(config):
    config.scan("lk_platform.web.errors")
    config.scan("lk_platform.web.health")
    config.scan("lk_platform.web.brand")
