"""Every hook a plugin can implement, in one place.

Two kinds of hooks, kept apart:

* **Start-up hooks** are called once per process on *every installed* plugin,
  whatever organisation has it enabled: they declare things (content types,
  roles, views, evolve steps). Views they add must carry the ``plugin="<name>"``
  predicate so they answer 404 where the plugin is off.
* **Per-request hooks** are called through ``request.hooks`` (or
  :func:`lk_platform.plugins.hooks_for`), which only reaches the plugins the
  organisation has enabled. Never call them through ``pm.hook`` directly.

A plugin implements only the hooks it needs, with ``@lk_platform.hookimpl``.
"""
import pluggy

hookspec = pluggy.HookspecMarker("lk_platform")


# --- start-up hooks --------------------------------------------------------

@hookspec(firstresult=True)
def lk_plugin_info():
    """At start-up, per plugin. Return a :class:`~lk_platform.declarations.PluginInfo`
    (title, description, version) shown to operators by ``lk plugins`` and on
    the organisation's plugin switches."""


@hookspec
def lk_includeme(config):
    """At start-up, once. Add views (each with ``plugin="<name>"``), static
    views and anything else a Pyramid ``includeme`` would. Return nothing."""


@hookspec
def lk_content_types():
    """At start-up. Return a list of :class:`~lk_platform.declarations.ContentType`.
    The generated admin, CSV export and API are built from each schema. Two
    plugins declaring the same type name or container fail start-up."""


@hookspec
def lk_roles():
    """At start-up. Return a list of :class:`~lk_platform.declarations.Role`
    that organisation admins can grant to staff. The organisation admin role
    always has every permission a plugin role declares."""


@hookspec
def lk_evolve_steps():
    """At start-up. Return a list of :class:`~lk_platform.declarations.EvolveStep`
    (data migrations). Step names are global, so prefix them with the plugin
    name. A freshly created database records all of them as done."""


@hookspec(firstresult=True)
def lk_settings_schema():
    """At start-up, per plugin. Return a ``colander.Schema`` instance for the
    plugin's per-organisation settings (or None). The admin edits it with a
    generated form; values are read with
    ``organisation.plugin_settings("<name>")``."""


# --- per-organisation hooks (called through request.hooks) -----------------

@hookspec
def lk_plugin_enabled(organisation, registry):
    """When an operator enables the plugin for ``organisation`` (and for every
    organisation at ``lk demo``/``lk org enable``). Create the plugin's
    containers and default settings; must be idempotent. Only the plugin being
    enabled is called."""


@hookspec
def lk_cabinet_menu(request, organisation):
    """Per request, scoped to the organisation's enabled plugins. Return a list
    of :class:`~lk_platform.declarations.MenuItem` for the resident cabinet."""


@hookspec
def lk_admin_menu(request, organisation):
    """Per request, scoped. Return a list of
    :class:`~lk_platform.declarations.MenuItem` for the staff admin. Items with
    a ``permission`` the staff member lacks are hidden by the core."""


@hookspec
def lk_dashboard_widgets(request, organisation, accounts):
    """Per request, scoped. ``accounts`` are the resident's
    :class:`~lk_platform.accounts.Account` objects at ``organisation``. Return
    a list of :class:`~lk_platform.declarations.Widget` (balance, meters due,
    announcements, open appeals...)."""


@hookspec
def lk_account_summary(request, organisation, account):
    """Per request, scoped. Return a dict of figures about ``account`` to merge
    into the dashboard summary, e.g. ``{"balance": Decimal("-120.50")}``;
    Decimal values with the same key are totalled across accounts."""


@hookspec
def lk_cabinet_depends(request, organisation, accounts):
    """Per request, scoped, before the dashboard is rendered. Return a list of
    what this plugin's widgets and summaries for ``accounts`` are made of:
    persistent objects (their committed state is compared; a folder's or an
    account's change counter from :func:`lk_platform.stamps.changes` stands
    for its contents) and plain hashable values (a login, the minute, when
    something scheduled must appear on time). Must be much cheaper than the
    widgets themselves. Return None to have the dashboard rendered afresh.

    While nothing listed (nor the user, accounts, organisation and its
    settings) changed, the dashboard is served from the page cache
    (:mod:`lk_platform.pagecache`). A plugin that adds widgets or summaries
    without implementing this hook keeps the dashboard of its organisations
    uncached, which is always correct."""


@hookspec
def lk_public_sections(request, organisation):
    """Per request, scoped, without login. Return a list of
    :class:`~lk_platform.declarations.Widget` shown on the organisation's
    public page (contacts, schedule, tariffs, documents)."""


@hookspec
def lk_handle_event(request, organisation, event):
    """Per request, scoped: an event happened (``event`` is an instance of a
    class in :mod:`lk_platform.events`, or a plugin's own). React inside the
    same transaction; send mail only through the outbox. Return nothing."""


@hookspec
def lk_demo_data(organisation, platform, users):
    """At ``lk demo``, for each organisation that has the plugin enabled. Add
    demo objects; ``users`` maps demo logins to users. Must be idempotent."""
