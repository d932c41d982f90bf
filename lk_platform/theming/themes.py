"""Brandable themes: Chameleon templates looked up through a theme chain.

A theme is a folder ``themes/<name>/`` with ``templates/`` (page templates,
overriding the default theme's by relative path; plugin templates are
overridden at ``templates/<package>/<file>``), ``deform/`` (overrides of
deform's widget templates) and ``static/``. Every template gets ``api``.
"""
from __future__ import annotations

import hashlib
import os
import re
import threading
from functools import cached_property

from chameleon import PageTemplateFile
from pyramid.i18n import get_localizer
from pyramid.path import AssetResolver
from pyramid.threadlocal import get_current_request

from lk_platform.auth.security import is_staff, principals_at
from lk_platform.caching import rendercache
from lk_platform.caching.pagecache import CSRF_MARK, marking
from lk_platform.i18n import _, localize
from lk_platform.tenancy.urls import URLMaker
from lk_platform.theming.menus import admin_menu, cabinet_menu, grouped
from lk_platform.util.dates import format_date, format_datetime
from lk_platform.util.money import format_money

DEFAULT = "default"


class ThemeNotFound(LookupError):
    pass


class Themes:
    """Finds and caches templates per theme."""

    def __init__(self, root: str, auto_reload: bool = False):
        self.root = os.path.abspath(root)
        self.auto_reload = auto_reload
        self._cache = {}
        self._lock = threading.Lock()
        self._resolver = AssetResolver()

    def names(self):
        return sorted(d for d in os.listdir(self.root)
                      if os.path.isdir(os.path.join(self.root, d, "templates")))

    def chain(self, theme: str):
        if theme and theme != DEFAULT and theme in self.names():
            return [theme, DEFAULT]
        return [DEFAULT]

    def find(self, theme: str, spec: str) -> str:
        """Path of template ``spec`` for ``theme``: an asset spec
        (``pkg:templates/x.pt``) or a theme-relative name (``layout.pt``)."""
        if ":" in spec:
            pkg, _, rel = spec.partition(":")
            rel_override = os.path.join(pkg, rel.split("templates/", 1)[-1])
        else:
            pkg, rel_override = None, spec
        for name in self.chain(theme):
            candidate = os.path.join(self.root, name, "templates", rel_override)
            if os.path.isfile(candidate):
                return candidate
        if pkg:
            path = self._resolver.resolve(spec).abspath()
            if os.path.isfile(path):
                return path
        raise ThemeNotFound(spec)

    def template(self, theme: str, spec: str) -> PageTemplateFile:
        key = (theme, spec)
        template = self._cache.get(key)
        if template is None:
            path = self.find(theme, spec)
            with self._lock:
                template = self._cache.get(key)
                if template is None:
                    template = _compiled(path, self.auto_reload)
                    self._cache[key] = template
        return template

    def static_owner(self, theme: str, path: str) -> str:
        """The theme in ``theme``'s chain whose ``static/`` has ``path``."""
        key = ("static", theme, path)
        found = self._cache.get(key)
        if found is None or self.auto_reload:
            found = DEFAULT
            for name in self.chain(theme):
                if os.path.isfile(os.path.join(self.root, name, "static", path)):
                    found = name
                    break
            self._cache[key] = found
        return found

    def deform_dirs(self, theme: str):
        dirs = [os.path.join(self.root, n, "deform") for n in self.chain(theme)]
        return [d for d in dirs if os.path.isdir(d)]


#: Compiled templates by file, shared by every app in the process: tests
#: build an app per test, and compiling the same files again for each one
#: cost seconds per test.
_COMPILED: dict = {}
_COMPILED_LOCK = threading.Lock()


def _compiled(path: str, auto_reload: bool) -> PageTemplateFile:
    key = (path, auto_reload)
    template = _COMPILED.get(key)
    if template is None:
        with _COMPILED_LOCK:
            template = _COMPILED.get(key)
            if template is None:
                template = _COMPILED[key] = PageTemplateFile(path, auto_reload=auto_reload,
                                                             translate=translate, encoding="utf-8")
    return template


