"""Security headers on every answer the application gives.

A WSGI middleware around the whole application (the edge cache and the
Pyramid router with its exception views) adds them as the answer leaves, so
no answer goes without: pages, redirects, error pages (400, 403, 404, 413…),
static files, JSON, downloads, pages from the page cache and the edge cache.

- ``Content-Security-Policy``: scripts, styles, fonts and images from the
  site itself only — no inline ``<script>``, ``on*=`` handler, ``<style>`` or
  ``style=`` (deform's widgets and the themes are served as files: see
  ``themes/default/deform/`` and ``static/lk-forms.js``), no plugins, no
  framing. An answer that brings a policy of its own (a downloaded file's
  sandbox) keeps it, with ``frame-ancestors 'none'`` added.
- ``X-Frame-Options: DENY``, ``X-Content-Type-Options: nosniff``,
  ``Referrer-Policy: same-origin`` (addresses with tokens never leave in a
  ``Referer``).
- ``Cache-Control: private, no-store`` on everything except static files
  (the registered static views, answers below 400) and answers a view marked
  ``public`` itself (an organisation's logo, a published document): nothing
  personal is kept by a browser or a shared cache, and whatever a view did
  not declare public counts as personal.
"""
from __future__ import annotations

CSP = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
NO_STORE = "private, no-store"
FIXED = (("X-Frame-Options", "DENY"), ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "same-origin"))
_DROP_WHEN_PRIVATE = frozenset({"cache-control", "expires", "pragma"})


def _is_public(cache_control: str | None) -> bool:
    if not cache_control:
        return False
    tokens = {t.strip().split("=", 1)[0].lower() for t in cache_control.split(",")}
    return "public" in tokens and not tokens & {"private", "no-store"}


def secure_headers(status: str, headers: list, static: bool = False) -> list:
    """``headers`` of an answer with ``status``, with the security headers
    (``static``: the answer of a static view, whose caching stands)."""
    found = {}
    for name, value in headers:
        found.setdefault(name.lower(), value)
    cache_control = found.get("cache-control")
    keep_cache = _is_public(cache_control) or (static and status[:1] in "23")
    out = [(name, value) for name, value in headers
           if not (name.lower() in _DROP_WHEN_PRIVATE and not keep_cache)
           and name.lower() not in ("content-security-policy", "x-frame-options", "referrer-policy")]
    policy = found.get("content-security-policy")
    if policy is None:
        policy = CSP
    elif "frame-ancestors" not in policy:
        policy = policy.rstrip("; ") + "; frame-ancestors 'none'"
    out.append(("Content-Security-Policy", policy))
    for name, value in FIXED:
        if name == "X-Content-Type-Options" and name.lower() in found:
            continue
        out.append((name, value))
    if not keep_cache:
        out.append(("Cache-Control", NO_STORE))
    return out


def static_prefixes(registry) -> tuple:
    """The paths of the registered static views (``/static/theme/``, …)."""
    found = []
    for item in registry.introspector.get_category("static views"):
        name = item["introspectable"]["name"]
        if "://" not in name:
            found.append("/" + name.strip("/") + "/")
    return tuple(found)


class SecurityHeaders:
    """WSGI middleware: :func:`secure_headers` on every answer of ``app``."""

    def __init__(self, app, registry):
        self.app = app
        self.registry = registry
        self.static = static_prefixes(registry)

    def __getattr__(self, name):
        return getattr(self.app, name)

    def __call__(self, environ, start_response):
        static = environ.get("PATH_INFO", "").startswith(self.static) if self.static else False

        def start(status, headers, exc_info=None):
            return start_response(status, secure_headers(status, headers, static), exc_info)

        return self.app(environ, start)
