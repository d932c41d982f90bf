"""Residents' appeals (обращения): the plugin's hooks.

A resident opens an appeal for one of their accounts (category, subject,
text, photos or PDF); residents and staff correspond in it; staff work a
queue with SLA deadlines in the organisation's working calendar; the
resident is e-mailed about answers and may rate the resolution.
"""
from __future__ import annotations

import colander

import lk_platform
from lk_platform.model.stamps import changes
from lk_platform.plugins.declarations import ContentType, MenuItem, PluginInfo, Role, Widget

from . import queue
from .appeal import RIGHT, Appeal
from .category import MANAGE, Category, CategorySchema, seed_categories
from .settings import AppealSettingsSchema

CONFIGURE = "appeals.configure"


def appeal_schema():
    """Appeals are created and changed only through their own pages; the
    generated admin lists them with these columns."""
    schema = colander.Schema()
    for name, title in (("subject", "Тема"), ("status", "Статус"), ("category_title", "Категория"),
                        ("account", "Лицевой счёт"), ("author_name", "Житель"), ("created", "Создано")):
        schema.add(colander.SchemaNode(colander.String(), name=name, title=title, missing=""))
    return schema


@lk_platform.hookimpl
def lk_plugin_info():
    return PluginInfo(title="Обращения жителей",
                      description="Обращения с перепиской и фото, очередь специалистов, сроки в рабочих днях, "
                                  "оценка и отчёт")


@lk_platform.hookimpl
def lk_content_types():
    return [
        ContentType(name="appeal_category", title="Категория обращений", title_plural="Категории обращений",
                    factory=Category, schema=CategorySchema, container="appeal_categories",
                    columns=("title", "sla_first_hours", "sla_resolution_days", "order", "active"),
                    searchable=("title", "description"), order=60,
                    permissions={"view": CONFIGURE, "add": CONFIGURE, "edit": CONFIGURE, "delete": CONFIGURE}),
        ContentType(name="appeal", title="Обращение", title_plural="Обращения жителей", factory=Appeal,
                    schema=appeal_schema, container="appeals", addable=False,
                    columns=("subject", "status", "category_title", "account", "created"),
                    searchable=("subject",), order=61,
                    permissions={"view": MANAGE, "add": MANAGE, "edit": MANAGE, "delete": MANAGE}),
    ]


@lk_platform.hookimpl
def lk_roles():
    return [
        Role("appeals_operator", "Специалист по обращениям", ("admin.view", MANAGE),
             description="Отвечает на обращения, меняет статусы и исполнителей, выгружает отчёт"),
        Role("appeals_head", "Руководитель по обращениям", ("admin.view", MANAGE, CONFIGURE),
             description="То же и настройка категорий, маршрутов и сроков"),
    ]


@lk_platform.hookimpl
def lk_settings_schema():
    return AppealSettingsSchema()


@lk_platform.hookimpl
def lk_includeme(config):
    config.add_static_view("static/appeals", "lk_appeals:static", cache_max_age=3600)
    config.scan("lk_appeals.views")


@lk_platform.hookimpl
def lk_plugin_enabled(organisation, registry):
    appeals = organisation.container("appeals", "appeal")
    queue.ensure_indexes(appeals)
    seed_categories(organisation)


@lk_platform.hookimpl
def lk_cabinet_menu(request, organisation):
    if organisation is None or request.user is None:
        return []
    return [MenuItem("Обращения", "appeals/", order=40)]


@lk_platform.hookimpl
def lk_admin_menu(request, organisation):
    return [
        MenuItem("Обращения жителей", "appeals/@@queue", order=40, permission=MANAGE),
        MenuItem("Отчёт по обращениям", "appeals/@@report", order=41, permission=MANAGE),
        MenuItem("Категории обращений", "appeal_categories/@@admin", order=42, permission=CONFIGURE),
    ]


@lk_platform.hookimpl
def lk_cabinet_depends(request, organisation, accounts):
    # Every change to an appeal reindexes it, which moves the folder's counter.
    return [changes(organisation.get("appeals"))]


@lk_platform.hookimpl
def lk_dashboard_widgets(request, organisation, accounts):
    folder = organisation.get("appeals")
    login = request.authenticated_userid
    mine = [a for a in accounts if a.has_right(login, RIGHT)]
    if folder is None or not mine or "f_author" not in folder.catalog:
        return []
    query = queue.resident_query(folder, login, [a.number for a in mine], open_only=True)
    total, appeals = queue.run(folder, query, sort="updated", limit=5)
    return [Widget("Обращения", "lk_appeals:templates/widget.pt",
                   {"appeals": appeals, "total": total, "folder": folder,
                    "can_open": any(not a.closed for a in mine)}, order=40)]


@lk_platform.hookimpl
def lk_demo_data(organisation, platform, users):
    from .demo import load
    load(organisation, platform, users)