def translate(msgid, domain=None, mapping=None, context=None, target_language=None, default=None):
    """Chameleon's i18n hook: translate through the current request's localizer."""
    request = get_current_request()
    if request is None or not hasattr(msgid, "interpolate") and not isinstance(msgid, str):
        return str(msgid)
    from translationstring import TranslationString
    if not isinstance(msgid, TranslationString):
        msgid = TranslationString(msgid, domain=domain or "lk_platform", default=default, mapping=mapping)
    elif mapping:
        msgid = TranslationString(msgid, domain=msgid.domain, default=msgid.default,
                                  mapping=dict(msgid.mapping or {}, **mapping))
    return localize(get_localizer(request), msgid)


_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")


#: set in the request's environ when a deform form is made for the page (see TemplateAPI.form_scripts)
FORMS_KEY = "lk.deform_form"


def brand_colour(value, default: str) -> str:
    return value if isinstance(value, str) and _COLOUR.match(value) else default


def _luminance(colour: str) -> float:
    digits = colour[1:]
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    channels = []
    for i in (0, 2, 4):
        c = int(digits[i:i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
    r, g, b = channels
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def readable_on(colour: str) -> str:
    """Black or white, whichever contrasts more (WCAG) with ``colour``, so an
    organisation's light brand colour never leaves white text unreadable."""
    lum = _luminance(colour)
    return "#ffffff" if (1.05 / (lum + 0.05)) >= ((lum + 0.05) / 0.05) else "#000000"


def brand_css(brand: dict) -> str:
    """The organisation's colours as a stylesheet (``@@brand.css``): the
    Content-Security-Policy admits no inline ``<style>``. Only #rgb/#rrggbb
    reach ``brand``, so a stored value can never inject CSS."""
    return (":root { --primary: %(primary)s; --accent: %(accent)s; --on-primary: %(on_primary)s; "
            "--on-accent: %(on_accent)s; }\n" % brand)


def brand_css_version(brand: dict) -> str:
    return hashlib.sha256(brand_css(brand).encode()).hexdigest()[:12]


def theme_of(request) -> str:
    org = getattr(request, "organisation", None)
    return getattr(org, "theme", None) or DEFAULT


class ThemeRendererFactory:
    """Pyramid renderer for ``.pt``: ``renderer="lk_meters:templates/x.pt"``
    or ``renderer="cabinet.pt"`` (theme-relative)."""

    def __init__(self, info):
        self.spec = info.name
        if ":" not in self.spec and info.package is not None and not _theme_relative(self.spec):
            self.spec = "%s:%s" % (info.package.__name__, self.spec)

    def __call__(self, value, system):
        request = system["request"]
        ns = dict(system)
        if isinstance(value, dict):
            ns.update(value)
        return render(request, self.spec, ns)


def _theme_relative(spec):
    return not spec.startswith("templates/")


def render(request, spec: str, namespace: dict | None = None) -> str:
    """Render template ``spec`` in the request's theme, with ``api``."""
    themes: Themes = request.registry.lk.themes
    ns = dict(namespace or {})
    ns.setdefault("request", request)
    ns.setdefault("context", getattr(request, "context", None))
    ns.setdefault("api", request.api)
    return themes.template(theme_of(request), spec)(**ns)


# Private-use characters: HTML escaping leaves them alone and no text has them.
NEXT_MARK = "\ue000next\ue000"


class TemplateAPI:
    """What every template needs: the theme's layout macro, the organisation
    and its brand, the menus, the user, CSRF token, translation, URLs."""

    def __init__(self, request):
        self.request = request
        self.organisation = getattr(request, "organisation", None)
        self.user = request.user

    @cached_property
    def layout(self):
        return self.request.registry.lk.themes.template(theme_of(self.request), "layout.pt")

    def macro(self, spec, name):
        return self.request.registry.lk.themes.template(theme_of(self.request), spec).macros[name]

    @property
    def theme(self):
        return theme_of(self.request)

    def static(self, path):
        return self.request.static_url("%s/%s/static/%s" % (
            self.request.registry.lk.themes.root, self.theme_for_static(path), path))

    def theme_for_static(self, path):
        return self.request.registry.lk.themes.static_owner(self.theme, path)

    def chrome(self, part):
        """The layout's part ``part`` (``chrome/<part>.pt``: head, header,
        sidebar), which costs more to render than most page bodies (menus
        from every plugin, brand, translations) yet changes only with the
        organisation, the user and their roles: rendered once per their
        committed state, theme, locale and address, then reused. The CSRF
        token and the current address are filled in per request."""
        from html import escape

        request = self.request
        org, user = self.organisation, self.user
        where = org if org is not None else getattr(request, "root", None)
        key = ("chrome", part, self.theme, self.locale, self.org_url,
               tuple(principals_at(request, where)) if where is not None else ())
        depends = [d for d in (org, user) if d is not None]
        html = rendercache.cached(depends, key, lambda: render(request, "chrome/%s.pt" % part))
        if CSRF_MARK in html:
            html = html.replace(CSRF_MARK, self.csrf_token)
        if NEXT_MARK in html:
            html = html.replace(NEXT_MARK, escape(request.path_qs))
        return html

    #: what chrome templates print where the per-request values go
    chrome_csrf = CSRF_MARK
    chrome_next = NEXT_MARK

    @cached_property
    def brand(self):
        org = self.organisation
        if org is None:
            return self._brand()
        return rendercache.cached(org, ("brand", self._urls.base), self._brand)

    def _brand(self):
        org = self.organisation
        if org is None:
            brand = {"name": self.request.registry.settings.get("lk.site_name", "Личный кабинет"),
                     "primary": "#1f5fa8", "accent": "#f2a900", "footer": "", "logo": None}
        else:
            # Colours go into a <style> element: only #rgb/#rrggbb pass, so a
            # stored value can never inject CSS.
            brand = {"name": org.display_name, "primary": brand_colour(org.primary_color, "#1f5fa8"),
                     "accent": brand_colour(org.accent_color, "#f2a900"), "footer": org.footer or "",
                     "logo": self.request.resource_url(org, "@@logo", query={"v": getattr(org.logo, "version", "")})
                     if org.logo is not None else None}
        brand["on_primary"] = readable_on(brand["primary"])
        brand["on_accent"] = readable_on(brand["accent"])
        return brand

    @cached_property
    def brand_css_url(self):
        """The colours' stylesheet, versioned so browsers may keep it."""
        return self.org_url + "@@brand.css?v=" + brand_css_version(self.brand)

    @property
    def form_scripts(self):
        """The scripts deform's widgets need, as files (no inline script
        passes the Content-Security-Policy), on pages that show a form made
        with ``lk_platform.admin.forms.make_form``."""
        if not self.request.environ.get(FORMS_KEY):
            return ()
        static = self.request.static_url
        return (static("deform:static/scripts/jquery-2.0.3.min.js"), static("deform:static/scripts/deform.js"),
                self.static("lk-forms.js"))

    @cached_property
    def default_layout(self):
        """The default theme's layout: a brand theme's ``layout.pt`` can
        ``metal:extend-macro`` it and fill only the slots it restyles."""
        return self.request.registry.lk.themes.template(DEFAULT, "layout.pt")

    @property
    def csrf_token(self):
        """The session's CSRF token; a mark that lk_platform.caching.pagecache fills
        in per request while a page is rendered for the cache."""
        return CSRF_MARK if marking(self.request) else self.csrf_token_value

    @cached_property
    def csrf_token_value(self):
        return self.request.session.get_csrf_token()

    @property
    def locale(self):
        return self.request.locale_name

    def _(self, msgid, mapping=None):
        return get_localizer(self.request).translate(_(msgid, mapping=mapping))

    @cached_property
    def _urls(self):
        return URLMaker(self.request)

    def url(self, resource, *elements, **kw):
        if set(kw) <= {"query", "anchor"}:
            return self._urls(resource, *elements, **kw)
        return self.request.resource_url(resource, *elements, **kw)

    @cached_property
    def org_url(self):
        return self._urls(self.organisation) if self.organisation is not None else self._urls.base + "/"

    @cached_property
    def cabinet_menu(self):
        return cabinet_menu(self.request)

    @cached_property
    def admin_menu(self):
        return admin_menu(self.request)

    @cached_property
    def admin_groups(self):
        """The admin menu by area: ``[(group, title, items)]``."""
        return grouped(self.admin_menu)

    @cached_property
    def is_staff(self):
        return is_staff(self.request, self.organisation)

    def flash_messages(self):
        # pop_flash marks the session changed even when empty, which re-signs
        # and re-sends the cookie on every page; peek first.
        session = self.request.session
        return session.pop_flash() if session.peek_flash() else []

    def format_money(self, value):
        return format_money(value, self.locale)

    def format_date(self, value):
        return format_date(value, self.organisation)

    def format_datetime(self, value):
        return format_datetime(value, self.organisation)
