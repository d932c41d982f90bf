"""Residents' appeals (обращения): the plugin's hooks, and nothing else.

A resident opens an appeal for one of their accounts (category, subject,
text, photos or PDF); residents and staff correspond in it; staff work a
queue with SLA deadlines in the organisation's working calendar; the
resident is e-mailed about answers and may rate the resolution.

The pieces live in modules named for what they hold: ``models`` (appeals,
messages, files, categories), ``schemas``, ``roles``, ``routing``
(categories and opening an appeal), ``queue``, ``report``, ``workdays``,
``settings``, ``uploads``, ``mail``, ``events``, ``demo`` and ``views``.
"""
from __future__ import annotations

import lk_platform
from lk_platform.model.stamps import changes
from lk_platform.plugins.declarations import ContentType, MenuItem, PluginInfo, Widget

from . import queue
from .i18n import _
from .models import Appeal, Category
from .roles import CONFIGURE, MANAGE, RIGHT, ROLES
from .routing import seed_categories
from .schemas import CategorySchema, SettingsSchema, appeal_schema


@lk_platform.hookimpl
def lk_plugin_info():
    return PluginInfo(title=_("Обращения жителей"),
                      description=_("Обращения с перепиской и фото, очередь специалистов, сроки в рабочих днях, "
                                    "оценка и отчёт"))


@lk_platform.hookimpl
def lk_content_types():
    configure = {"view": CONFIGURE, "add": CONFIGURE, "edit": CONFIGURE, "delete": CONFIGURE}
    manage = {"view": MANAGE, "add": MANAGE, "edit": MANAGE, "delete": MANAGE}
    return [
        ContentType(name="appeal_category", title=_("Категория обращений"), title_plural=_("Категории обращений"),
                    factory=Category, schema=CategorySchema, container="appeal_categories",
                    columns=("title", "sla_first_hours", "sla_resolution_days", "order", "active"),
                    searchable=("title", "description"), order=60, permissions=configure),
        ContentType(name="appeal", title=_("Обращение"), title_plural=_("Обращения жителей"), factory=Appeal,
                    schema=appeal_schema, container="appeals", addable=False,
                    columns=("subject", "status", "category_title", "account", "created"),
                    searchable=("subject",), order=61, permissions=manage),
    ]


@lk_platform.hookimpl
def lk_roles():
    return list(ROLES)


@lk_platform.hookimpl
def lk_settings_schema():
    return SettingsSchema()


@lk_platform.hookimpl
def lk_includeme(config):
    config.add_static_view("static/appeals", "lk_appeals:static", cache_max_age=3600)
    config.add_translation_dirs("lk_appeals:locale")
    config.scan("lk_appeals.views")


@lk_platform.hookimpl
def lk_plugin_enabled(organisation, registry):
    queue.ensure_indexes(organisation.container("appeals", "appeal"))
    seed_categories(organisation)


@lk_platform.hookimpl
def lk_cabinet_menu(request, organisation):
    if organisation is None or request.user is None:
        return []
    return [MenuItem(_("Обращения"), "appeals/", order=40)]


@lk_platform.hookimpl
def lk_admin_menu(request, organisation):
    return [
        MenuItem(_("Обращения жителей"), "appeals/@@queue", order=40, permission=MANAGE, group="appeals"),
        MenuItem(_("Отчёт по обращениям"), "appeals/@@report", order=41, permission=MANAGE, group="appeals"),
        MenuItem(_("Категории обращений"), "appeal_categories/@@admin", order=42, permission=CONFIGURE,
                 group="appeals"),
    ]


@lk_platform.hookimpl
def lk_cabinet_depends(request, organisation, accounts):
    # Every change to an appeal reindexes it, which moves the folder's counter.
    return [changes(organisation.get("appeals"))]


@lk_platform.hookimpl
def lk_dashboard_widgets(request, organisation, accounts):
    found = queue.open_for_dashboard(organisation.get("appeals"), request.authenticated_userid, accounts, RIGHT)
    if found is None:
        return []
    return [Widget(_("Обращения"), "lk_appeals:templates/widget.pt", found, order=40)]


@lk_platform.hookimpl
def lk_demo_data(organisation, platform, users, registry):
    from .demo import load
    load(organisation, platform, users, registry)
