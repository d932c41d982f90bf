"""Login, logout, password reset by e-mailed one-time token, language switch."""
from __future__ import annotations

import hashlib
import secrets

from pyramid.httpexceptions import HTTPFound, HTTPSeeOther
from pyramid.i18n import get_localizer
from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.settings import asbool
from pyramid.view import view_config

from lk_platform.auth import throttle
from lk_platform.auth.security import forget_cached_identity
from lk_platform.i18n import COOKIE, LANGUAGES, _
from lk_platform.model import expiry, sessions
from lk_platform.model.events import UserLoggedIn
from lk_platform.model.organisations import Organisation
from lk_platform.model.platform import Platform, get_platform
from lk_platform.model.users import normalise_login
from lk_platform.plugins.notify import notify
from lk_platform.tenancy import urls
from lk_platform.util.dates import timestamp, utcnow
from lk_platform.util.outbox import send_mail
from lk_platform.util.passwords import hash_password, needs_rehash, password_problems, verify_password

RESET_LIFETIME = 3600
RESET_STORE = "reset_tokens"   # token digest -> (login, expires)
PUBLIC = dict(permission=NO_PERMISSION_REQUIRED)


def _safe_next(request, value):
    # Only same-site paths: never redirect a login to another host.
    # Control characters would break the Location header (or smuggle one).
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value \
            and not any(ord(c) < 32 or ord(c) == 127 for c in value) and len(value) <= 2000:
        return request.application_url + value
    return None


def _landing(request, user):
    org = request.organisation
    if org is not None and request.has_permission("admin.view", org):
        return request.resource_url(org, "@@admin")
    if user.is_operator and not user.accounts:
        return request.application_url + "/o/@@admin"
    if not user.accounts and user.staff_of:
        platform = get_platform(request)
        first = platform.organisations.get(user.staff_of[0])
        if first is not None:
            return request.resource_url(first, "@@admin")
    if org is not None:  # logged in on an organisation's page: keep its brand
        return request.resource_url(org, "cabinet")
    return request.application_url + "/cabinet"


@view_config(context=Platform, name="login", renderer="login.pt", **PUBLIC)
@view_config(context=Organisation, name="login", renderer="login.pt", **PUBLIC)
def login(context, request):
    platform = get_platform(request)
    loc = get_localizer(request)
    error = None
    login_value = ""
    next_url = request.params.get("next", "")
    if request.method == "POST":
        login_value = normalise_login(request.POST.get("login", ""))[:64]
        password = request.POST.get("password", "")[:256]
        address = request.client_addr or ""
        wait = throttle.wait_seconds(platform, login_value, address)
        if wait:
            error = loc.translate(_("Слишком много неудачных попыток. Повторите через ${s} с.",
                                    mapping={"s": wait}))
            request.response.status = 429
        else:
            user = platform.users.get(login_value) if login_value else None
            ok = verify_password(user.password_hash if user is not None else None, password)
            if ok and user.blocked:
                error = loc.translate(_("Учётная запись заблокирована. Обратитесь в организацию."))
                request.response.status = 403
            elif ok:
                throttle.record_success(platform, login_value)
                if needs_rehash(user.password_hash):
                    user.password_hash = hash_password(password)
                user.last_login = utcnow()
                sessions.start(request, platform, user.login)
                forget_cached_identity(request)
                notify(request, request.organisation, UserLoggedIn(user))
                return HTTPSeeOther(_safe_next(request, next_url) or _landing(request, user))
            else:
                throttle.record_failure(platform, login_value, address)
                error = loc.translate(_("Неверный логин или пароль"))
                request.response.status = 401
    return {"error": error, "login_value": login_value, "next": next_url, "page_title": _("Вход")}


@view_config(context=Platform, name="logout", request_method="POST", **PUBLIC)
@view_config(context=Organisation, name="logout", request_method="POST", **PUBLIC)
def logout(context, request):
    sessions.end(request, get_platform(request))
    return HTTPSeeOther(request.resource_url(context, "login"))


def _digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


#: where the message for a login nobody has (or who cannot get mail) is
#: addressed; it is rendered and handed to the outbox like a real one, then dropped
NOBODY = "nobody@invalid"


def _reset_message(request, link):
    """The subject and body of the reset mail."""
    loc = get_localizer(request)
    return (loc.translate(_("Восстановление пароля")),
            loc.translate(_("Чтобы задать новый пароль, откройте ссылку (действует 1 час):\n${link}\n\n"
                            "Если вы не запрашивали восстановление, ничего не делайте.",
                            mapping={"link": link})))


