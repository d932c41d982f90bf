"""The resident's side: their appeals at the organisation, opening one with
photos, the correspondence, replying, reopening and rating.

Every form is checked completely (text and every file) before anything is
written, so a refused form leaves no trace; the page comes back with the
reason next to the field and what the resident typed.
"""
from __future__ import annotations

import re

from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config

from lk_platform.model.folders import Folder
from lk_platform.plugins.notify import notify
from lk_platform.util.dates import utcnow
from lk_platform.util.paging import page_count, page_number

from .. import queue
from ..events import AppealOpened
from ..i18n import _
from ..mail import notify_assignee
from ..models import COMMENT_MAX, SUBJECT_MAX, TEXT_MAX, Appeal, AppealError
from ..routing import active_categories, open_appeal
from ..settings import appeal_settings
from ..uploads import ACCEPT, HINT, MAX_FILES, read_uploads
from . import actor, base_namespace, flash, is_appeals_staff, translate, visible_accounts, writable_accounts

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
PAGE_SIZE = 20


def clean_text(value: str) -> str:
    return _CONTROL.sub("", (value or "").replace("\r\n", "\n")).strip()


def check_text(errors, field, text, label, low=1, high=TEXT_MAX):
    """Put a message for ``field`` in ``errors`` when ``text`` is too short or
    too long; ``label`` (a translation string) names the field in it.
    Messages are translation strings; :func:`file_errors` joins them."""
    if len(text) < low:
        errors[field] = _("${field}: заполните поле.", mapping={"field": label}) if low == 1 else \
            _("${field}: не короче ${low} знаков.", mapping={"field": label, "low": low})
    elif len(text) > high:
        errors[field] = _("${field}: не длиннее ${high} знаков (сейчас ${length}).",
                          mapping={"field": label, "high": high, "length": len(text)})


def translated(request, errors):
    """The form's messages in the reader's language, for the page."""
    return {field: translate(request, message) for field, message in errors.items()}


def file_errors(request, messages):
    return " ".join(translate(request, m) for m in messages)


@view_config(context=Folder, name="", content_type="appeal", plugin="appeals", permission="cabinet.view",
             renderer="lk_appeals:templates/mine.pt")
