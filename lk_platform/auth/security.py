"""Who is asking and what they may do.

Principals are computed per context: a staff member's roles count only
inside the organisation that granted them (and its sub-organisations, which
sit below it in the lineage). Role permissions come from the core's and the
plugins' Role declarations; ACLs on the platform map roles to permissions,
accounts grant their holders access.
"""
from __future__ import annotations

from pyramid.authorization import ACLHelper, Authenticated, Everyone
from pyramid.security import Allowed, Denied

from lk_platform.i18n import _
from lk_platform.model import sessions
from lk_platform.model.organisations import Organisation
from lk_platform.model.platform import get_platform
from lk_platform.plugins.declarations import Role

#: permissions only the operator has (never part of a role)
OPERATOR_PERMISSIONS = ("operator.manage",)

CORE_ROLES = (
    Role("accounts_clerk", _("Специалист по лицевым счетам"),
         ("admin.view", "accounts.view", "accounts.manage")),
    Role("support", _("Служба поддержки жителей"),
         ("admin.view", "users.manage", "accounts.view")),
    Role("auditor", _("Аудитор"), ("admin.view", "audit.view", "accounts.view")),
)
CORE_PERMISSIONS = ("admin.view", "admin.edit", "accounts.view", "accounts.manage", "users.manage",
                    "audit.view", "org.settings", "customfields.manage")


def org_admin_role(roles) -> Role:
    perms = set(CORE_PERMISSIONS)
    for role in roles:
        perms.update(role.permissions)
    perms.difference_update(OPERATOR_PERMISSIONS)
    return Role("org_admin", _("Администратор организации"), tuple(sorted(perms)))


#: per-request caches, kept on the request object (one per retry attempt)
_IDENTITY = "_lk_identity"
_PRINCIPALS = "_lk_principals"


def forget_cached_identity(request):
    """Drop the request's cached identity and principals (after a login
    inside the request)."""
    request.__dict__.pop(_IDENTITY, None)
    request.__dict__.pop(_PRINCIPALS, None)


class SecurityPolicy:
    def __init__(self):
        self.acl = ACLHelper()

    def identity(self, request):
        # Cached on the request object, never in the environ: pyramid_retry
        # reuses the environ for a retried attempt, whose connection is
        # another one (finding 5 of issue #9). Scripts that act as nobody set
        # ``environ["lk.identity"] = None``; nothing else is read from there.
        cached = request.__dict__.get(_IDENTITY, False)
        if cached is not False:
            return cached
        user = None
        if request.environ.get("lk.identity", False) is not None:
            try:
                platform = get_platform(request)
            except Exception:
                platform = None
            if platform is not None:
                entry = sessions.lookup(request, platform)
                if entry is not None:
                    found = platform.users.get(entry.login)
                    if found is not None and not found.blocked:
                        user = found
        request.__dict__[_IDENTITY] = user
        return user

    def authenticated_userid(self, request):
        user = self.identity(request)
        return user.login if user is not None else None

    def principals(self, request, context):
        # Menus and widgets ask many permissions of the same few contexts.
        cache = request.__dict__.setdefault(_PRINCIPALS, {})
        key = id(context)
        found = cache.get(key)
        if found is None or found[0] is not context:
            found = cache[key] = (context, self._principals(request, context))
        return found[1]

    def _principals(self, request, context):
        principals = [Everyone]
        user = self.identity(request)
        if user is None:
            return principals
        principals += [Authenticated, "user:" + user.login]
        if user.is_operator:
            principals.append("role:operator")
        node = context
        while node is not None:
            if isinstance(node, Organisation):
                principals += ["role:" + r for r in node.staff.get(user.login, ())]
            node = getattr(node, "__parent__", None)
        return principals

    def permits(self, request, context, permission):
        principals = self.principals(request, context)
        return self.acl.permits(context, principals, permission)

    def remember(self, request, userid, **kw):
        return []

    def forget(self, request, **kw):
        return []


def principals_at(request, context):
    """The request's principals where ``context`` is (cached per request)."""
    from pyramid.interfaces import ISecurityPolicy
    return request.registry.getUtility(ISecurityPolicy).principals(request, context)


def is_staff(request, organisation) -> bool:
    return organisation is not None and bool(request.has_permission("admin.view", organisation))


__all__ = ["SecurityPolicy", "forget_cached_identity", "Allowed", "Denied", "org_admin_role", "CORE_ROLES"]
