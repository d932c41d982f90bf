"""The audit log: an organisation's at ``/o/<slug>/@@audit`` (staff with
``audit.view``), the platform's own (operator actions, CLI) at ``/@@audit``.
Newest first, filtered by who and by action prefix, times in the
organisation's zone."""
from __future__ import annotations

from urllib.parse import urlencode

from pyramid.view import view_config

from lk_platform.i18n import _
from lk_platform.model.organisations import Organisation
from lk_platform.model.platform import Platform, get_platform
from lk_platform.model.users import normalise_login
from lk_platform.util.paging import page_number

PAGE_SIZE = 50

#: labels for action codes and prefixes (the code itself is shown too)
ACTION_LABELS = {
    "add:": _("Добавление"),
    "edit:": _("Изменение"),
    "delete:": _("Удаление"),
    "export:": _("Выгрузка"),
    "user.add": _("Пользователь создан"),
    "user.edit": _("Данные пользователя изменены"),
    "user.email-change": _("Новый адрес эл. почты ждёт подтверждения"),
    "user.email-confirm": _("Адрес эл. почты подтверждён"),
    "user.email-cancel": _("Смена адреса эл. почты отменена"),
    "user.block": _("Пользователь заблокирован"),
    "user.unblock": _("Пользователь разблокирован"),
    "user.reset": _("Отправлена ссылка для смены пароля"),
    "user.password": _("Пароль изменён"),
    "user.link": _("Счёт привязан"),
    "user.unlink": _("Счёт отвязан"),
    "user.grant": _("Роль назначена"),
    "user.revoke": _("Роль снята"),
    "org.": _("Организация"),
}


def action_label(action: str):
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    for prefix, label in ACTION_LABELS.items():
        if prefix.endswith((":", ".")) and action.startswith(prefix):
            return label
    return ""


def audit_page(request, log, base_url, organisation=None):
    who = normalise_login(request.GET.get("who", ""))[:64]
    action = request.GET.get("action", "").strip()[:64]
    page = page_number(request.GET)
    # One entry more than a page tells whether a next page exists without
    # counting a filtered log.
    entries = log.page(offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE + 1, who=who or None,
                       action=action or None)
    has_next = len(entries) > PAGE_SIZE

    def link(p):
        q = {"who": who, "action": action, "page": p if p > 1 else ""}
        query = urlencode({k: v for k, v in q.items() if v})
        return base_url + ("?" + query if query else "")

    return {"entries": entries[:PAGE_SIZE], "who": who, "action": action, "page": page, "has_next": has_next,
            "link": link, "base_url": base_url, "total": len(log), "label": action_label,
            "organisation": organisation, "page_title": _("Журнал действий")}


@view_config(context=Organisation, name="audit", permission="audit.view", renderer="admin/audit.pt",
             request_method=("GET", "HEAD"))
def organisation_audit(context, request):
    return audit_page(request, context.audit, request.resource_url(context, "@@audit"), context)


@view_config(context=Platform, name="audit", permission="operator.manage", renderer="admin/audit.pt",
             request_method=("GET", "HEAD"))
def platform_audit(context, request):
    return audit_page(request, get_platform(request).audit, request.resource_url(context, "@@audit"))
