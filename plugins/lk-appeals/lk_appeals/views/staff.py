"""The staff's side: the queue with filters, SLA marks and full-text search,
an appeal's page with the answer, note, status and assignment forms, and
the period report. Every staff action goes to the audit log."""
from __future__ import annotations

import datetime as dt

from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config

from lk_platform.i18n import translate as translate_to
from lk_platform.model.audit import audit
from lk_platform.model.folders import Folder
from lk_platform.model.platform import get_platform
from lk_platform.plugins.notify import notify
from lk_platform.util.dates import utcnow

from .. import queue
from ..events import AppealAnswered, AppealStatusChanged
from ..i18n import _
from ..mail import notify_resident
from ..models import STATUSES, TEXT_MAX, TRANSITIONS, Appeal
from ..report import period_bounds, report_response
from ..roles import MANAGE, eligible_staff, roles_of, staff_roles
from ..settings import appeal_settings
from ..uploads import ACCEPT, HINT, read_uploads
from . import actor, base_namespace, display_name, flash, role_label, translate
from .resident import check_text, clean_text, file_errors, translated

REPORT_MAX_DAYS = 3 * 366
#: Statuses an answer may set (closing is a status change of its own).
ANSWER_MOVES = ("in_progress", "waiting", "resolved")


def _folder(organisation):
    return organisation["appeals"]


def due_state(appeal, now, soon_until):
    """``overdue``, ``soon`` or "" for the appeal's running deadline."""
    if appeal.deadline is None:
        return ""
    if appeal.deadline < now:
        return "overdue"
    if appeal.deadline < soon_until:
        return "soon"
    return ""


def owner_label(request, appeal, roles_by_name):
    if appeal.assignee:
        return display_name(request, appeal.assignee)
    if appeal.assignee_role:
        return assignee_label(request, "role:" + appeal.assignee_role, roles_by_name)
    return ""


def assignee_label(request, value, roles_by_name):
    """A recorded assignee (a login or ``role:<name>``) as pages show it."""
    if value.startswith("role:"):
        role = roles_by_name.get(value[5:])
        return translate(request, role_label(role.title if role is not None else value[5:]))
    if value and " " not in value:
        return display_name(request, value)
    return value        # recorded by an older version as text ("роль <name>")


@view_config(context=Folder, name="queue", content_type="appeal", plugin="appeals", permission=MANAGE,
             renderer="lk_appeals:templates/queue.pt")