def _find_user(platform, value):
    user = platform.users.get(value) if value else None
    if user is None and "@" in value:
        _t, found = platform.users.query(eq={"email": value}, limit=1)
        user = found[0] if found else None
    return user


def _setting(request, name, default):
    try:
        return int(request.registry.settings.get(name, default))
    except (TypeError, ValueError):
        return default


@view_config(context=Platform, name="forgot", renderer="forgot.pt", **PUBLIC)
@view_config(context=Organisation, name="forgot", renderer="forgot.pt", **PUBLIC)
def forgot(context, request):
    """Always answers the same page, doing the same work, so neither the
    answer nor its time tells which logins exist: for a login nobody has (or
    a blocked user, or one without e-mail, or when the limits are reached)
    a token is still made and digested and the message rendered and handed
    to the outbox, which then drops it. Mails are limited per target and
    per client address (``throttle.allow_reset_mail``)."""
    sent = False
    if request.method == "POST":
        platform = get_platform(request)
        value = normalise_login(request.POST.get("login", ""))[:254]
        user = _find_user(platform, value)
        reachable = user is not None and bool(user.email) and not user.blocked
        allowed = throttle.allow_reset_mail(
            platform, user.login if user is not None else value, request.client_addr or "",
            per_login=_setting(request, "lk.reset_mails_per_login", throttle.RESET_MAILS_PER_LOGIN),
            per_address=_setting(request, "lk.reset_requests_per_address", throttle.RESET_REQUESTS_PER_ADDRESS))
        deliver = reachable and allowed
        token = secrets.token_urlsafe(32)
        digest = _digest(token)
        now = timestamp()
        if deliver:
            expiry.put(platform, RESET_STORE, digest, (user.login, now + RESET_LIFETIME), now)
        else:   # what put does besides storing
            expiry.prune_some(platform, RESET_STORE, now)
        link = urls.link(request, context, "reset", query={"token": token})  # never on the request's Host
        subject, body = _reset_message(request, link)
        send_mail(request, user.email if deliver else NOBODY, subject, body, deliver=deliver)
        sent = True
    return {"sent": sent, "page_title": _("Восстановление пароля")}


@view_config(context=Platform, name="reset", renderer="reset.pt", **PUBLIC)
@view_config(context=Organisation, name="reset", renderer="reset.pt", **PUBLIC)
def reset(context, request):
    platform = get_platform(request)
    token = request.params.get("token", "")[:100]
    entry = platform.reset_tokens.get(_digest(token)) if token else None
    loc = get_localizer(request)
    if entry is None or entry[1] < timestamp():
        request.response.status = 400
        return {"invalid": True, "errors": [], "token": "", "page_title": _("Новый пароль")}
    login_name = entry[0]
    errors = []
    if request.method == "POST":
        password = request.POST.get("password", "")
        if password != request.POST.get("confirm", ""):
            errors = [loc.translate(_("Пароли не совпадают"))]
        else:
            errors = [loc.translate(p) for p in password_problems(password, login_name)]
        if not errors:
            user = platform.users.get(login_name)
            expiry.remove(platform, RESET_STORE, _digest(token))
            if user is not None:
                user.password_hash = hash_password(password)
                user.password_changed = utcnow()
                sessions.end_all_for(platform, login_name)
                throttle.record_success(platform, login_name)
            request.session.flash(loc.translate(_("Пароль изменён. Войдите с новым паролем.")))
            return HTTPFound(request.resource_url(context, "login"))
    return {"invalid": False, "errors": errors, "token": token, "page_title": _("Новый пароль")}


@view_config(context=Platform, name="language", request_method="POST", **PUBLIC)
@view_config(context=Organisation, name="language", request_method="POST", **PUBLIC)
def language(context, request):
    chosen = request.POST.get("language")
    target = _safe_next(request, request.POST.get("next", "")) or request.resource_url(context)
    response = HTTPSeeOther(target)
    if chosen in LANGUAGES:
        response.set_cookie(COOKIE, chosen, max_age=365 * 24 * 3600, httponly=True, samesite="Lax",
                            secure=asbool(request.registry.settings.get("lk.secure_cookies", False)))
        user = request.user
        if user is not None and user.locale != chosen:
            user.locale = chosen
    return response
