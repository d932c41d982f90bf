"""Pages of the appeals plugin: the resident's (``resident``), the staff's
(``staff``) and attachment downloads (``files``). Helpers they share live here."""
from __future__ import annotations

from translationstring import TranslationString

from lk_platform.cabinet import user_accounts
from lk_platform.model.platform import get_platform

from ..i18n import _
from ..models import STATUSES
from ..roles import MANAGE, RIGHT

CSS = "lk_appeals:static/appeals.css"


def translate(request, message) -> str:
    """``message`` in the request's language; translation strings in its
    mapping (a status named in a sentence) are translated first."""
    if not hasattr(message, "interpolate"):
        return str(message)
    if message.mapping and any(hasattr(v, "interpolate") for v in message.mapping.values()):
        mapping = {k: translate(request, v) for k, v in message.mapping.items()}
        message = TranslationString(message, domain=message.domain, default=message.default, mapping=mapping)
    return request.localizer.translate(message)


def flash(request, message):
    request.session.flash(translate(request, message))


def writable_accounts(request, organisation):
    """The user's accounts at ``organisation`` they may write appeals for."""
    login = request.authenticated_userid
    if login is None or organisation is None:
        return []
    for org, accounts in user_accounts(request).items():
        if org.slug == organisation.slug:
            return [a for a in accounts if a.has_right(login, RIGHT) and not a.closed]
    return []


def visible_accounts(request, organisation):
    """Numbers of the user's accounts at ``organisation`` whose appeals they see."""
    login = request.authenticated_userid
    for org, accounts in user_accounts(request).items():
        if org.slug == organisation.slug:
            return [a.number for a in accounts if a.has_right(login, RIGHT)]
    return []


def is_appeals_staff(request, context) -> bool:
    return bool(request.has_permission(MANAGE, context))


def display_name(request, login: str) -> str:
    user = get_platform(request).users.get(login) if login else None
    return user.display_title if user is not None else (login or "")


def actor(request):
    """``(login, name)`` of the person acting."""
    login = request.authenticated_userid
    return login, display_name(request, login)


def role_label(role_title):
    """How an appeal waiting on a whole role is shown."""
    return _("роль: ${role}", mapping={"role": role_title})


def base_namespace(request):
    """What every page of the plugin uses: its CSS, file links, sizes."""
    from .files import file_url
    return {"appeals_css": request.static_url(CSS), "statuses": STATUSES,
            "file_url": lambda appeal, attachment: file_url(request, appeal, attachment)}
