"""Staff pages beyond the generated admin: the mailing page (what waits,
what went out, a button to send what is due) and what a staff member is
told about the e-mail when they save an announcement."""
from __future__ import annotations

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from lk_platform.model.folders import Folder
from lk_platform.model.platform import get_platform

from .. import mailing
from ..i18n import _
from ..models import MANAGE, PLUGIN


@view_config(context=Folder, name="mailing", content_type="announcement", plugin=PLUGIN, permission=MANAGE,
             renderer="lk_announcements:templates/mailing.pt")
def mailing_page(context, request):
    org = request.organisation
    now = org.now()
    if request.method == "POST":
        sent = mailing.send_due_for(request, get_platform(request), org, now)
        request.session.flash(request.localizer.translate(
            _("Отправлено писем: ${count}.", mapping={"count": sent}) if sent else
            _("Наступивших рассылок нет — ничего не отправлено.")))
        return HTTPSeeOther(request.resource_url(context, "@@mailing"))
    waiting = mailing.pending(org)
    _total, recent = context.query(sort="publish_at", reverse=True, limit=50)
    sent = [a for a in recent if a.notified_at is not None][:20]
    return {"folder": context, "waiting": waiting, "sent": sent, "now": now,
            "due": [a for a in waiting if a.publish_at <= now], "page_title": _("Рассылка объявлений")}


def announcement_saved(request, organisation, announcement):
    """After the admin saved ``announcement``: send its e-mail if it is due,
    and tell the staff member what happened to it."""
    if announcement.mail_pending is not True:
        return
    now = organisation.now()
    if announcement.publish_at is None or announcement.publish_at > now:
        message = _("Письма жителям уйдут в ${time} (время публикации).",
                    mapping={"time": request.api.format_datetime(announcement.publish_at)})
    elif announcement.active_until <= now:
        mailing.send_now(request, get_platform(request), organisation, announcement, now)   # closes it
        message = _("Срок показа уже истёк — письма не отправлены.")
    else:
        sent = mailing.send_now(request, get_platform(request), organisation, announcement, now)
        message = _("Объявление разослано по эл. почте: писем ${count}.", mapping={"count": sent}) if sent else \
            _("Адресатов с эл. почтой не нашлось — письма не отправлены.")
    request.session.flash(request.localizer.translate(message))
