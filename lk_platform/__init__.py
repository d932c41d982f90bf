"""lk_platform: a multi-tenant resident self-service cabinet."""
from pluggy import HookimplMarker

__version__ = "0.1.0"

#: Decorator for plugins' hook implementations: ``@lk_platform.hookimpl``.
hookimpl = HookimplMarker("lk_platform")


def main(global_config, **settings):
    """PasteDeploy entry point (``pserve etc/development.ini``)."""
    from .app import make_app
    settings.setdefault("here", global_config.get("here"))
    return make_app(settings)
