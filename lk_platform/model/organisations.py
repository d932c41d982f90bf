"""Organisations: the tenants. Each holds its containers, staff roles,
settings per plugin and an audit log; a sub-organisation's ``__parent__``
is its parent organisation, so the parent's staff roles reach it too."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from BTrees.OOBTree import OOBTree

from lk_platform.model.auditlog import AuditLog
from lk_platform.model.content import Content
from lk_platform.model.customfields import list_columns
from lk_platform.model.folders import Folder


class Organisation(Content):
    type_name = "organisation"
    searchable_fields = ("title", "legal_name", "inn", "slug")

    title = ""
    legal_name = ""
    inn = ""
    kpp = ""
    phone = ""
    email = ""
    address = ""
    timezone = "Europe/Moscow"
    enabled_plugins: tuple = ()
    theme = "default"
    brand_name = ""
    primary_color = "#1f5fa8"
    accent_color = "#f2a900"
    footer = ""
    logo = None  # a lk_platform.util.files.StoredFile
    hosts: tuple = ()

    def __init__(self, **values):
        self._containers = OOBTree()
        self.staff = OOBTree()       # login -> tuple of role names
        self._settings = OOBTree()   # plugin name -> dict of settings
        self.audit = AuditLog()
        super().__init__(**values)

    @property
    def slug(self):
        return self.__name__

    # Sub-organisations are stored flat in the organisations folder (slugs are
    # global, lookups stay O(log n)), but a sub-organisation's __parent__ is its
    # parent organisation: URLs read /o/<parent>/<sub>/ and the parent's staff
    # roles reach it through the lineage.
    subs: tuple = ()

    @property
    def parent_organisation(self):
        parent = self.__parent__
        return parent if isinstance(parent, Organisation) else None

    @property
    def organisations_folder(self):
        node = self.__parent__
        while isinstance(node, Organisation):
            node = node.__parent__
        return node

    def suborganisations(self):
        folder = self.organisations_folder
        return [folder[s] for s in self.subs if s in folder]

    # -- containers ----------------------------------------------------------
    def __getitem__(self, name):
        folder = self._containers.get(name) if isinstance(name, str) else None
        if folder is not None:
            return folder
        if name in self.subs:
            return self.organisations_folder[name]
        raise KeyError(name)

    def get(self, name, default=None):
        return self._containers.get(name, default) if isinstance(name, str) else default

    def __contains__(self, name):
        return name in self._containers

    def container(self, name, content_type=None, title=""):
        """The named container, created on first use."""
        folder = self._containers.get(name)
        if folder is None:
            folder = Folder(name, content_type, title)
            folder.__parent__ = self
            self._containers[name] = folder
        return folder

    def container_names(self):
        return list(self._containers.keys())

    # -- settings and time ------------------------------------------------------
    def plugin_settings(self, plugin: str) -> dict:
        return dict(self._settings.get(plugin, {}))

    def set_plugin_settings(self, plugin: str, values: dict):
        if dict(self._settings.get(plugin, {})) != values:
            self._settings[plugin] = dict(values)

    def is_enabled(self, plugin: str) -> bool:
        return plugin in self.enabled_plugins

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone or "Europe/Moscow")

    def now(self) -> dt.datetime:
        return dt.datetime.now(self.tz)

    def localize(self, moment: dt.datetime) -> dt.datetime:
        return moment.astimezone(self.tz)

    @property
    def display_name(self):
        return self.brand_name or self.title or self.slug


def find_organisation(resource):
    """The nearest organisation in ``resource``'s lineage, or None."""
    while resource is not None:
        if isinstance(resource, Organisation):
            return resource
        resource = getattr(resource, "__parent__", None)
    return None


class UnknownPlugin(ValueError):
    pass


def create_organisation(platform, registry, slug: str, title: str, parent: str | None = None, **values):
    """Add an organisation (or a sub-organisation of ``parent``) with the
    core's containers. Raises KeyError if the slug is taken."""
    folder = platform.organisations
    parent_org = folder[parent] if parent else None
    org = Organisation(title=title, **values)
    folder.add(org, slug)
    folder.ensure_indexes(**ORG_INDEXES)
    if parent_org is not None:
        org.__parent__ = parent_org
        parent_org.subs = parent_org.subs + (slug,)
    registry.lk.plugins.only("core").lk_plugin_enabled(organisation=org, registry=registry)
    ensure_type_indexes(org, registry, "core")
    return org


#: the operator's organisation list sorts by title and searches the text
ORG_INDEXES = dict(fields=("title", "inn"), text=True)


def ensure_type_indexes(org, registry, plugin):
    """Indexes for every list column (custom fields included) and the text
    of each content type ``plugin`` declares. Created when a plugin is
    enabled or a custom field added, never by a page view."""
    for ct in registry.lk.content_types:
        if (ct.plugin or "core") == plugin and ct.container in org:
            org[ct.container].content_type = ct.name
            org[ct.container].ensure_indexes(fields=list_columns(ct, org), text=True)


def enable_plugin(org, registry, name: str):
    plugins = registry.lk.plugins
    if name not in plugins.optional:
        raise UnknownPlugin(name)
    if name not in org.enabled_plugins:
        org.enabled_plugins = tuple(sorted(set(org.enabled_plugins) | {name}))
    # Idempotent: also re-creates containers a plugin added in a new version.
    before = set(org.container_names())
    plugins.only(name).lk_plugin_enabled(organisation=org, registry=registry)
    for ct in registry.lk.content_types.for_plugin(name):
        org.container(ct.container, ct.name)
    ensure_type_indexes(org, registry, name)
    for created in set(org.container_names()) - before:
        # Remembered so the admin can name data left by a plugin that is later uninstalled.
        if isinstance(org.get(created), Folder):
            org.get(created).plugin = name


def disable_plugin(org, registry, name: str):
    """Switch the plugin off; its data stays where it is."""
    if name not in registry.lk.plugins.names and name not in org.enabled_plugins:
        raise UnknownPlugin(name)
    if name in org.enabled_plugins:
        org.enabled_plugins = tuple(p for p in org.enabled_plugins if p != name)