def queue_page(context, request):
    org = request.organisation
    queue.ensure_indexes(context)
    settings = appeal_settings(org)
    now = utcnow()
    soon_until = settings.calendar.add_work_hours(now, settings.soon_hours)
    flt = queue.QueueFilter.from_params(request.GET)
    login = request.authenticated_userid
    roles = roles_of(login, org)
    common = dict(login=login, roles=roles, now=now, soon_until=soon_until)
    query = queue.staff_query(context, flt, **common)
    total, appeals = queue.run(context, query, sort=flt.sort, offset=(flt.page - 1) * queue.PAGE_SIZE,
                               limit=queue.PAGE_SIZE)
    counts = {
        "open": queue.count(context, queue.staff_query(context, queue.QueueFilter(), **common)),
        "overdue": queue.count(context, queue.staff_query(context, queue.QueueFilter(due="overdue"), **common)),
        "soon": queue.count(context, queue.staff_query(context, queue.QueueFilter(due="soon"), **common)),
        "mine": queue.count(context, queue.staff_query(context, queue.QueueFilter(assignee="me"), **common)),
    }
    categories = org.get("appeal_categories")
    labels = queue.building_labels(context) if hasattr(context, "appeal_buildings") else {}
    roles_by_name = {r.name: r for r in staff_roles(request.registry)}

    def link(**changes):
        return request.resource_url(context, "@@queue", query=flt.params(**changes))

    return dict(
        base_namespace(request), folder=context, appeals=appeals, total=total, flt=flt, counts=counts,
        pages=max(1, (total + queue.PAGE_SIZE - 1) // queue.PAGE_SIZE), link=link, statuses=STATUSES,
        categories=sorted(categories.values(), key=lambda c: (c.order, c.title)) if categories is not None else [],
        staff=[(lg, display_name(request, lg)) for lg in eligible_staff(org, request.registry)],
        buildings=sorted(labels.items(), key=lambda kv: kv[1]),
        due=lambda a: due_state(a, now, soon_until), owner=lambda a: owner_label(request, a, roles_by_name),
        page_title=_("Обращения жителей"))


def manage_namespace(context, request, values=None, errors=None):
    org = request.organisation
    settings = appeal_settings(org)
    now = utcnow()
    soon_until = settings.calendar.add_work_hours(now, settings.soon_hours)
    roles = staff_roles(request.registry)
    roles_by_name = {r.name: r for r in roles}
    account = context.account_object()
    return dict(
        base_namespace(request), appeal=context, messages=context.messages(internal=True),
        history=context.visible_history(internal=True), account=account,
        account_admin=request.resource_url(account, "@@admin") if account is not None else None,
        author_user=get_platform(request).users.get(context.author),
        due=due_state(context, now, soon_until), owner=owner_label(request, context, roles_by_name),
        moves=[(s, STATUSES[s]) for s in TRANSITIONS.get(context.status, ())],
        answer_moves=[(s, STATUSES[s]) for s in TRANSITIONS.get(context.status, ())
                      if s in ANSWER_MOVES],
        staff=[(lg, display_name(request, lg)) for lg in eligible_staff(org, request.registry)],
        roles=[(r.name, r.title) for r in roles], values=values or {}, errors=translated(request, errors or {}),
        accept=ACCEPT, hint=HINT, text_max=TEXT_MAX, display_name=lambda lg: display_name(request, lg),
        assignee=lambda value: assignee_label(request, value, roles_by_name),
        queue_url=request.resource_url(context.__parent__, "@@queue"),
        page_title=_("Обращение № ${number}", mapping={"number": context.number}))


@view_config(context=Appeal, name="manage", plugin="appeals", permission=MANAGE,
             renderer="lk_appeals:templates/manage.pt")
def manage(context, request):
    return manage_namespace(context, request)


def _refused(context, request, status, field, message, values):
    request.response.status = status
    return manage_namespace(context, request, values, {field: message})


def _back(request, context, message):
    flash(request, message)
    return HTTPFound(request.resource_url(context, "@@manage"))


@view_config(context=Appeal, name="answer", plugin="appeals", permission=MANAGE, request_method="POST",
             renderer="lk_appeals:templates/manage.pt")
def answer(context, request):
    org = request.organisation
    text = clean_text(request.POST.get("text", ""))
    status_after = request.POST.get("status", "")
    if status_after == context.status:
        status_after = ""
    values = {"answer_text": text, "answer_status": status_after}
    if context.status == "closed":
        return _refused(context, request, 409, "answer", _("Обращение закрыто — ответить в нём нельзя. "
                        "Заметку для коллег добавить можно."), values)
    errors = {}
    check_text(errors, "answer_text", text, _("Текст ответа"))
    if status_after and status_after not in ANSWER_MOVES:
        errors["answer_status"] = _("С ответом статус можно сменить только на «В работе», «Ждёт ответа жителя» "
                                    "или «Решено»; закрывают обращение сменой статуса.")
    elif status_after and not context.can_move(status_after):
        errors["answer_status"] = _("Из статуса «${old}» нельзя перейти в «${new}».", mapping={
            "old": context.status_title, "new": STATUSES.get(status_after, status_after)})
    uploads, problems = read_uploads(request.POST.getall("files"))
    if problems:
        errors["answer_files"] = file_errors(request, problems)
    if errors:
        request.response.status = 400
        return manage_namespace(context, request, values, errors)
    login, name = actor(request)
    now = utcnow()
    old = context.status
    if context.status == "resolved" and not status_after:
        status_after = "in_progress"   # answering a resolved appeal takes it back into work
    if not status_after and context.status == "new":
        status_after = "in_progress"
    if status_after:
        context.set_status(now, login, name, status_after)
    message = context.add_message(now, login, name, text, uploads, staff=True)
    changes = {"message": (None, text)}
    if context.status != old:
        changes["status"] = (old, context.status)
    if message.attachments:
        changes["files"] = (None, ", ".join(a.filename for a in context.attachments_of(message)))
    audit(request, "appeal:answer", context, changes)
    notify(request, org, AppealAnswered(context, message))
    if context.status != old:
        notify(request, org, AppealStatusChanged(context, old, context.status))
    notify_resident(request, context, message, old)
    return _back(request, context, _("Ответ отправлен жителю."))


@view_config(context=Appeal, name="note", plugin="appeals", permission=MANAGE, request_method="POST",
             renderer="lk_appeals:templates/manage.pt")
def note(context, request):
    text = clean_text(request.POST.get("text", ""))
    errors = {}
    check_text(errors, "note_text", text, _("Заметка"))
    uploads, problems = read_uploads(request.POST.getall("files"))
    if problems:
        errors["note_files"] = file_errors(request, problems)
    if errors:
        request.response.status = 400
        return manage_namespace(context, request, {"note_text": text}, errors)
    login, name = actor(request)
    context.add_message(utcnow(), login, name, text, uploads, staff=True, internal=True)
    audit(request, "appeal:note", context, {"note": (None, text)})
    return _back(request, context, _("Заметка добавлена (жителю не видна)."))


@view_config(context=Appeal, name="status", plugin="appeals", permission=MANAGE, request_method="POST",
             renderer="lk_appeals:templates/manage.pt")
def change_status(context, request):
    org = request.organisation
    new = request.POST.get("status", "")
    comment = clean_text(request.POST.get("comment", ""))
    values = {"status": new, "status_comment": comment}
    errors = {}
    if new not in STATUSES:
        errors["status"] = _("Выберите новый статус.")
    elif not context.can_move(new):
        return _refused(context, request, 409, "status", _("Из статуса «${old}» нельзя перейти в «${new}».", mapping={
            "old": context.status_title, "new": STATUSES[new]}), values)
    if comment:
        check_text(errors, "status_comment", comment, _("Комментарий"))
    if errors:
        request.response.status = 400
        return manage_namespace(context, request, values, errors)
    login, name = actor(request)
    now = utcnow()
    old = context.status
    # The comment goes in first: a closed appeal takes no more messages.
    message = context.add_message(now, login, name, comment, staff=True) if comment else None
    context.set_status(now, login, name, new, comment=comment[:200])
    audit(request, "appeal:status", context, {"status": (old, new), **({"comment": (None, comment)}
                                                                       if comment else {})})
    notify(request, org, AppealStatusChanged(context, old, new))
    if message is not None:
        notify(request, org, AppealAnswered(context, message))
    notify_resident(request, context, message, old)
    return _back(request, context, _("Статус: ${status}.", mapping={"status": context.status_title}))


@view_config(context=Appeal, name="assign", plugin="appeals", permission=MANAGE, request_method="POST",
             renderer="lk_appeals:templates/manage.pt")
def assign(context, request):
    org = request.organisation
    target = request.POST.get("assignee", "")
    staff = eligible_staff(org, request.registry)
    roles = {r.name for r in staff_roles(request.registry)}
    if target.startswith("user:") and target[5:] in staff:
        assignee, role = target[5:], ""
    elif target.startswith("role:") and target[5:] in roles:
        assignee, role = "", target[5:]
    elif target == "":
        assignee, role = "", ""
    else:
        return _refused(context, request, 400, "assign", _("Выберите сотрудника или роль из списка."),
                        {"assignee": target})
    old = context.assignee or context.assignee_role
    login, name = actor(request)
    if context.assign(utcnow(), login, name, assignee, role):
        audit(request, "appeal:assign", context, {"assignee": (old, assignee or role)})
        return _back(request, context, _("Исполнитель изменён."))
    return _back(request, context, _("Исполнитель тот же."))


# The generated admin must not edit or delete appeals: their correspondence
# and history are kept whole. Its links to an appeal lead to this page.
@view_config(context=Appeal, name="admin", plugin="appeals", permission=MANAGE)
@view_config(context=Appeal, name="edit", plugin="appeals", permission=MANAGE)
@view_config(context=Appeal, name="delete", plugin="appeals", permission=MANAGE)
def not_editable(context, request):
    if request.view_name != "admin":
        flash(request, _("Обращения не редактируются и не удаляются: их переписка хранится полностью."))
    return HTTPFound(request.resource_url(context, "@@manage"))


# -- the period report ------------------------------------------------------

def _parse_day(value):
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def report_namespace(context, request, values, errors=None):
    return dict(base_namespace(request), folder=context, values=values, errors=translated(request, errors or {}),
                page_title=_("Отчёт по обращениям"))


@view_config(context=Folder, name="report", content_type="appeal", plugin="appeals", permission=MANAGE,
             renderer="lk_appeals:templates/report.pt")
def report_page(context, request):
    today = request.organisation.now().date()
    return report_namespace(context, request, {"from": today.replace(day=1).isoformat(),
                                               "to": today.isoformat(), "encoding": "utf-8"})


@view_config(context=Folder, name="report.csv", content_type="appeal", plugin="appeals", permission=MANAGE,
             renderer="lk_appeals:templates/report.pt")
def report_csv(context, request):
    org = request.organisation
    values = {k: request.GET.get(k, "") for k in ("from", "to", "encoding")}
    first, last = _parse_day(values["from"]), _parse_day(values["to"])
    errors = {}
    if first is None:
        errors["from"] = _("Начало периода: дата вида ГГГГ-ММ-ДД.")
    if last is None:
        errors["to"] = _("Конец периода: дата вида ГГГГ-ММ-ДД.")
    if first and last and last < first:
        errors["to"] = _("Конец периода раньше начала.")
    elif first and last and (last - first).days > REPORT_MAX_DAYS:
        errors["to"] = _("Период не длиннее трёх лет.")
    if errors:
        request.response.status = 400
        return report_namespace(context, request, values, errors)
    queue.ensure_indexes(context)
    encoding = "cp1251" if values["encoding"] == "cp1251" else "utf-8"
    start, end = period_bounds(org, first, last)
    staff_names = {lg: display_name(request, lg) for lg in eligible_staff(org, request.registry)}
    staff_names.update({"role:" + r.name: translate(request, role_label(r.title)) for r in staff_roles(request.registry)})
    audit(request, "appeal:export", context, {"period": (None, "%s — %s" % (first, last))})
    # The rows are written after the view has returned: they translate
    # through the core's out-of-request translator, in the reader's language.
    locale, registry = request.locale_name, request.registry
    return report_response(context, org.tz, appeal_settings(org).calendar, start, end, staff_names,
                           "appeals-%s-%s.csv" % (first, last), encoding,
                           translate=lambda message: translate_to(message, locale, registry))
