"""Every hook a plugin can implement, in one place (the hook contract).

A plugin implements only the hooks it needs, as functions named after the
hook and decorated with ``@lk_platform.hookimpl``; ``pm.check_pending()`` at
start-up fails on a misspelt name. A hook is specified here only when the
core calls it. docs/hooks.md documents every hook with an example, and
tests/test_docs.py keeps it in step with this module.

Each hook states **when** the core calls it and **on which plugins**:

* **Start-up hooks** (``lk_plugin_info``, ``lk_content_types``,
  ``lk_roles``, ``lk_settings_schema``, ``lk_evolve_steps``,
  ``lk_includeme``) are called on *every installed* plugin, whatever
  organisation has it enabled, when the application is built. They declare
  things. All of them except ``lk_includeme`` are *declaration* hooks: the
  core calls each plugin's implementation separately
  (:meth:`lk_platform.plugins.manager.Plugins.per_plugin`) to know which plugin
  declared what, so pluggy's call options (``firstresult``, ``tryfirst``,
  ``trylast``, wrappers) do not apply to them. ``lk_commands`` is one too,
  called when the ``lk`` command starts.
* **Per-organisation hooks** (``lk_cabinet_menu``, ``lk_admin_menu``,
  ``lk_dashboard_widgets``, ``lk_account_summary``, ``lk_cabinet_depends``,
  ``lk_public_sections``, ``lk_handle_event``, ``lk_demo_data``) reach only
  the plugins an organisation has enabled (plus the always-enabled ``core``),
  through :meth:`lk_platform.plugins.manager.Plugins.scoped` — ``request.hooks`` is
  that for the request's organisation. Never call them through ``pm.hook``.
* **The enable hook** (``lk_plugin_enabled``) is called on the one plugin
  being enabled, through :meth:`lk_platform.plugins.manager.Plugins.only`.

This module imports nothing of the core at run time: the types in the
signatures are imported for type checkers only.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    import colander
    from pyramid.config import Configurator
    from pyramid.registry import Registry
    from pyramid.request import Request

    from lk_platform.model.accounts import Account
    from lk_platform.model.organisations import Organisation
    from lk_platform.model.platform import Platform
    from lk_platform.model.users import User
    from lk_platform.plugins.declarations import Command, ContentType, EvolveStep, MenuItem, PluginInfo, Role, Widget

hookspec = pluggy.HookspecMarker("lk_platform")


# --- start-up hooks: every installed plugin ---------------------------------

@hookspec
def lk_plugin_info() -> PluginInfo | None:
    """Describe the plugin to operators: its title and description in
    ``lk plugins`` and on an organisation's plugin switches (``@@plugins``).

    :return: A :class:`~lk_platform.plugins.declarations.PluginInfo`. ``version``
        may be left empty: the core fills it in from the distribution's
        metadata. ``always_enabled=True`` makes the plugin on for every
        organisation (no switch). None: the plugin is shown under its
        entry-point name.

    **When:** at start-up, once, as the plugin manager is built
    (:class:`lk_platform.plugins.manager.Plugins`).
    **Plugins:** every installed plugin, each implementation called
    separately; the answer is kept per plugin name.
    """


@hookspec
def lk_content_types() -> Sequence[ContentType] | None:
    """Declare the kinds of object the plugin stores. From each
    :class:`~lk_platform.plugins.declarations.ContentType` (one colander schema) the
    core generates the admin list, view, add, edit, delete and CSV export,
    and creates the type's ``container`` in an organisation when the plugin
    is enabled there.

    :return: The plugin's content types (None or empty: none). Two plugins
        declaring the same type name or container fail start-up, naming both.

    **When:** at start-up, once per process (``make_app``).
    **Plugins:** every installed plugin, each implementation called
    separately (the core records which plugin declared each type).
    """


@hookspec
def lk_roles() -> Sequence[Role] | None:
    """Declare the staff roles an organisation admin can grant.

    :return: :class:`~lk_platform.plugins.declarations.Role` objects (None or empty:
        none). Permission names are ``"<area>.<verb>"``; the organisation
        admin role (``org_admin``) receives every permission any role
        declares. Two plugins declaring one role name fail start-up.

    **When:** at start-up, once per process (``make_app``).
    **Plugins:** every installed plugin, each implementation called
    separately.
    """


@hookspec
def lk_settings_schema() -> colander.Schema | None:
    """Declare the plugin's per-organisation settings. The organisation
    admin edits them with a form generated from the schema
    (``@@plugin-settings/<name>``); the plugin reads them with
    ``organisation.plugin_settings("<name>")``.

    :return: A ``colander.Schema`` *instance* (None: no settings page).

    **When:** at start-up, once per process (``make_app``); the schema is
    kept in ``registry.lk_settings_schemas`` under the plugin's name.
    **Plugins:** every installed plugin, each implementation called
    separately: every plugin has its own settings, so there is no "first
    answer" across plugins.
    """


@hookspec
def lk_evolve_steps() -> Sequence[EvolveStep] | None:
    """Declare data migrations for stored data a new version changes.

    :return: :class:`~lk_platform.plugins.declarations.EvolveStep` objects (None or
        empty: none). Step names are global: prefix them with the plugin's
        name (``"faq:001-add-order"``). Steps run once per database, in
        ``(order, name)`` order, each in its own transaction; a freshly
        created database records all of them as done.

    **When:** at start-up (pending steps are logged and listed by
    ``/health``), when a new database is created, and by ``lk evolve``,
    which runs the pending ones.
    **Plugins:** every installed plugin, each implementation called
    separately.
    """


@hookspec
def lk_includeme(config: Configurator) -> None:
    """Configure Pyramid as an ``includeme`` would: views, static views,
    translation directories. Every view must carry the ``plugin="<name>"``
    predicate (it answers 404 where the plugin is off) and a
    ``permission``.

    :param config: The application's Pyramid configurator, after the core's
        own views are registered and committed.

    **When:** at start-up, once per process (``make_app``).
    **Plugins:** every installed plugin, enabled for any organisation or
    none, in one ordinary pluggy call (``pm.hook.lk_includeme``).
    """


@hookspec
def lk_commands() -> Sequence[Command] | None:
    """Declare the plugin's commands of ``lk``, for cron jobs and operators:
    each runs as ``lk -c INI <plugin> <command> [options]``.

    :return: :class:`~lk_platform.plugins.declarations.Command` objects
        (None or empty: none). ``run(args, platform, request)`` gets the
        parsed options, the platform opened in a transaction the CLI commits
        when ``run`` returns, and a request made outside HTTP (links from
        ``lk.public_url``, mail through the outbox).

    **When:** when the ``lk`` command starts, before it parses its arguments.
    **Plugins:** every installed plugin, each implementation called
    separately; the commands are grouped under the plugin's name.
    """


# --- the enable hook: only the plugin being enabled --------------------------

@hookspec
def lk_plugin_enabled(organisation: Organisation, registry: Registry) -> None:
    """Prepare an organisation for the plugin: create its containers (the
    content types' containers are also created by the core), indexes and
    default settings. Must be idempotent: it runs again each time the plugin
    is enabled (also after an upgrade), and must keep existing data.

    :param organisation: The organisation the plugin is being enabled for.
    :param registry: The application registry (declarations:
        ``registry.lk_content_types``, ``registry.lk_roles``...).

    **When:** in the transaction that enables the plugin for
    ``organisation``: the operator's ``@@plugins`` page and new-organisation
    form, ``lk org enable``, and ``lk demo`` for the demo organisations. The
    core's own implementation runs when an organisation is created.
    **Plugins:** only the plugin being enabled
    (``Plugins.only(name)``), not through ``request.hooks``.
    """


# --- per-organisation hooks: the organisation's enabled plugins ---------------

@hookspec
def lk_cabinet_menu(request: Request, organisation: Organisation | None) -> Sequence[MenuItem] | None:
    """Add links to the resident cabinet's menu.

    :param request: The current request (``request.user`` is logged in).
    :param organisation: The request's organisation; None on the platform's
        own pages (then only always-enabled plugins are called).

    :return: :class:`~lk_platform.plugins.declarations.MenuItem` objects, URLs
        relative to the organisation (None or empty: none). The menu is
        rendered once per organisation, user, roles and theme and reused,
        so the items must depend on nothing else.

    **When:** per request, rendering a page's menu for a logged-in user.
    **Plugins:** the enabled plugins of the request's organisation
    (``request.hooks``), in one pluggy call.
    """


@hookspec
def lk_admin_menu(request: Request, organisation: Organisation) -> Sequence[MenuItem] | None:
    """Add links to the staff admin's menu.

    :param request: The current request.
    :param organisation: The organisation being administered (never None:
        the platform's own admin menu is the core's).

    :return: :class:`~lk_platform.plugins.declarations.MenuItem` objects, URLs
        relative to the organisation (None or empty: none). Items with a
        ``permission`` the staff member lacks in ``organisation`` are hidden
        by the core.

    **When:** per request, rendering an organisation's admin pages.
    **Plugins:** the enabled plugins of the request's organisation
    (``request.hooks``), in one pluggy call.
    """


@hookspec
def lk_dashboard_widgets(request: Request, organisation: Organisation,
                         accounts: Sequence[Account]) -> Sequence[Widget] | None:
    """Add blocks to the resident's dashboard (balance, meters due,
    announcements, open appeals...).

    :param request: The current request (a logged-in resident).
    :param organisation: One organisation the resident has accounts at.
    :param accounts: The resident's accounts at ``organisation`` (held or
        delegated).

    :return: :class:`~lk_platform.plugins.declarations.Widget` objects (None or
        empty: none); the template defines the macro ``widget``.

    **When:** per request, building the dashboard (``/cabinet`` on the
    platform or an organisation), once per organisation the resident has
    accounts at. A plugin implementing this hook must implement
    :func:`lk_cabinet_depends` too, or those dashboards are never cached.
    **Plugins:** the enabled plugins of ``organisation``
    (``Plugins.scoped``; not ``request.hooks``, since one dashboard spans
    organisations), each called separately: one that fails loses only its
    own widgets.
    """


@hookspec
def lk_account_summary(request: Request, organisation: Organisation,
                       account: Account) -> Mapping[str, object] | None:
    """Add figures to an account's line in the dashboard summary.

    :param request: The current request (a logged-in resident).
    :param organisation: The organisation ``account`` belongs to.
    :param account: One of the resident's accounts at ``organisation``.

    :return: A mapping of label to value merged into the account's summary,
        e.g. ``{"Задолженность": Decimal("120.50")}`` (None or empty:
        nothing). ``Decimal`` values under the same label are totalled
        across all the resident's accounts.

    **When:** per request, building the dashboard, once per account.
    **Plugins:** the enabled plugins of ``organisation``
    (``Plugins.scoped``), each called separately.
    """


@hookspec
def lk_cabinet_depends(request: Request, organisation: Organisation,
                       accounts: Sequence[Account]) -> Sequence[object] | None:
    """Name what this plugin's dashboard widgets and summaries for
    ``accounts`` are made of, so the page cache can serve the dashboard
    again while none of it changed. Must be much cheaper than the widgets.

    :param request: The current request (a logged-in resident).
    :param organisation: One organisation the resident has accounts at.
    :param accounts: The resident's accounts at ``organisation``.

    :return: Persistent objects (their committed state is compared; a
        folder's or an account's change counter from
        :func:`lk_platform.model.stamps.changes` stands for its contents) and
        plain hashable values (a login, ``Until(seconds)`` for something
        scheduled). An empty list: nothing of this plugin's. None: render
        the dashboard afresh.

    **When:** per request, before the dashboard is rendered, once per
    organisation the resident has accounts at. While nothing listed (nor the
    user, accounts, organisation and its settings) changed, the dashboard is
    served from :mod:`lk_platform.caching.pagecache`; a plugin that adds widgets or
    summaries without implementing this hook keeps those dashboards
    uncached, which is always correct.
    **Plugins:** the enabled plugins of ``organisation``
    (``Plugins.scoped``), each called separately.
    """


@hookspec
def lk_public_sections(request: Request, organisation: Organisation) -> Sequence[Widget] | None:
    """Add sections to the organisation's public page (contacts, schedule,
    tariffs, documents), readable without logging in.

    :param request: The current request, possibly anonymous.
    :param organisation: The organisation whose public page is shown.

    :return: :class:`~lk_platform.plugins.declarations.Widget` objects (None or
        empty: none); the template defines the macro ``widget``.

    **When:** per request, rendering the organisation's public page.
    **Plugins:** the enabled plugins of the request's organisation
    (``request.hooks``), each called separately.
    """


@hookspec
def lk_handle_event(request: Request, organisation: Organisation | None, event: object) -> None:
    """React to something that happened, inside the same transaction; send
    mail only through the outbox.

    :param request: The request in which it happened.
    :param organisation: The organisation it happened in; None for a login
        on the platform's own address (then only always-enabled plugins
        are called).
    :param event: An instance of a class in :mod:`lk_platform.model.events`
        (``ObjectAdded``, ``ObjectModified``, ``ObjectRemoved`` from the
        generated admin, ``UserLoggedIn``), or a plugin's own event class.
        Ignore events you do not know.

    **When:** per request, each time the core (or a plugin) calls
    :func:`lk_platform.model.events.notify`.
    **Plugins:** the enabled plugins of ``organisation``
    (``Plugins.scoped``), in one pluggy call.
    """


@hookspec
def lk_demo_data(organisation: Organisation, platform: Platform, users: Mapping[str, User],
                 registry: Registry) -> None:
    """Add the plugin's demo objects. Must be idempotent: the demo is loaded
    again over an existing demo database.

    :param organisation: A demo organisation.
    :param platform: The platform root (organisations, users).
    :param users: The demo users by login (``"ivanov"``, ``"admin.vodokanal"``...).
    :param registry: Pyramid's registry; ``registry.lk`` holds the declared
        roles and content types (e.g. for ``grant_role`` to a demo staff member).

    **When:** at ``lk demo`` (and ``lk serve``/``make run`` with
    ``lk.demo = true``), once per demo organisation, after its plugins are
    enabled and the demo users and accounts exist.
    **Plugins:** the enabled plugins of ``organisation``
    (``Plugins.scoped``, no request), in one pluggy call.
    """