def my_appeals(context, request):
    org = request.organisation
    login = request.authenticated_userid
    page = page_number(request.GET)
    query = queue.resident_query(context, login, visible_accounts(request, org))
    total, appeals = queue.run(context, query, sort="created", offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    return dict(base_namespace(request), appeals=appeals, total=total, page=page,
                pages=page_count(total, PAGE_SIZE),
                can_open=bool(writable_accounts(request, org)),
                queue_url=request.resource_url(context, "@@queue") if is_appeals_staff(request, context) else None,
                page_title=_("Мои обращения"))


def _new_form(request, accounts, categories, values=None, errors=None):
    values = values or {}
    if not values.get("account") and len(accounts) == 1:
        values["account"] = accounts[0].number
    return dict(base_namespace(request), accounts=accounts, categories=categories, values=values,
                errors=translated(request, errors or {}), accept=ACCEPT, hint=HINT, max_files=MAX_FILES,
                subject_max=SUBJECT_MAX, text_max=TEXT_MAX, page_title=_("Новое обращение"))


@view_config(context=Folder, name="new", content_type="appeal", plugin="appeals", permission="cabinet.view",
             renderer="lk_appeals:templates/new.pt")
def new_appeal(context, request):
    org = request.organisation
    accounts = writable_accounts(request, org)
    categories = active_categories(org)
    if request.method != "POST":
        return _new_form(request, accounts, categories, {"account": request.GET.get("account", "")})
    post = request.POST
    values = {"account": post.get("account", ""), "category": post.get("category", ""),
              "subject": clean_text(post.get("subject", "")), "text": clean_text(post.get("text", ""))}
    errors = {}
    account = next((a for a in accounts if a.number == values["account"]), None)
    if account is None:
        errors["account"] = _("Выберите лицевой счёт из списка ваших счетов.")
    category = next((c for c in categories if c.__name__ == values["category"]), None)
    if category is None:
        errors["category"] = _("Выберите категорию обращения из списка.")
    check_text(errors, "subject", values["subject"], _("Тема"), low=3, high=SUBJECT_MAX)
    check_text(errors, "text", values["text"], _("Текст обращения"))
    uploads, problems = read_uploads(post.getall("files"))
    if problems:
        errors["files"] = file_errors(request, problems)
    if errors:
        request.response.status = 400
        return _new_form(request, accounts, categories, values, errors)
    settings = appeal_settings(org)
    appeal = open_appeal(context, when=utcnow(), account=account, author=request.user, category=category,
                         subject=values["subject"], text=values["text"], uploads=uploads,
                         calendar=settings.calendar)
    notify(request, org, AppealOpened(appeal))
    notify_assignee(request, appeal, appeal.last_message(), opened=True)
    flash(request, _("Обращение № ${number} отправлено. Ответ придёт сюда и на вашу почту.",
                     mapping={"number": appeal.number}))
    return HTTPFound(request.resource_url(appeal))


def appeal_namespace(context, request, values=None, errors=None):
    org = request.organisation
    settings = appeal_settings(org)
    now = utcnow()
    until = context.reopen_until(settings.reopen_days)
    return dict(
        base_namespace(request), appeal=context, messages=context.messages(), history=context.visible_history(),
        can_reply=context.is_open, can_reopen=until is not None and now <= until, reopen_until=until,
        can_rate=context.status in ("resolved", "closed") and context.rating is None,
        values=values or {}, errors=translated(request, errors or {}), accept=ACCEPT, hint=HINT,
        text_max=TEXT_MAX, comment_max=COMMENT_MAX,
        page_title=_("Обращение № ${number}", mapping={"number": context.number}))


@view_config(context=Appeal, name="", plugin="appeals", permission="appeal.view",
             renderer="lk_appeals:templates/appeal.pt")
def appeal_page(context, request):
    return appeal_namespace(context, request)


def _refused(context, request, status, field, message, values):
    request.response.status = status
    return appeal_namespace(context, request, values, {field: message})


@view_config(context=Appeal, name="reply", plugin="appeals", permission="appeal.act", request_method="POST",
             renderer="lk_appeals:templates/appeal.pt")
def reply(context, request):
    text = clean_text(request.POST.get("text", ""))
    values = {"text": text}
    if context.status == "closed":
        return _refused(context, request, 409, "reply", _("Обращение закрыто — ответить в нём нельзя. "
                        "Если вопрос остался, создайте новое обращение."), values)
    if context.status == "resolved":
        return _refused(context, request, 409, "reply", _("Обращение решено. Если вопрос не решён, "
                        "возобновите его — форма ниже."), values)
    errors = {}
    check_text(errors, "text", text, _("Текст ответа"))
    uploads, problems = read_uploads(request.POST.getall("files"))
    if problems:
        errors["files"] = file_errors(request, problems)
    if errors:
        request.response.status = 400
        return appeal_namespace(context, request, values, errors)
    login, name = actor(request)
    now = utcnow()
    if context.status == "waiting":
        context.set_status(now, login, name, "in_progress", by_resident=True)
    message = context.add_message(now, login, name, text, uploads)
    notify_assignee(request, context, message)
    flash(request, _("Ответ отправлен."))
    return HTTPFound(request.resource_url(context))


@view_config(context=Appeal, name="reopen", plugin="appeals", permission="appeal.act", request_method="POST",
             renderer="lk_appeals:templates/appeal.pt")
def reopen(context, request):
    org = request.organisation
    text = clean_text(request.POST.get("text", ""))
    values = {"reopen_text": text}
    errors = {}
    check_text(errors, "reopen", text, _("Почему вопрос не решён"))
    if errors:
        request.response.status = 400
        return appeal_namespace(context, request, values, errors)
    settings = appeal_settings(org)
    login, name = actor(request)
    try:
        context.reopen(utcnow(), login, name, text, settings.reopen_days, settings.calendar)
    except AppealError as exc:
        return _refused(context, request, 409, "reopen", exc.message, values)
    notify_assignee(request, context, context.last_message())
    flash(request, _("Обращение возобновлено."))
    return HTTPFound(request.resource_url(context))


@view_config(context=Appeal, name="rate", plugin="appeals", permission="appeal.act", request_method="POST",
             renderer="lk_appeals:templates/appeal.pt")
def rate(context, request):
    comment = clean_text(request.POST.get("comment", ""))
    values = {"score": request.POST.get("score", ""), "comment": comment}
    try:
        score = int(values["score"])
    except ValueError:
        score = 0
    if not 1 <= score <= 5:
        return _refused(context, request, 400, "rate", _("Выберите оценку от 1 до 5."), values)
    if len(comment) > COMMENT_MAX:
        return _refused(context, request, 400, "rate", _("Комментарий к оценке: не длиннее ${high} знаков.",
                                                         mapping={"high": COMMENT_MAX}), values)
    login, name = actor(request)
    try:
        context.rate(utcnow(), login, name, score, comment)
    except AppealError as exc:
        return _refused(context, request, 409, "rate", exc.message, values)
    flash(request, _("Спасибо за оценку!"))
    return HTTPFound(request.resource_url(context))
