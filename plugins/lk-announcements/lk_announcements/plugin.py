"""Hooks of the ``announcements`` plugin, and nothing else.

The pieces live in modules named for what they hold: ``models`` (stored
objects), ``schemas`` (their forms), ``audience`` (who an announcement is
for), ``feed`` (what a resident sees, read marks), ``mailing`` (e-mail at
publication), ``sanitiser`` (safe formatting), ``documents`` (uploaded
files), ``sections`` (the public page), ``views`` (pages), ``demo``.
"""
from __future__ import annotations

import lk_platform
from lk_platform.model.events import ObjectAdded, ObjectModified
from lk_platform.plugins.declarations import Command, ContentType, MenuItem, PluginInfo, Role

from . import demo, mailing, sections
from .i18n import _
from .models import (
    CONTAINER,
    DOCUMENTS,
    MANAGE,
    PAGES,
    Announcement,
    PublicDocument,
    PublicPage,
    create_containers,
)
from .schemas import AnnouncementSchema, PublicDocumentSchema, PublicPageSchema
from .views import resident, staff

PERMISSIONS = {"view": MANAGE, "add": MANAGE, "edit": MANAGE, "delete": MANAGE}


@lk_platform.hookimpl
def lk_plugin_info():
    return PluginInfo(title=_("Объявления и публичные страницы"),
                      description=_("Объявления жителям (адресные, срочные, с рассылкой по почте), "
                                    "контакты, режим работы, тарифы и документы на странице организации"))


@lk_platform.hookimpl
def lk_content_types():
    return [
        ContentType(name="announcement", title=_("Объявление"), title_plural=_("Объявления"),
                    factory=Announcement, schema=AnnouncementSchema, container=CONTAINER,
                    columns=("title", "importance", "publish_at", "expire_at", "pinned", "target"),
                    searchable=("title", "body"), permissions=PERMISSIONS, order=50),
        ContentType(name="public_page", title=_("Публичная страница"), title_plural=_("Публичные страницы"),
                    factory=PublicPage, schema=PublicPageSchema, container=PAGES,
                    columns=("title", "section", "order", "published"), searchable=("title", "body"),
                    permissions=PERMISSIONS, order=51),
        ContentType(name="public_document", title=_("Документ для всех"), title_plural=_("Документы для всех"),
                    factory=PublicDocument, schema=PublicDocumentSchema, container=DOCUMENTS,
                    columns=("title", "order", "published"), searchable=("title", "description"),
                    permissions=PERMISSIONS, order=52),
    ]


@lk_platform.hookimpl
def lk_roles():
    return [Role("announcements_editor", _("Редактор объявлений и публичных страниц"), ("admin.view", MANAGE),
                 description=_("Пишет объявления жителям, ведёт публичные страницы и документы организации"))]


@lk_platform.hookimpl
def lk_includeme(config):
    config.add_static_view("static/announcements", "lk_announcements:static", cache_max_age=3600)
    config.add_translation_dirs("lk_announcements:locale")
    config.scan("lk_announcements.views")


@lk_platform.hookimpl
def lk_plugin_enabled(organisation, registry):
    create_containers(organisation)


@lk_platform.hookimpl
def lk_cabinet_menu(request, organisation):
    user = request.user
    if organisation is None or user is None or not any(slug == organisation.slug for slug, _n in user.accounts):
        return []
    return [MenuItem(_("Объявления"), CONTAINER + "/", order=15)]


@lk_platform.hookimpl
def lk_admin_menu(request, organisation):
    return [
        MenuItem(_("Объявления"), CONTAINER + "/@@admin", 30, permission=MANAGE, group="content"),
        MenuItem(_("Рассылка объявлений"), CONTAINER + "/@@mailing", 31, permission=MANAGE, group="content"),
        MenuItem(_("Публичные страницы"), PAGES + "/@@admin", 32, permission=MANAGE, group="content"),
        MenuItem(_("Документы для всех"), DOCUMENTS + "/@@admin", 33, permission=MANAGE, group="content"),
    ]


@lk_platform.hookimpl
def lk_cabinet_depends(request, organisation, accounts):
    return resident.dashboard_depends(request, organisation)


@lk_platform.hookimpl
def lk_dashboard_widgets(request, organisation, accounts):
    return resident.dashboard_widgets(request, organisation, accounts)


@lk_platform.hookimpl
def lk_public_sections(request, organisation):
    return sections.sections(organisation)


@lk_platform.hookimpl
def lk_handle_event(request, organisation, event):
    if isinstance(event, (ObjectAdded, ObjectModified)) and event.content_type == "announcement":
        staff.announcement_saved(request, organisation, event.object)


@lk_platform.hookimpl
def lk_demo_data(organisation, platform, users):
    demo.load(organisation, platform, users)


@lk_platform.hookimpl
def lk_commands():
    return [Command("send", _("Разослать наступившие объявления по эл. почте (для cron, раз в несколько минут)"),
                    mailing.send_command)]
