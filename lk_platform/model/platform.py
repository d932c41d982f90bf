"""The root of the resource tree: organisations, users, and the platform's
own bookkeeping (login sessions, throttling, evolve steps, host names)."""
from __future__ import annotations

from BTrees.OOBTree import OOBTree, OOTreeSet
from persistent import Persistent
from pyramid.authorization import ALL_PERMISSIONS, Allow, Authenticated, Everyone
from pyramid.threadlocal import get_current_registry

from lk_platform.model.auditlog import AuditLog
from lk_platform.model.evolve import mark_all_done
from lk_platform.model.folders import Folder

ROOT_KEY = "lk_platform"


class Platform(Persistent):
    __name__ = ""
    __parent__ = None
    title = "lk_platform"
    #: stores whose entries expire, pruned on write and by ``lk prune``
    #: (``lk_platform/model/expiry.py``)
    expiring_stores = ("login_sessions", "reset_tokens", "throttle")
    expiry = None   # store name -> OOTreeSet of (expires, key); made by evolve in older databases

    def __init__(self):
        self.organisations = Folder("o", "organisation")
        self.organisations.__parent__ = self
        self.users = Folder("users", "user")
        self.users.__parent__ = self
        self.login_sessions = OOBTree()   # token digest -> LoginSession
        self.throttle = OOBTree()         # (kind, key) -> Failures | Counter
        self.reset_tokens = OOBTree()     # token digest -> (login, expires)
        self.expiry = OOBTree({name: OOTreeSet() for name in self.expiring_stores})
        self.hosts = OOBTree()            # host name -> organisation slug
        self.evolved = OOBTree()          # evolve step name -> when it ran
        self.audit = AuditLog()

    def __getitem__(self, name):
        if name == "o":
            return self.organisations
        if name == "users":
            return self.users
        raise KeyError(name)

    @property
    def __acl__(self):
        lk = getattr(get_current_registry(), "lk", None)
        acl = lk.platform_acl if lk is not None else None
        if acl is None:  # roles are fixed at start-up: build once per registry
            acl = [(Allow, "role:operator", ALL_PERMISSIONS)]
            for role in (lk.roles.values() if lk is not None else ()):
                acl.append((Allow, "role:" + role.name, role.permissions))
            acl.append((Allow, Authenticated, ("cabinet.view",)))
            acl.append((Allow, Everyone, ("public.view",)))
            if lk is not None:
                lk.platform_acl = acl
        return acl

    def organisation_for_host(self, host: str):
        slug = self.hosts.get((host or "").split(":")[0].lower())
        return self.organisations.get(slug) if slug else None


def get_platform(request):
    """The Platform object of the request's ZODB connection."""
    platform = getattr(request, "_lk_platform", None)
    if platform is None:
        from pyramid_zodbconn import get_connection
        platform = get_connection(request).root()[ROOT_KEY]
        request._lk_platform = platform
    return platform


def bootstrap(zodb_root, registry=None):
    """Create the platform in a new database (and mark every evolve step done,
    since a fresh database already has the current shape). Returns
    ``(platform, created)``."""
    platform = zodb_root.get(ROOT_KEY)
    if platform is not None:
        return platform, False
    platform = Platform()
    zodb_root[ROOT_KEY] = platform
    if registry is not None:
        mark_all_done(platform, registry)
    return platform, True
