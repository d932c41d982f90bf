"""E-mail about appeals, through the core's transaction-aware outbox: the
resident hears of staff answers and status changes, the assigned staff
member of new appeals and residents' replies. Staff notes never go out."""
from __future__ import annotations

from lk_platform.model.organisations import find_organisation
from lk_platform.model.platform import get_platform
from lk_platform.util.dates import format_datetime
from lk_platform.util.outbox import send_mail

from .appeal import STATUSES


def _email_of(request, login):
    user = get_platform(request).users.get(login) if login else None
    if user is None or user.blocked or not user.email:
        return None
    return user.email


def notify_resident(request, appeal, message=None, old_status=None):
    """One message for a staff answer and/or a status change."""
    to = _email_of(request, appeal.author)
    if to is None or (message is not None and message.internal):
        return None
    org = find_organisation(appeal)
    changed = old_status is not None and old_status != appeal.status
    if message is not None and changed:
        what = "ответ и новый статус «%s»" % appeal.status_title
    elif message is not None:
        what = "ответ специалиста"
    elif changed:
        what = "статус «%s»" % appeal.status_title
    else:
        return None
    lines = ["Здравствуйте!", "",
             "По вашему обращению № %s «%s» в %s — %s." % (appeal.number, appeal.subject, org.display_name, what),
             ""]
    if changed:
        lines += ["Статус: %s → %s" % (STATUSES.get(old_status, old_status), appeal.status_title), ""]
    if message is not None:
        lines += ["%s, %s:" % (message.author_name, format_datetime(message.when, org)), message.text, ""]
        if message.attachments:
            lines += ["Приложено файлов: %d (смотрите в личном кабинете)." % len(message.attachments), ""]
    if appeal.status == "waiting":
        lines += ["Специалисту нужен ваш ответ — ответьте в личном кабинете.", ""]
    if appeal.status == "resolved":
        lines += ["Если вопрос не решён, обращение можно возобновить в личном кабинете. "
                  "Там же можно оценить работу специалистов.", ""]
    lines += ["Обращение в личном кабинете: %s" % request.resource_url(appeal), "",
              "— %s" % org.display_name,
              "Это письмо отправлено автоматически, отвечать на него не нужно."]
    subject = "Обращение № %s: %s" % (appeal.number, what)
    return send_mail(request, to, subject, "\n".join(lines))


def notify_assignee(request, appeal, message, opened=False):
    """Tell the assigned staff member about a new appeal or a resident's reply."""
    if not appeal.assignee or appeal.assignee == request.authenticated_userid:
        return None
    to = _email_of(request, appeal.assignee)
    if to is None:
        return None
    org = find_organisation(appeal)
    what = "новое обращение" if opened else "ответ жителя"
    lines = ["%s в %s." % (what.capitalize(), org.display_name), "",
             "№ %s «%s», лицевой счёт %s (%s)" % (appeal.number, appeal.subject, appeal.account,
                                                  appeal.account_address),
             "Категория: %s" % appeal.category_title, "",
             "%s, %s:" % (message.author_name, format_datetime(message.when, org)), message.text, "",
             "Открыть: %s" % request.resource_url(appeal, "@@manage")]
    if appeal.deadline is not None:
        lines.insert(4, "Срок: %s" % format_datetime(appeal.deadline, org))
    return send_mail(request, to, "Обращение № %s: %s" % (appeal.number, what), "\n".join(lines))
