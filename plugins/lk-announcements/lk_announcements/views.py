"""Pages: residents' list and detail, the e-mail preference, the staff
mailing page, and the public pages and document downloads (no login)."""
from __future__ import annotations

from BTrees.OOBTree import OOTreeSet
from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.view import view_config

from lk_platform.cabinet import user_accounts
from lk_platform.model.folders import Folder
from lk_platform.model.platform import get_platform
from lk_platform.util.files import file_response
from lk_platform.util.paging import page_number

from . import feed, mailing
from .announcements import Announcement
from .public import PublicDocument, PublicPage

PLUGIN = "announcements"
MANAGE = "announcements.manage"
PAGE_SIZE = 20


def resident_accounts(request, organisation):
    if request.user is None:
        return []
    return user_accounts(request).get(organisation, [])


def _page_number(request):
    return page_number(request.GET)


@view_config(context=Folder, name="", content_type="announcement", plugin=PLUGIN, permission="cabinet.view",
             renderer="lk_announcements:templates/list.pt")
def announcement_list(context, request):
    org = request.organisation
    accounts = resident_accounts(request, org)
    page = _page_number(request)
    now = org.now()
    total, items = feed.visible(context, accounts, now, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    login = request.user.login
    unread = feed.unread_names(context, login, items)
    if unread:
        # Opening the list is reading it; the "new" marks show this once.
        feed.read_marks(context, create=True).mark(login, sorted(unread))
    optout = mailing.optouts(context)
    return {
        "folder": context, "items": items, "unread": unread, "total": total, "page": page,
        "pages": max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE), "has_accounts": bool(accounts), "now": now,
        "subscribed": not (optout is not None and login in optout),
        "can_manage": bool(request.has_permission(MANAGE, context)),
        "page_title": "Объявления",
    }


@view_config(context=Announcement, name="", plugin=PLUGIN, permission="cabinet.view",
             renderer="lk_announcements:templates/view.pt")
def announcement_view(context, request):
    org = request.organisation
    accounts = resident_accounts(request, org)
    now = org.now()
    can_manage = bool(request.has_permission(MANAGE, context))
    addressed = feed.is_visible(context, accounts, now)
    if not addressed and not can_manage:
        # Not addressed to this person (or not live): as if it did not exist.
        raise HTTPNotFound()
    if addressed:
        feed.read_marks(context.__parent__, create=True).mark(request.user.login, [context.__name__])
    return {"item": context, "preview": not addressed, "now": now, "can_manage": can_manage,
            "page_title": context.title}


@view_config(context=Folder, name="email", content_type="announcement", plugin=PLUGIN,
             permission="cabinet.view", request_method="POST")
def email_preference(context, request):
    org = request.organisation
    login = request.user.login
    back = request.resource_url(context)
    if not resident_accounts(request, org):
        request.session.flash("У вас нет лицевых счетов в этой организации — писем вы не получаете.")
        return HTTPSeeOther(back)
    wanted = request.POST.get("subscribe") == "1"
    optout = mailing.optouts(context)
    is_out = optout is not None and login in optout
    if wanted and is_out:
        optout.remove(login)
    elif not wanted and not is_out:
        if optout is None:
            optout = OOTreeSet()
            setattr(context, mailing.OPTOUT_ATTR, optout)
        optout.add(login)
    request.session.flash("Объявления будут приходить на эл. почту." if wanted else
                          "Объявления больше не будут приходить на эл. почту; в кабинете они видны по-прежнему.")
    return HTTPSeeOther(back)


@view_config(context=Folder, name="mailing", content_type="announcement", plugin=PLUGIN, permission=MANAGE,
             renderer="lk_announcements:templates/mailing.pt")
def mailing_page(context, request):
    org = request.organisation
    now = org.now()
    if request.method == "POST":
        sent = mailing.send_due_for(request, get_platform(request), org, now)
        request.session.flash("Отправлено писем: %d." % sent if sent else "Наступивших рассылок нет — ничего не отправлено.")
        return HTTPSeeOther(request.resource_url(context, "@@mailing"))
    waiting = mailing.pending(org)
    _total, recent = context.query(sort="publish_at", reverse=True, limit=50)
    sent = [a for a in recent if a.notified_at is not None][:20]
    return {"folder": context, "waiting": waiting, "sent": sent, "now": now,
            "due": [a for a in waiting if a.publish_at <= now], "page_title": "Рассылка объявлений"}


# --- public: no login ------------------------------------------------------------

def _staff(request, context):
    return bool(request.has_permission(MANAGE, context))


@view_config(context=PublicPage, name="", plugin=PLUGIN, permission=NO_PERMISSION_REQUIRED,
             renderer="lk_announcements:templates/public_page.pt")
def public_page(context, request):
    if not context.published and not _staff(request, context):
        raise HTTPNotFound()
    return {"page": context, "organisation": request.organisation, "page_title": context.title}


@view_config(context=PublicDocument, name="", plugin=PLUGIN, permission=NO_PERMISSION_REQUIRED)
@view_config(context=PublicDocument, name="download", plugin=PLUGIN, permission=NO_PERMISSION_REQUIRED)
def download(context, request):
    if not context.downloadable or (not context.published and not _staff(request, context)):
        raise HTTPNotFound()
    return file_response(request, context.file, attachment=not context.inline,
                         cache_control=None if context.published else "private, no-store")
