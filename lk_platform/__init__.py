"""lk_platform: a multi-tenant resident self-service cabinet.

The core is laid out by concern (see docs/architecture.md); the WSGI
application is wired in :mod:`lk_platform.app`.
"""
from pluggy import HookimplMarker

__version__ = "0.1.0"

#: Decorator for plugins' hook implementations: ``@lk_platform.hookimpl``.
hookimpl = HookimplMarker("lk_platform")
