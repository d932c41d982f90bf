"""Every view the app registers (the core's and every installed plugin's)
carries a permission, except an explicit allow-list of public ones.

A view without a permission is public; forgetting one on a staff page
would open it to everybody, so a new public view must be added here on
purpose, with a reason.
"""
from __future__ import annotations

from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.static import static_view

from lk_platform.testing import close_app

#: (context class name, view name) -> why it is public
ALLOWED_PUBLIC = {
    ("Platform", "login"): "logging in",
    ("Organisation", "login"): "logging in on the organisation's site",
    ("Platform", "logout"): "logging out (POST with CSRF)",
    ("Organisation", "logout"): "logging out (POST with CSRF)",
    ("Platform", "forgot"): "asking for a password reset link",
    ("Organisation", "forgot"): "asking for a password reset link",
    ("Platform", "reset"): "setting a new password with the e-mailed token",
    ("Organisation", "reset"): "setting a new password with the e-mailed token",
    ("Platform", "confirm-email"): "confirming a changed e-mail address with the e-mailed token (POST with CSRF)",
    ("Organisation", "confirm-email"): "confirming a changed e-mail address with the e-mailed token (POST with CSRF)",
    ("Platform", "language"): "switching the language before logging in",
    ("Organisation", "language"): "switching the language before logging in",
    ("Platform", "health"): "load balancer health check",
    ("Platform", ""): "the front door: redirects to login or the cabinet",
    ("Organisation", ""): "the organisation's public page",
    ("Organisation", "logo"): "the organisation's logo on public pages",
    # plugin lk-announcements: documents and pages the organisation publishes
    ("PublicDocument", ""): "a published document (announcements plugin)",
    ("PublicDocument", "download"): "a published document (announcements plugin)",
    ("PublicPage", ""): "a published page (announcements plugin)",
}
#: allow-list entries the core itself registers: each must exist, so the list stays honest
CORE_PUBLIC = {k for k in ALLOWED_PUBLIC if k[0] in ("Platform", "Organisation")}


def _context_name(context):
    return getattr(context, "__name__", None) or repr(context)


def _is_exception_view(view):
    context = view["context"]
    if view.get("exception_only"):
        return True
    if isinstance(context, type) and issubclass(context, BaseException):
        return True
    # pyramid's default view for IExceptionResponse (an interface, not a class)
    return getattr(context, "__name__", "") == "IExceptionResponse"


def walk_views(registry):
    for item in registry.introspector.get_category("views"):
        view = item["introspectable"]
        perms = [r["value"] for r in item["related"] if r.category_name == "permissions"]
        yield view, (perms[0] if perms else None)


def test_every_view_has_a_permission(lk_app):
    unguarded = []
    public_found = set()
    views = list(walk_views(lk_app.registry))
    assert len(views) > 30
    for view, permission in views:
        if isinstance(view["callable"], static_view) or _is_exception_view(view):
            continue
        key = (_context_name(view["context"]), view["name"])
        if permission is None or permission == NO_PERMISSION_REQUIRED:
            if key in ALLOWED_PUBLIC:
                public_found.add(key)
            else:
                unguarded.append("%s @@%s (%s)" % (key[0], key[1], getattr(view["callable"], "__name__",
                                                                                   view["callable"])))
    assert unguarded == [], "views without a permission: %s" % ", ".join(unguarded)
    assert CORE_PUBLIC - public_found <= {("Organisation", "logo")}, CORE_PUBLIC - public_found


def test_staff_views_are_guarded_by_the_expected_permissions(lk_app):
    """The views this area adds carry the permission the issue names."""
    found = {(_context_name(v["context"]), v["name"]): p for v, p in walk_views(lk_app.registry)}
    assert found[("Organisation", "users")] == "users.manage"
    assert found[("Organisation", "add-user")] == "users.manage"
    assert found[("Organisation", "audit")] == "audit.view"
    assert found[("Platform", "audit")] == "operator.manage"


def test_a_view_without_permission_is_caught(lk_settings):
    """The walk really finds an unguarded view (so the test above can fail)."""
    from pyramid.config import Configurator

    from lk_platform.app import make_app

    def sloppy(request):
        return "open"

    app = make_app(dict(lk_settings))
    try:
        config = Configurator(registry=app.registry)
        config.add_view(sloppy, name="sloppy", renderer="string")
        config.commit()
        names = [v["name"] for v, p in walk_views(app.registry) if p is None]
        assert "sloppy" in names
    finally:
        close_app(app)
