"""What the installed plugins declared at start-up, in one typed object.

The composition root (:mod:`lk_platform.app`) fills a :class:`Registry` once
per process and hangs it on Pyramid's registry as ``registry.lk``; code
reads ``request.registry.lk.content_types`` and so on instead of ad-hoc
attributes. Nothing here changes after start-up except ``pending_evolve``.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from lk_platform.plugins.declarations import Role
from lk_platform.plugins.manager import PluginClash, Plugins

if TYPE_CHECKING:
    import colander
    from ZODB.DB import DB


class ContentTypes:
    """Every content type declared at start-up, by name and by container."""

    def __init__(self):
        self.by_name = {}
        self.by_container = {}

    def add(self, ct, plugin):
        for table, key in ((self.by_name, ct.name), (self.by_container, ct.container)):
            if key in table and table[key].plugin != plugin:
                raise PluginClash(
                    "content type %r (container %r) is declared by both %r and %r"
                    % (ct.name, ct.container, table[key].plugin, plugin))
        self.by_name[ct.name] = ct
        self.by_container[ct.container] = ct

    def __getitem__(self, name):
        return self.by_name[name]

    def get(self, name):
        return self.by_name.get(name)

    def __iter__(self):
        return iter(sorted(self.by_name.values(), key=lambda c: (c.order, c.name)))

    def for_plugin(self, plugin):
        return [ct for ct in self if ct.plugin == plugin]


@dataclass
class Registry:
    """The platform's start-up state, reachable as ``registry.lk``."""
    #: every installed plugin, with per-organisation scoped hook callers
    plugins: Plugins
    #: content types by name and by container
    content_types: ContentTypes
    #: role name -> Role, the organisation admin role first
    roles: dict[str, Role]
    #: role name -> name of the plugin that declared it
    role_plugins: dict[str, str]
    #: plugin name -> colander schema of its per-organisation settings
    settings_schemas: dict[str, "colander.Schema"]
    #: the theme chain and its compiled templates (:class:`lk_platform.theming.themes.Themes`)
    themes: Any = None
    #: repoze.sendmail mailer the outbox hands mail to after commit
    mailer: Any = None
    #: seconds after which a session cookie is re-issued
    session_reissue: int = 600
    #: names of evolve steps not yet run on the database
    pending_evolve: list[str] = field(default_factory=list)
    #: the ZODB databases pyramid_zodbconn opened, by name ("" is the main one)
    databases: dict[str, "DB"] = field(default_factory=dict)
    #: the platform ACL, built once (:mod:`lk_platform.auth.security`)
    platform_acl: Any = None
    #: locale -> Localizer over every registered catalog (:func:`lk_platform.i18n.localizer_for`)
    localizers: dict = field(default_factory=dict)

    @property
    def database(self) -> "DB":
        """The main ZODB database."""
        return self.databases[""]


def collect(plugins: Plugins, admin_role) -> Registry:
    """Gather every plugin's declarations; clashing names fail start-up.
    ``admin_role(declared_roles)`` builds the organisation admin role."""
    types = ContentTypes()
    for plugin, batch in plugins.per_plugin("lk_content_types"):
        for ct in batch:
            types.add(replace(ct, plugin=None if plugin == "core" else plugin), plugin)
    roles = {}
    for plugin, batch in plugins.per_plugin("lk_roles"):
        for role in batch:
            if role.name in roles and roles[role.name][0] != plugin:
                raise PluginClash("role %r is declared by both %r and %r" % (role.name, roles[role.name][0], plugin))
            roles[role.name] = (plugin, role)
    declared = [r for _p, r in roles.values()]
    admin = admin_role(declared)
    return Registry(
        plugins=plugins, content_types=types,
        roles={admin.name: admin, **{r.name: r for r in declared}},
        role_plugins={name: p for name, (p, _r) in roles.items()},
        settings_schemas=dict(plugins.per_plugin("lk_settings_schema")))
