"""The composition root: the one place that wires the core's concerns and
the installed plugins into a WSGI application.

Every other package is imported from here (or from the CLI and the test
plugin) and none of them imports this module; see docs/architecture.md for
the layer order that ``lint-imports`` checks."""
from __future__ import annotations

import logging
import os
import secrets

import transaction
from pyramid.config import Configurator
from pyramid.session import SignedCookieSessionFactory
from pyramid.settings import asbool, aslist

from lk_platform import corehooks
from lk_platform.auth.security import SecurityPolicy, org_admin_role
from lk_platform.caching import rendercache
from lk_platform.caching.pagecache import lk_page_cache
from lk_platform.i18n import negotiate_locale
from lk_platform.model.evolve import pending
from lk_platform.model.platform import bootstrap
from lk_platform.plugins.manager import Plugins
from lk_platform.plugins.registry import collect
from lk_platform.tenancy import root_factory
from lk_platform.tenancy.urls import check_settings as check_public_url
from lk_platform.theming.themes import ThemeRendererFactory, Themes
from lk_platform.util.outbox import mailer_from_settings
from lk_platform.web.headers import SecurityHeaders

log = logging.getLogger(__name__)

DEFAULTS = {
    "tm.manager_hook": "pyramid_tm.explicit_manager",
    "retry.attempts": "3",
    "lk.max_upload_bytes": str(20 * 1024 * 1024),
    "lk.session_max_age": str(8 * 3600),
}


#: seconds after which a session cookie is re-issued (and a cached answer no longer stands in for Pyramid)
SESSION_REISSUE = 600


def main(global_config, **settings):
    """PasteDeploy entry point (``pserve etc/development.ini``)."""
    settings.setdefault("here", global_config.get("here"))
    return make_app(settings)


def load_plugins(extra=(), exclude=()) -> Plugins:
    """The core's hooks and every installed plugin (see :meth:`Plugins.load`)."""
    return Plugins.load(corehooks, extra=extra, exclude=exclude)


def make_app(settings: dict, plugins: Plugins | None = None):
    settings = {**DEFAULTS, **settings}
    # Unset: the themes shipped with the core. The ini writes %(here)s/../themes:
    # static URLs are matched on the normalised path, so normalise it once here.
    settings["lk.themes_dir"] = os.path.abspath(settings.get("lk.themes_dir") or shipped_themes_dir())
    secret = settings.get("lk.secret") or ""
    if len(secret) < 32:
        log.warning("lk.secret is unset or short; using a random one (sessions end at restart)")
        secret = secrets.token_hex(32)

    check_public_url(settings)
    _ensure_storage_folders(settings.get("zodbconn.uri", ""))
    config = Configurator(settings=settings, root_factory=root_factory)
    config.include("pyramid_tm")
    config.include("pyramid_retry")
    config.add_subscriber("lk_platform.web.retry.forget_attempt", "pyramid_retry.IBeforeRetry")
    config.add_subscriber("lk_platform.web.retry.backoff_before_retry", "pyramid_retry.IBeforeRetry")
    config.include("pyramid_zodbconn")
    config.set_session_factory(SignedCookieSessionFactory(
        secret, cookie_name="lk_session", httponly=True, samesite="Lax",
        secure=asbool(settings.get("lk.secure_cookies", False)),
        max_age=int(settings["lk.session_max_age"]), timeout=int(settings["lk.session_max_age"]),
        reissue_time=SESSION_REISSUE))
    config.set_security_policy(SecurityPolicy())
    config.set_default_csrf_options(require_csrf=True)
    config.add_translation_dirs("colander:locale", "deform:locale", "lk_platform:locale")
    config.set_locale_negotiator(negotiate_locale)
    config.include("lk_platform.tenancy")
    config.include("lk_platform.theming")
    config.add_renderer(".pt", ThemeRendererFactory)
    config.add_view_deriver(lk_page_cache)
    rendercache.configure(int(settings.get("lk.render_cache_mb", 64)) * 1024 * 1024)

    registry = config.registry
    if plugins is None:
        plugins = load_plugins(extra=aslist(settings.get("lk.plugins.extra", ""), flatten=False),
                               exclude=aslist(settings.get("lk.plugins.exclude", "")))
    lk = registry.lk = collect(plugins, org_admin_role)
    lk.session_reissue = SESSION_REISSUE
    lk.themes = Themes(settings["lk.themes_dir"],
                       auto_reload=asbool(settings.get("pyramid.reload_templates", False)))
    lk.mailer = mailer_from_settings(settings)

    # Only the themes' static/ assets, never their templates (lk_platform/theming/assets.py).
    config.add_static_view("static/theme", settings["lk.themes_dir"], cache_max_age=3600, lk_theme_asset=True)
    config.add_static_view("static/deform", "deform:static", cache_max_age=3600)
    # Under the exception view, so a refused body gets the rendered error page.
    config.add_tween("lk_platform.web.limits.body_limit_tween_factory", under="pyramid.tweens.excview_tween_factory")
    for concern in ("web", "auth", "cabinet", "admin"):
        config.include("lk_platform." + concern)
    config.commit()
    config.begin()
    try:
        plugins.pm.hook.lk_includeme(config=config)
    finally:
        config.end()
    _bake_request_extensions(config)
    app = config.make_wsgi_app()
    _prepare_database(app, registry)
    # Outermost, so every answer gets them: error pages and static files too.
    return SecurityHeaders(app, registry)


