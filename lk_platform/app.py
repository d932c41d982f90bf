"""The WSGI application factory: wires the stack and the installed plugins."""
from __future__ import annotations

import logging
import os
import secrets

import transaction
from pyramid.config import Configurator
from pyramid.settings import asbool, aslist
from pyramid.session import SignedCookieSessionFactory

from .content import ContentTypes
from .plugins import PluginClash, Plugins
from .security import SecurityPolicy, org_admin_role
from .tenancy import root_factory
from .themes import ThemeRendererFactory, Themes

log = logging.getLogger(__name__)

DEFAULTS = {
    "tm.manager_hook": "pyramid_tm.explicit_manager",
    "retry.attempts": "3",
    "lk.max_upload_bytes": str(20 * 1024 * 1024),
    "lk.session_max_age": str(8 * 3600),
}


#: seconds after which a session cookie is re-issued (and a cached answer no longer stands in for Pyramid)
SESSION_REISSUE = 600


def make_app(settings: dict, plugins: Plugins | None = None):
    settings = {**DEFAULTS, **settings}
    # Unset: the themes shipped with the core. The ini writes %(here)s/../themes:
    # static URLs are matched on the normalised path, so normalise it once here.
    settings["lk.themes_dir"] = os.path.abspath(settings.get("lk.themes_dir") or shipped_themes_dir())
    secret = settings.get("lk.secret") or ""
    if len(secret) < 32:
        log.warning("lk.secret is unset or short; using a random one (sessions end at restart)")
        secret = secrets.token_hex(32)

    _ensure_storage_folders(settings.get("zodbconn.uri", ""))
    config = Configurator(settings=settings, root_factory=root_factory)
    config.include("pyramid_tm")
    config.include("pyramid_retry")
    config.add_subscriber("lk_platform.retry.backoff_before_retry", "pyramid_retry.IBeforeRetry")
    config.include("pyramid_zodbconn")
    config.set_session_factory(SignedCookieSessionFactory(
        secret, cookie_name="lk_session", httponly=True, samesite="Lax",
        secure=asbool(settings.get("lk.secure_cookies", False)),
        max_age=int(settings["lk.session_max_age"]), timeout=int(settings["lk.session_max_age"]),
        reissue_time=SESSION_REISSUE))
    config.set_security_policy(SecurityPolicy())
    config.set_default_csrf_options(require_csrf=True)
    config.add_translation_dirs("colander:locale", "deform:locale", "lk_platform:locale")
    from .i18n import negotiate_locale
    config.set_locale_negotiator(negotiate_locale)
    config.include(".tenancy")
    config.add_renderer(".pt", ThemeRendererFactory)
    from .pagecache import lk_page_cache
    config.add_view_deriver(lk_page_cache)
    from . import rendercache
    rendercache.configure(int(settings.get("lk.render_cache_mb", 64)) * 1024 * 1024)

    registry = config.registry
    registry.lk_session_reissue = SESSION_REISSUE
    registry.lk_themes = Themes(settings["lk.themes_dir"],
                                auto_reload=asbool(settings.get("pyramid.reload_templates", False)))
    from .outbox import mailer_from_settings
    registry.lk_mailer = mailer_from_settings(settings)
    if plugins is None:
        plugins = Plugins.load(extra=aslist(settings.get("lk.plugins.extra", ""), flatten=False),
                               exclude=aslist(settings.get("lk.plugins.exclude", "")))
    registry.lk_plugins = plugins
    _collect_declarations(registry, plugins)

    config.add_static_view("static/theme", settings["lk.themes_dir"], cache_max_age=3600)
    config.add_static_view("static/deform", "deform:static", cache_max_age=3600)
    # Under the exception view, so a refused body gets the rendered error page.
    config.add_tween("lk_platform.limits.body_limit_tween_factory", under="pyramid.tweens.excview_tween_factory")
    config.include(".views")
    config.include(".admin")
    config.commit()
    config.begin()
    try:
        plugins.pm.hook.lk_includeme(config=config)
    finally:
        config.end()
    _bake_request_extensions(config)
    app = config.make_wsgi_app()
    _prepare_database(app, registry)
    if asbool(settings.get("lk.page_cache", True)):
        from .edgecache import EdgeCache
        app = EdgeCache(app, registry)
    return app


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


def _collect_declarations(registry, plugins: Plugins):
    types = ContentTypes()
    for plugin, batch in plugins.per_plugin("lk_content_types"):
        for ct in batch:
            from dataclasses import replace
            types.add(replace(ct, plugin=None if plugin == "core" else plugin), plugin)
    registry.lk_content_types = types
    roles = {}
    for plugin, batch in plugins.per_plugin("lk_roles"):
        for role in batch:
            if role.name in roles and roles[role.name][0] != plugin:
                raise PluginClash("role %r is declared by both %r and %r" % (role.name, roles[role.name][0], plugin))
            roles[role.name] = (plugin, role)
    declared = [r for _p, r in roles.values()]
    admin = org_admin_role(declared)
    registry.lk_roles = {admin.name: admin, **{r.name: r for r in declared}}
    registry.lk_role_plugins = {name: p for name, (p, _r) in roles.items()}
    registry.lk_settings_schemas = dict(plugins.per_plugin("lk_settings_schema"))


def _prepare_database(app, registry):
    """Create the platform in a new database and report pending evolve steps."""
    from .evolve import pending
    from .platform import bootstrap
    db = registry._zodb_databases[""]
    tm = transaction.TransactionManager()
    conn = db.open(tm)
    try:
        with tm:
            platform, created = bootstrap(conn.root(), registry)
        waiting = pending(platform, registry)
        if waiting:
            log.warning("pending evolve steps (run 'lk evolve'): %s", ", ".join(s.name for s in waiting))
        registry.lk_pending_evolve = [s.name for s in waiting]
    finally:
        conn.close()
