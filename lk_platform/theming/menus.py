"""Cabinet and admin menus: the core's items plus the enabled plugins'."""
from __future__ import annotations

from dataclasses import replace

from lk_platform.i18n import _
from lk_platform.model.platform import get_platform
from lk_platform.plugins.declarations import ADMIN_GROUPS, MenuItem

#: Headings of the staff admin's areas (MenuItem.group), in sidebar order.
GROUP_TITLES = {
    "accounts": _("Счета и пользователи"),
    "billing": _("Начисления и оплата"),
    "meters": _("Счётчики"),
    "appeals": _("Обращения"),
    "content": _("Объявления и страницы"),
    "settings": _("Настройки"),
    "": _("Другое"),
}


def _absolute(request, org, item):
    if org is None or "://" in item.url or item.url.startswith("/"):
        return item
    return replace(item, url=request.api.org_url + item.url)


def _collect(request, hookname):
    org = request.organisation
    items = []
    for batch in getattr(request.hooks, hookname)(request=request, organisation=org):
        items.extend(batch or ())
    visible = [i for i in items if not i.permission or (org is not None and request.has_permission(i.permission, org))]
    return [_absolute(request, org, i) for i in sorted(visible, key=lambda i: (i.order, str(i.title)))]


def cabinet_menu(request):
    if request.user is None:
        return []
    return _collect(request, "lk_cabinet_menu")


def admin_menu(request):
    if request.organisation is None:
        return [MenuItem(_("Организации"), request.application_url + "/o/@@admin", 10),
                MenuItem(_("Пользователи"), request.application_url + "/users/@@admin", 20),
                MenuItem(_("Журнал действий"), request.application_url + "/@@audit", 90)] \
            if request.has_permission("operator.manage", _root(request)) else []
    return _collect(request, "lk_admin_menu")


def grouped(items) -> list[tuple[str, object, list]]:
    """``[(group, title, items)]`` in :data:`ADMIN_GROUPS` order, empty areas
    left out; links of no known area come last under "Other"."""
    by_group = {}
    for item in items:
        by_group.setdefault(item.group if item.group in ADMIN_GROUPS else "", []).append(item)
    return [(g, GROUP_TITLES[g], by_group[g]) for g in (*ADMIN_GROUPS, "") if g in by_group]


def _root(request):
    # An error raised before traversal (a refused body) has no request.root.
    return getattr(request, "root", None) or get_platform(request)
