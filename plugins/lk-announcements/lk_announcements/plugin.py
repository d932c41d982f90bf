"""Hooks of the ``announcements`` plugin."""
from __future__ import annotations

import time

import lk_platform
from lk_platform.caching.rendercache import Until
from lk_platform.model.events import ObjectAdded, ObjectModified
from lk_platform.model.platform import get_platform
from lk_platform.model.stamps import changes
from lk_platform.plugins.declarations import Command, ContentType, MenuItem, PluginInfo, Role, Widget

from . import demo, feed, mailing, public
from .announcements import CONTAINER, INDEX_FIELDS, INDEX_KEYWORDS, Announcement, AnnouncementSchema
from .public import DOCUMENTS, PAGES, PublicDocument, PublicDocumentSchema, PublicPage, PublicPageSchema

NAME = "announcements"
MANAGE = "announcements.manage"
PERMISSIONS = {"view": MANAGE, "add": MANAGE, "edit": MANAGE, "delete": MANAGE}
WIDGET_ITEMS = 5


@lk_platform.hookimpl
def lk_plugin_info():
    return PluginInfo(title="Объявления и публичные страницы",
                      description="Объявления жителям (адресные, срочные, с рассылкой по почте), "
                                  "контакты, режим работы, тарифы и документы на странице организации")


@lk_platform.hookimpl
def lk_content_types():
    return [
        ContentType(name="announcement", title="Объявление", title_plural="Объявления",
                    factory=Announcement, schema=AnnouncementSchema, container=CONTAINER,
                    columns=("title", "importance", "publish_at", "expire_at", "pinned", "target"),
                    searchable=("title", "body"), permissions=PERMISSIONS, order=50),
        ContentType(name="public_page", title="Публичная страница", title_plural="Публичные страницы",
                    factory=PublicPage, schema=PublicPageSchema, container=PAGES,
                    columns=("title", "section", "order", "published"), searchable=("title", "body"),
                    permissions=PERMISSIONS, order=51),
        ContentType(name="public_document", title="Документ для всех", title_plural="Документы для всех",
                    factory=PublicDocument, schema=PublicDocumentSchema, container=DOCUMENTS,
                    columns=("title", "order", "published"), searchable=("title", "description"),
                    permissions=PERMISSIONS, order=52),
    ]


@lk_platform.hookimpl
def lk_roles():
    return [Role("announcements_editor", "Редактор объявлений и публичных страниц", ("admin.view", MANAGE),
                 description="Пишет объявления жителям, ведёт публичные страницы и документы организации")]


@lk_platform.hookimpl
def lk_includeme(config):
    config.add_static_view("static/announcements", "lk_announcements:static", cache_max_age=3600)
    config.scan("lk_announcements.views")


@lk_platform.hookimpl
def lk_plugin_enabled(organisation, registry):
    folder = organisation.container(CONTAINER, "announcement")
    folder.ensure_indexes(fields=INDEX_FIELDS, keywords=INDEX_KEYWORDS, text=True)
    feed.read_marks(folder, create=True)
    organisation.container(PAGES, "public_page").ensure_indexes(fields=("order", "published"), text=True)
    organisation.container(DOCUMENTS, "public_document").ensure_indexes(fields=("order", "published"), text=True)
    accounts = organisation.get("accounts")
    if accounts is not None:
        # Targeting by building/street and by service is answered from these.
        accounts.ensure_indexes(fields=("building_key",), keywords=("services",))


@lk_platform.hookimpl
def lk_cabinet_menu(request, organisation):
    user = request.user
    if organisation is None or user is None or not any(slug == organisation.slug for slug, _n in user.accounts):
        return []
    return [MenuItem("Объявления", CONTAINER + "/", order=15)]


@lk_platform.hookimpl
def lk_admin_menu(request, organisation):
    return [
        MenuItem("Объявления", CONTAINER + "/@@admin", 30, permission=MANAGE),
        MenuItem("Рассылка объявлений", CONTAINER + "/@@mailing", 31, permission=MANAGE),
        MenuItem("Публичные страницы", PAGES + "/@@admin", 32, permission=MANAGE),
        MenuItem("Документы для всех", DOCUMENTS + "/@@admin", 33, permission=MANAGE),
    ]


@lk_platform.hookimpl
def lk_cabinet_depends(request, organisation, accounts):
    folder = feed.folder_of(organisation)
    if folder is None or request.user is None:
        return []
    marks = feed.read_marks(folder)
    # Until the next minute: a scheduled announcement appears (or expires) on time.
    return [changes(folder), marks.counter(request.user.login) if marks is not None else folder,
            Until(int(time.time()) // 60 * 60 + 60)]


@lk_platform.hookimpl
def lk_dashboard_widgets(request, organisation, accounts):
    folder = feed.folder_of(organisation)
    if folder is None or request.user is None:
        return []
    now = organisation.now()
    total, items = feed.visible(folder, accounts, now, limit=WIDGET_ITEMS)
    if not total:
        return []
    login = request.user.login
    data = {"items": items, "unread": feed.unread_names(folder, login, items),
            "unread_count": feed.unread_count(folder, accounts, login, now),
            "list_url": request.resource_url(folder), "total": total}
    # An outage notice comes before any other block of the organisation.
    order = 5 if any(a.urgent for a in items) else 40
    return [Widget("Объявления", "lk_announcements:templates/widget.pt", data, order=order)]


@lk_platform.hookimpl
def lk_public_sections(request, organisation):
    return public.sections(organisation)


@lk_platform.hookimpl
def lk_handle_event(request, organisation, event):
    if not isinstance(event, (ObjectAdded, ObjectModified)) or event.content_type != "announcement":
        return
    announcement = event.object
    if announcement.mail_pending is not True:
        return
    now = organisation.now()
    if announcement.publish_at is None or announcement.publish_at > now:
        request.session.flash("Письма жителям уйдут в %s (время публикации)."
                              % request.api.format_datetime(announcement.publish_at))
        return
    if announcement.active_until <= now:
        message = "Срок показа уже истёк — письма не отправлены."
    else:
        message = None
    sent = mailing.send_now(request, get_platform(request), organisation, announcement, now)
    request.session.flash(message or ("Объявление разослано по эл. почте: писем %d." % sent if sent else
                                      "Адресатов с эл. почтой не нашлось — письма не отправлены."))


@lk_platform.hookimpl
def lk_demo_data(organisation, platform, users):
    demo.load(organisation, platform, users)


@lk_platform.hookimpl
def lk_commands():
    return [Command("send", "Разослать наступившие объявления по эл. почте (для cron, раз в несколько минут)",
                    mailing.send_command)]
