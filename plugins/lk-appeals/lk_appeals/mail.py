"""E-mail about appeals, through the core's transaction-aware outbox: the
resident hears of staff answers and status changes, the assigned staff
member of new appeals and residents' replies. Staff notes never go out.

Each letter is written in its reader's language (``user.locale``, Russian
by default) through the core's out-of-request translator: the reader is
not the person whose request sends it."""
from __future__ import annotations

from lk_platform.i18n import translate
from lk_platform.model.organisations import find_organisation
from lk_platform.model.platform import get_platform
from lk_platform.tenancy.urls import link
from lk_platform.util.dates import format_datetime
from lk_platform.util.outbox import send_mail

from .i18n import _
from .models import STATUSES


def _reader(request, login):
    user = get_platform(request).users.get(login) if login else None
    if user is None or user.blocked or not user.email:
        return None
    return user


def _words(request, user):
    """``t(message)``: ``message`` in ``user``'s language."""
    locale, registry = getattr(user, "locale", None), request.registry
    return lambda message: translate(message, locale, registry)


def notify_resident(request, appeal, message=None, old_status=None):
    """One message for a staff answer and/or a status change."""
    user = _reader(request, appeal.author)
    if user is None or (message is not None and message.internal):
        return None
    t = _words(request, user)
    org = find_organisation(appeal)
    changed = old_status is not None and old_status != appeal.status
    status = t(appeal.status_title)
    if message is not None and changed:
        what = t(_("ответ и новый статус «${status}»", mapping={"status": status}))
    elif message is not None:
        what = t(_("ответ специалиста"))
    elif changed:
        what = t(_("статус «${status}»", mapping={"status": status}))
    else:
        return None
    lines = [t(_("Здравствуйте!")), "",
             t(_("По вашему обращению № ${number} «${subject}» в ${organisation} — ${what}.",
                 mapping={"number": appeal.number, "subject": appeal.subject, "organisation": org.display_name,
                          "what": what})),
             ""]
    if changed:
        lines += [t(_("Статус: ${old} → ${new}", mapping={"old": t(STATUSES.get(old_status, old_status)),
                                                           "new": status})), ""]
    if message is not None:
        lines += ["%s, %s:" % (message.author_name, format_datetime(message.when, org)), message.text, ""]
        if message.attachments:
            lines += [t(_("Приложено файлов: ${count} (смотрите в личном кабинете).",
                          mapping={"count": len(message.attachments)})), ""]
    if appeal.status == "waiting":
        lines += [t(_("Специалисту нужен ваш ответ — ответьте в личном кабинете.")), ""]
    if appeal.status == "resolved":
        lines += [t(_("Если вопрос не решён, обращение можно возобновить в личном кабинете. "
                      "Там же можно оценить работу специалистов.")), ""]
    lines += [t(_("Обращение в личном кабинете: ${url}", mapping={"url": link(request, appeal)})), "",
              "— %s" % org.display_name,
              t(_("Это письмо отправлено автоматически, отвечать на него не нужно."))]
    subject = t(_("Обращение № ${number}: ${what}", mapping={"number": appeal.number, "what": what}))
    return send_mail(request, user.email, subject, "\n".join(lines))


def notify_assignee(request, appeal, message, opened=False):
    """Tell the assigned staff member about a new appeal or a resident's reply."""
    if not appeal.assignee or appeal.assignee == request.authenticated_userid:
        return None
    user = _reader(request, appeal.assignee)
    if user is None:
        return None
    t = _words(request, user)
    org = find_organisation(appeal)
    what = t(_("новое обращение") if opened else _("ответ жителя"))
    where = {"organisation": org.display_name}
    first = _("Новое обращение в ${organisation}.", mapping=where) if opened else \
        _("Ответ жителя в ${organisation}.", mapping=where)
    lines = [t(first), "",
             t(_("№ ${number} «${subject}», лицевой счёт ${account} (${address})",
                 mapping={"number": appeal.number, "subject": appeal.subject, "account": appeal.account,
                          "address": appeal.account_address})),
             t(_("Категория: ${category}", mapping={"category": t(appeal.category_label)})), "",
             "%s, %s:" % (message.author_name, format_datetime(message.when, org)), message.text, "",
             t(_("Открыть: ${url}", mapping={"url": link(request, appeal, "@@manage")}))]
    if appeal.deadline is not None:
        lines.insert(4, t(_("Срок: ${deadline}", mapping={"deadline": format_datetime(appeal.deadline, org)})))
    return send_mail(request, user.email, t(_("Обращение № ${number}: ${what}",
                                               mapping={"number": appeal.number, "what": what})), "\n".join(lines))
