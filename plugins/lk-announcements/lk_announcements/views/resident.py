"""The resident's pages: the announcements addressed to their accounts (list,
one by one, the dashboard widget), the e-mail preference; and the public
pages and document downloads anyone may read without logging in."""
from __future__ import annotations

from BTrees.OOBTree import OOTreeSet
from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.view import view_config

from lk_platform.model.folders import Folder
from lk_platform.plugins.declarations import Widget
from lk_platform.util.files import file_response
from lk_platform.util.paging import page_number

from .. import feed, mailing
from ..i18n import _
from ..models import PLUGIN, Announcement, PublicDocument, PublicPage
from . import is_staff, resident_accounts

PAGE_SIZE = 20
WIDGET_ITEMS = 5


@view_config(context=Folder, name="", content_type="announcement", plugin=PLUGIN, permission="cabinet.view",
             renderer="lk_announcements:templates/list.pt")
def announcement_list(context, request):
    org = request.organisation
    accounts = resident_accounts(request, org)
    page = page_number(request.GET)
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
        "can_manage": is_staff(request, context),
        "page_title": _("Объявления"),
    }


@view_config(context=Announcement, name="", plugin=PLUGIN, permission="cabinet.view",
             renderer="lk_announcements:templates/view.pt")
def announcement_view(context, request):
    org = request.organisation
    accounts = resident_accounts(request, org)
    now = org.now()
    can_manage = is_staff(request, context)
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
        request.session.flash(request.localizer.translate(
            _("У вас нет лицевых счетов в этой организации — писем вы не получаете.")))
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
    request.session.flash(request.localizer.translate(
        _("Объявления будут приходить на эл. почту.") if wanted else
        _("Объявления больше не будут приходить на эл. почту; в кабинете они видны по-прежнему.")))
    return HTTPSeeOther(back)


def dashboard_widgets(request, organisation, accounts):
    """The dashboard's announcements block: the newest addressed to
    ``accounts``, urgent first; before every other block when one is urgent."""
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
    return [Widget(_("Объявления"), "lk_announcements:templates/widget.pt", data, order=order)]


def dashboard_depends(request, organisation):
    folder = feed.folder_of(organisation)
    if folder is None or request.user is None:
        return []
    return feed.depends(folder, request.user.login)


# --- public: no login ------------------------------------------------------------

@view_config(context=PublicPage, name="", plugin=PLUGIN, permission=NO_PERMISSION_REQUIRED,
             renderer="lk_announcements:templates/public_page.pt")
def public_page(context, request):
    if not context.published and not is_staff(request, context):
        raise HTTPNotFound()
    return {"page": context, "organisation": request.organisation, "page_title": context.title}


@view_config(context=PublicDocument, name="", plugin=PLUGIN, permission=NO_PERMISSION_REQUIRED)
@view_config(context=PublicDocument, name="download", plugin=PLUGIN, permission=NO_PERMISSION_REQUIRED)
def download(context, request):
    if not context.downloadable or (not context.published and not is_staff(request, context)):
        raise HTTPNotFound()
    return file_response(request, context.file, attachment=not context.inline,
                         cache_control=None if context.published else "private, no-store")
