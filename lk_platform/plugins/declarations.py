"""Value objects that plugins hand to the core through hooks.

They are plain frozen dataclasses so a plugin can build them without touching
the core's internals, and the core can compare and cache them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence


@dataclass(frozen=True)
class PluginInfo:
    """What ``lk plugins`` and the operator's plugin switches show."""
    title: str
    description: str = ""
    version: str = ""
    #: A plugin that is always on (the core's own, or an infrastructure plugin).
    always_enabled: bool = False


@dataclass(frozen=True)
class Role:
    """A staff role an organisation admin can grant.

    ``permissions`` are the permission names the role gives inside the
    organisation (and its sub-organisations). Permission names are
    ``"<area>.<verb>"`` strings, e.g. ``"meters.manage"``.
    """
    name: str
    title: str
    permissions: tuple[str, ...]
    description: str = ""


@dataclass(frozen=True)
class ContentType:
    """A stored kind of object with its one colander schema.

    From this single declaration the core generates the admin list (paginated,
    sortable, searchable), view, add, edit, delete, CSV export, validation and
    (later) the REST payloads.

    - ``name``: unique over all plugins (``"meter"``); clashes fail at start-up.
    - ``factory``: a subclass of :class:`lk_platform.model.content.Content`.
    - ``schema``: a callable returning a fresh ``colander.Schema`` instance;
      the core binds ``request``, ``context`` and ``organisation`` into it.
    - ``container``: the name of the folder inside each organisation that holds
      the objects (``"meters"``); the folder is created when the plugin is
      enabled for the organisation.
    - ``columns``: schema field names shown in the admin list (sortable).
    - ``searchable``: field names whose text feeds the full-text index.
    - ``key``: optional callable ``(values) -> str`` giving the object's name in
      its folder (e.g. an account number); default is a generated number.
    - ``permissions``: mapping with ``view``, ``add``, ``edit``, ``delete``.
    - ``addable``: False for types only importers or cabinet pages create.
    """
    name: str
    title: str
    factory: type
    schema: Callable[[], Any]
    container: str
    title_plural: str = ""
    columns: Sequence[str] = ()
    searchable: Sequence[str] = ()
    key: Callable[[Mapping[str, Any]], str] | None = None
    permissions: Mapping[str, str] = field(default_factory=dict)
    addable: bool = True
    plugin: str | None = None  # filled in by the core from the registering plugin
    order: int = 100

    def permission(self, action: str) -> str:
        default = {"view": "admin.view"}.get(action, "admin.edit")
        return self.permissions.get(action, default)


@dataclass(frozen=True)
class MenuItem:
    """A link in the cabinet or admin menu. ``url`` is absolute or relative to
    the organisation (``"meters/readings"``). ``group`` places a staff admin
    link in one of :data:`ADMIN_GROUPS` (the sidebar shows it under that
    heading); cabinet links leave it empty."""
    title: str
    url: str
    order: int = 100
    icon: str = ""
    permission: str | None = None
    group: str = ""


#: The staff admin's areas, in the sidebar's order: accounts and users,
#: billing, meters, appeals, content, settings.
ADMIN_GROUPS = ("accounts", "billing", "meters", "appeals", "content", "settings")


@dataclass(frozen=True)
class Widget:
    """A dashboard block: ``template`` is an asset spec rendered with ``data``
    merged into the template namespace."""
    title: str
    template: str
    data: Mapping[str, Any] = field(default_factory=dict)
    order: int = 100


@dataclass(frozen=True)
class EvolveStep:
    """A named, ordered data migration. ``run(root, registry)`` changes the
    stored data; it runs once per database and is recorded by ``name``."""
    name: str
    title: str
    run: Callable[..., None]
    order: int = 100


@dataclass(frozen=True)
class Command:
    """A plugin's command of ``lk``: ``lk -c INI <plugin> <name> [options]``.

    ``arguments(parser)`` adds the command's options to its argparse parser.
    ``run(args, platform, request)`` gets the parsed options, the platform
    opened in a transaction that the CLI commits when ``run`` returns (and
    aborts when it raises) and a request made outside HTTP (links from
    ``lk.public_url``, mail through the outbox, ``request.tm`` the
    transaction's manager, to commit in batches). Its return value is the
    exit status (None is 0)."""
    name: str
    help: str
    run: Callable
    arguments: Callable | None = None