def shipped_themes_dir() -> str:
    """The themes that come with lk_platform (``default``, ``harbor``): in an
    installed wheel, ``lk_platform/bundled_themes/`` (setup.py copies them
    there); in a checkout or an editable install, the repository's ``themes/``."""
    import lk_platform
    package = os.path.dirname(os.path.abspath(lk_platform.__file__))
    bundled = os.path.join(package, "bundled_themes")
    return bundled if os.path.isdir(bundled) else os.path.join(os.path.dirname(package), "themes")


def _bake_request_extensions(config):
    """Put the request methods and properties (``request.user``, ``.tm``...)
    on one Request class made here, instead of letting Pyramid build a new
    class for every request (``InstancePropertyHelper.apply_properties``),
    which cost about a tenth of a cached page."""
    from pyramid.interfaces import IRequestExtensions, IRequestFactory
    from pyramid.request import Request
    registry = config.registry
    extensions = registry.queryUtility(IRequestExtensions)
    if extensions is None or not (extensions.descriptors or extensions.methods):
        return
    base = registry.queryUtility(IRequestFactory, default=Request)
    baked = type(base.__name__, (base,), {"__module__": base.__module__, **extensions.methods,
                                          **extensions.descriptors})
    registry.registerUtility(baked, IRequestFactory)
    extensions.descriptors, extensions.methods = {}, {}


def _ensure_storage_folders(uri: str):
    """A fresh checkout has no var/: create the FileStorage's folders."""
    if not uri.startswith("file://"):
        return
    from urllib.parse import parse_qs, urlsplit
    parts = urlsplit(uri)
    os.makedirs(os.path.dirname(parts.path) or ".", exist_ok=True)
    for blobdir in parse_qs(parts.query).get("blobstorage_dir", []):
        os.makedirs(blobdir, exist_ok=True)


def _prepare_database(app, registry):
    """Create the platform in a new database and report pending evolve steps."""
    registry.lk.databases = registry._zodb_databases
    db = registry.lk.database
    tm = transaction.TransactionManager()
    conn = db.open(tm)
    try:
        with tm:
            platform, created = bootstrap(conn.root(), registry)
        waiting = pending(platform, registry)
        if waiting:
            log.warning("pending evolve steps (run 'lk evolve'): %s", ", ".join(s.name for s in waiting))
        registry.lk.pending_evolve = [s.name for s in waiting]
    finally:
        conn.close()
