"""Staff manage people.

Users live at platform level, so an organisation's staff see only the
users *linked* to it (holders of its accounts, its staff, or people its
staff created) at ``/o/<slug>/@@users``; the operator sees everyone at
``/users/@@admin``. Both scopes share one set of pages:

* ``<base>``                      list (search, pages)
* ``<base>/<login>``              a person: accounts, roles, actions
* ``<base>/<login>/<action>``     POST: block, unblock, reset, link, unlink, grant, revoke, cancel-email
* ``<base>/<login>/edit``         profile form
* ``<add>``                       create (org: ``@@add-user``, platform: ``/users/@@add``)
* ``confirm-email``               the link that confirms a changed e-mail address (public)

Rules that keep one tenant from reaching into another: an organisation
links only its own accounts and grants only its own roles; it can block or
edit a person only if that person belongs to it alone (blocking is
platform-wide, so otherwise it is the operator's call); nobody grants a
role with permissions they do not hold themselves, and only an
organisation admin or the operator grants or revokes ``org_admin``.

Rules that keep staff from becoming someone else: changing a staff
member's data or sending them a password link needs every role they hold
(:meth:`Scope.covers`); a changed e-mail address is only *pending* until
confirmed by a link mailed to it (the old address is told, and resets keep
going there meanwhile); accounts are never linked to one's own login nor
to any staff member's or the operator's, and every link records a reason.
"""
from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlencode

import colander
import deform
from pyramid.httpexceptions import HTTPFound, HTTPMethodNotAllowed, HTTPNotFound, HTTPSeeOther
from pyramid.i18n import get_localizer, make_localizer
from pyramid.interfaces import ITranslationDirectories
from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.view import view_config

from lk_platform.admin.forms import make_form, validate
from lk_platform.auth.views import RESET_LIFETIME, _digest
from lk_platform.i18n import DEFAULT as DEFAULT_LANGUAGE
from lk_platform.i18n import LANGUAGES, _
from lk_platform.model.audit import audit
from lk_platform.model.folders import Folder
from lk_platform.model.organisations import Organisation
from lk_platform.model.platform import Platform, get_platform
from lk_platform.model.users import (
    EMAIL_CONFIRM_LIFETIME,
    PasswordRejected,
    UserSchema,
    cancel_email_change,
    confirm_email_change,
    create_user,
    grant_role,
    link_account,
    normalise_login,
    request_email_change,
    set_blocked,
    token_digest,
    unlink_account,
)
from lk_platform.tenancy import urls
from lk_platform.theming.themes import render
from lk_platform.util.dates import timestamp
from lk_platform.util.outbox import send_mail
from lk_platform.util.paging import page_number
from lk_platform.util.passwords import password_problems

PAGE_SIZE = 20
#: a link for a person the staff just created may wait a few days for them
WELCOME_LIFETIME = 3 * 24 * 3600
ACTIONS = ("block", "unblock", "reset", "link", "unlink", "grant", "revoke", "cancel-email")
#: the longest reason for linking an account that is kept
REASON_MAX = 200     # what an audit entry shows of a value


class Scope:
    """Where people are managed: one organisation (``org``) or the whole
    platform (``org`` None, the operator)."""

    def __init__(self, request, org=None):
        self.request = request
        self.org = org
        self.platform = get_platform(request)
        self.users = self.platform.users
        if org is not None:
            self.base_url = request.resource_url(org, "@@users")
            self.add_url = request.resource_url(org, "@@add-user")
        else:
            self.base_url = request.resource_url(self.users, "@@admin")
            self.add_url = request.resource_url(self.users, "@@add")

    # -- who is visible --------------------------------------------------------
    def lineage_slugs(self):
        """This organisation and the sub-organisations below it."""
        slugs, todo = set(), [self.org]
        while todo:
            org = todo.pop()
            if org.slug not in slugs:
                slugs.add(org.slug)
                todo.extend(org.suborganisations())
        return slugs

    def visible(self, user) -> bool:
        return self.org is None or self.org.slug in user.org_slugs

    def find(self, login):
        user = self.users.get(normalise_login(login))
        if user is None or not self.visible(user):
            raise HTTPNotFound()
        return user

    def query(self, search, offset, limit):
        eq = {"org_slugs": self.org.slug} if self.org is not None else None
        return self.users.query(search=search, sort="login", offset=offset, limit=limit, eq=eq)

    def user_url(self, user, *elements, **kw):
        url = "%s/%s" % (self.base_url, user.login)
        if elements:
            url += "/" + "/".join(elements)
        if kw.get("query"):
            url += "?" + urlencode(kw["query"])
        return url

    # -- what the actor may do -------------------------------------------------
    @property
    def actor(self):
        return self.request.user

    def roles_in(self, login, org):
        """Roles of ``login`` in ``org``, counting those granted higher up."""
        roles = set()
        node = org
        while isinstance(node, Organisation):
            roles.update(node.staff.get(login, ()))
            node = node.__parent__
        return roles

    def actor_is_admin(self, org) -> bool:
        actor = self.actor
        return actor is not None and (actor.is_operator or "org_admin" in self.roles_in(actor.login, org))

    def grantable_roles(self, org):
        """Roles the actor may grant or revoke in ``org``: never one with a
        permission the actor lacks there, ``org_admin`` only by an admin."""
        admin = self.actor_is_admin(org)
        out = []
        for role in self.request.registry.lk.roles.values():
            if role.name == "org_admin":
                ok = admin
            else:
                ok = admin or all(self.request.has_permission(p, org) for p in role.permissions)
            if ok:
                out.append(role)
        return sorted(out, key=lambda r: (r.name != "org_admin", str(r.title)))

    def covers(self, user) -> bool:
        """The actor holds every role ``user`` holds, wherever they hold it
        (an ``org_admin`` counts only as ``org_admin``, any other role as
        its permissions), and ``user`` is no operator unless the actor is.
        Only then may the actor change their e-mail or send them a link to
        set a password: otherwise that would reach roles the actor lacks."""
        actor = self.actor
        if actor is None:
            return False
        if actor.is_operator:
            return True
        if user.is_operator:
            return False
        roles = self.request.registry.lk.roles
        for slug in user.staff_of:
            org = self.platform.organisations.get(slug)
            if org is None:
                continue
            for name in org.staff.get(user.login, ()):
                role = roles.get(name)
                if name == "org_admin" or role is None:
                    if not self.actor_is_admin(org):
                        return False
                elif not all(self.request.has_permission(p, org) for p in role.permissions):
                    return False
        return True

    def is_staff(self, user) -> bool:
        """Holds a staff role in any organisation, or is the operator."""
        return bool(user.is_operator or user.staff_of)

    def link_refusal(self, user):
        """Why no account may be linked to this person here, or None."""
        if self.actor is not None and user.login == self.actor.login:
            return _("Нельзя привязать лицевой счёт к своей собственной учётной записи. Если вы сами "
                     "житель, войдите под отдельной учётной записью жителя; привязку делает другой сотрудник.")
        if self.is_staff(user):
            return _("Это учётная запись сотрудника или оператора: лицевые счета к ней не привязываются. "
                     "Для кабинета жителя нужна отдельная учётная запись.")
        return None

    def exclusive(self, user) -> bool:
        """The person belongs to this organisation alone, so its staff may
        block them or change their profile (both act platform-wide)."""
        if self.org is None:
            return True
        return not user.is_operator and set(user.org_slugs) <= self.lineage_slugs()

    def refusal(self, user, action):
        """Why the actor may not ``action`` this person, or None."""
        if self.org is None:
            if action == "block" and user.login == self.actor.login:
                return _("Нельзя заблокировать самого себя.")
            return None
        if action in ("block", "edit") and user.login == self.actor.login:
            return _("Свою учётную запись здесь менять нельзя.") if action == "edit" else \
                _("Нельзя заблокировать самого себя.")
        if action in ("block", "unblock", "edit", "reset", "cancel-email"):
            if user.is_operator:
                return _("Это оператор платформы: его учётной записью управляет только оператор.")
            if "org_admin" in self.roles_in(user.login, self.org) and not self.actor_is_admin(self.org):
                return _("Управлять учётной записью администратора может только администратор организации.")
        if action in ("edit", "reset", "cancel-email") and not self.covers(user):
            return _("Менять данные сотрудника и отправлять ему ссылку для смены пароля может только тот, "
                     "у кого есть все его роли.")
        if action in ("block", "unblock") and not self.covers(user):
            return _("Заблокировать сотрудника или снять блокировку может только тот, у кого есть все его роли.")
        if action in ("block", "unblock", "edit", "cancel-email") and not self.exclusive(user):
            return _("Пользователь связан и с другими организациями, поэтому заблокировать его или изменить "
                     "его данные может только оператор платформы. Можно отвязать лицевые счета вашей "
                     "организации или снять роли.")
        return None

    # -- organisations an action may touch ---------------------------------------
    def target_org(self, params):
        """The organisation of a link/grant: this one, or (operator) the chosen one."""
        if self.org is not None:
            return self.org
        slug = (params.get("organisation") or "").strip()[:64]
        org = self.platform.organisations.get(slug) if slug else None
        if org is None:
            raise Refused(_("Нет организации «${slug}».", mapping={"slug": slug}) if slug else
                          _("Укажите организацию."))
        return org

    def accounts_of(self, user):
        """``[(org, number, account or None)]`` the page shows and may unlink."""
        out = []
        for slug, number in user.accounts:
            if self.org is not None and slug != self.org.slug:
                continue
            org = self.platform.organisations.get(slug)
            folder = org.get("accounts") if org is not None else None
            out.append((org, number, folder.get(number) if folder is not None else None))
        return out

    def roles_of(self, user):
        """``[(org, role name, Role or None)]`` held in this scope."""
        out = []
        registry_roles = self.request.registry.lk.roles
        slugs = [self.org.slug] if self.org is not None else list(user.staff_of)
        for slug in slugs:
            org = self.platform.organisations.get(slug)
            if org is None:
                continue
            for name in org.staff.get(user.login, ()):
                out.append((org, name, registry_roles.get(name)))
        return out

    def audit(self, action, user, changes=None, org=None):
        audit(self.request, action, user, changes, organisation=org or self.org)


class Refused(Exception):
    """A staff action that cannot be done; the message says why."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _render(request, template, ns):
    response = request.response
    response.text = render(request, template, ns)
    return response


def _t(request, msg):
    return get_localizer(request).translate(msg)


def _flash(request, msg):
    # Translated now: the cookie session keeps only plain text, no mapping.
    request.session.flash(_t(request, msg))


def _paging(request):
    return page_number(request.GET)


# --- pages --------------------------------------------------------------------

def user_list(scope):
    request = scope.request
    search = request.GET.get("q", "").strip()[:100]
    page = _paging(request)
    total, users = scope.query(search, (page - 1) * PAGE_SIZE, PAGE_SIZE)
    pages = max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE)

    def link(p):
        q = {"q": search, "page": p}
        return scope.base_url + "?" + urlencode({k: v for k, v in q.items() if v and v != 1})

    rows = []
    for user in users:
        rows.append({
            "user": user, "url": scope.user_url(user),
            "accounts": [n for _o, n, _a in scope.accounts_of(user)] if scope.org is not None else [],
            "roles": [str(_t(request, r.title)) if r is not None else name for _o, name, r in scope.roles_of(user)],
            "organisations": user.org_slugs,
        })
    return _render(request, "admin/users.pt", {
        "scope": scope, "rows": rows, "total": total, "page": page, "pages": pages, "search": search,
        "link": link, "page_title": _("Пользователи")})


def user_detail(scope, user, errors=None):
    request = scope.request
    orgs = [scope.org] if scope.org is not None else []
    return _render(request, "admin/user.pt", {
        "scope": scope, "person": user, "accounts": scope.accounts_of(user), "roles": scope.roles_of(user),
        "grantable": scope.grantable_roles(scope.org) if scope.org is not None else
        sorted(request.registry.lk.roles.values(), key=lambda r: r.name),
        "can_block": scope.refusal(user, "block") is None, "can_edit": scope.refusal(user, "edit") is None,
        "can_reset": scope.refusal(user, "reset") is None and bool(user.email),
        "cover_refusal": None if scope.covers(user) else scope.refusal(user, "reset"),
        "link_refusal": scope.link_refusal(user),
        "errors": errors or [], "orgs": orgs, "page_title": user.display_title,
        "url": lambda *el: scope.user_url(user, *el)})


def _profile_schema():
    # The language is the person's own choice (the switch in the page header).
    schema = UserSchema().clone()
    for name in ("login", "blocked", "locale"):
        del schema[name]
    return schema


def user_edit(scope, user):
    request = scope.request
    refusal = scope.refusal(user, "edit")
    if refusal is not None:
        _flash(request, refusal)
        return HTTPSeeOther(scope.user_url(user))
    form = make_form(request, _profile_schema(), buttons=(deform.Button("save", _("Сохранить")),),
                     action=scope.user_url(user, "edit"))
    title = _("Изменить: ${name}", mapping={"name": user.display_title})
    if request.method == "POST":
        appstruct, failed = validate(form, request)
        if failed is not None:
            return _render(request, "admin/form.pt", {"form": failed, "title": title, "page_title": title})
        email = (appstruct.pop("email", "") or "").strip().lower()
        changes = user.set_values(appstruct)
        if not email and user.email:
            # Removing the address needs no confirmation: it sends nothing anywhere.
            changes.update(user.set_values({"email": ""}))
            cancel_email_change(user)
        if changes:
            scope.users.reindex(user)
            scope.audit("user.edit", user, changes)
        if email and email != user.email:
            _ask_to_confirm_email(scope, user, email)
            if changes:
                _flash(request, _("Сохранено"))
            _flash(request, _("Новый адрес ${email} начнёт действовать, когда его подтвердят по ссылке, "
                              "отправленной на него; до тех пор письма для смены пароля уходят на прежний адрес.",
                              mapping={"email": email}))
            return HTTPSeeOther(scope.user_url(user))
        _flash(request, _("Сохранено") if changes else _("Изменений нет"))
        return HTTPSeeOther(scope.user_url(user))
    values = {k: v for k, v in user.get_values(["name", "email", "phone"]).items() if v}
    return _render(request, "admin/form.pt", {"form": form.render(values), "title": title, "page_title": title})


# --- actions ------------------------------------------------------------------

def _recipient_localizer(request, user):
    """The letter is in the recipient's language, not the sender's."""
    if user.locale not in LANGUAGES:
        return get_localizer(request) if request.locale_name == DEFAULT_LANGUAGE else \
            make_localizer(DEFAULT_LANGUAGE, request.registry.queryUtility(ITranslationDirectories, default=[]))
    return make_localizer(user.locale, request.registry.queryUtility(ITranslationDirectories, default=[]))


def _send_link(scope, user, lifetime, subject, text):
    request = scope.request
    token = secrets.token_urlsafe(32)
    scope.platform.reset_tokens[_digest(token)] = (user.login, timestamp() + lifetime)
    where = scope.org if scope.org is not None else scope.platform
    link = urls.link(request, where, "reset", query={"token": token})  # never on the request's Host
    loc = _recipient_localizer(request, user)
    send_mail(request, user.email, loc.translate(subject), loc.translate(_(text, mapping={"link": link})))


def _ask_to_confirm_email(scope, user, address):
    """Make ``address`` the user's pending e-mail: a confirmation link goes
    to it, a notice to the address in use (which resets keep using)."""
    request = scope.request
    token = request_email_change(user, address)
    where = scope.org if scope.org is not None else scope.platform
    link = urls.link(request, where, "confirm-email", query={"login": user.login, "token": token})  # never the request's Host
    loc = _recipient_localizer(request, user)
    send_mail(request, address, loc.translate(_("Подтвердите адрес эл. почты")),
              loc.translate(_(CONFIRM_EMAIL_TEXT, mapping={"login": user.login, "link": link,
                                                            "hours": EMAIL_CONFIRM_LIFETIME // 3600})))
    if user.email:
        send_mail(request, user.email, loc.translate(_("Смена адреса эл. почты")),
                  loc.translate(_(EMAIL_CHANGE_NOTICE, mapping={"login": user.login, "email": address})))
    scope.audit("user.email-change", user, {"pending_email": (None, address)})


CONFIRM_EMAIL_TEXT = _("Этот адрес указан как новый адрес эл. почты учётной записи ${login} в личном кабинете. "
                       "Чтобы подтвердить его, откройте ссылку (действует ${hours} ч):\n${link}\n\n"
                       "Пока адрес не подтверждён, письма для смены пароля уходят на прежний адрес. "
                       "Если вы не ждали этого письма, ничего не делайте.")
EMAIL_CHANGE_NOTICE = _("Для вашей учётной записи ${login} в личном кабинете указан новый адрес эл. почты: "
                        "${email}. Он начнёт действовать, только когда его подтвердят по ссылке, отправленной "
                        "на новый адрес.\n\nЕсли вы об этом не просили, обратитесь в свою организацию.")

RESET_TEXT = _("Для вашей учётной записи запрошена смена пароля. Чтобы задать новый пароль, откройте ссылку "
              "(действует 1 час):\n${link}\n\nЕсли вы не ждали этого письма, ничего не делайте.")
WELCOME_TEXT = _("Для вас создана учётная запись в личном кабинете. Чтобы задать пароль, откройте ссылку "
                "(действует 3 дня):\n${link}")


def do_action(scope, user, action):
    """Run one POSTed action; returns the message to flash. Raises Refused."""
    request = scope.request
    params = request.POST
    loc = get_localizer(request)
    if action in ("block", "unblock"):
        refusal = scope.refusal(user, action)
        if refusal is not None:
            raise Refused(refusal)
        if user.blocked == (action == "block"):
            return _("Пользователь уже заблокирован.") if user.blocked else _("Пользователь не заблокирован.")
        set_blocked(scope.platform, user, action == "block")
        scope.audit("user." + action, user, {"blocked": (not user.blocked, user.blocked)})
        return _("Пользователь заблокирован, его сеансы завершены.") if user.blocked else \
            _("Пользователь разблокирован.")
    if action == "reset":
        refusal = scope.refusal(user, "reset")
        if refusal is not None:
            raise Refused(refusal)
        if not user.email:
            raise Refused(_("У пользователя не указана эл. почта — ссылку отправить некуда."))
        if user.blocked:
            raise Refused(_("Пользователь заблокирован: сначала разблокируйте его."))
        _send_link(scope, user, RESET_LIFETIME, _("Смена пароля"), RESET_TEXT)
        scope.audit("user.reset", user)
        return _("Ссылка для смены пароля отправлена на ${email}.", mapping={"email": user.email})
    if action == "cancel-email":
        refusal = scope.refusal(user, action)
        if refusal is not None:
            raise Refused(refusal)
        if not user.pending_email:
            return _("Новый адрес эл. почты не ожидает подтверждения.")
        pending = user.pending_email
        cancel_email_change(user)
        scope.audit("user.email-cancel", user, {"pending_email": (pending, None)})
        return _("Смена адреса эл. почты отменена.")
    if action == "link":
        refusal = scope.link_refusal(user)
        if refusal is not None:
            raise Refused(refusal)
    if action in ("link", "unlink"):
        org = scope.target_org(params)
        number = (params.get("number") or "").strip()[:32]
        if not number:
            raise Refused(_("Укажите номер лицевого счёта."))
        folder = org.get("accounts")
        account = folder.get(number) if folder is not None else None
        if account is None:
            raise Refused(_("В организации «${org}» нет лицевого счёта № ${number}. Привязать можно только "
                            "счета этой организации.", mapping={"org": org.display_name, "number": number}))
        changes = {}
        if action == "link":
            if user.login in account.holders and (org.slug, number) in user.accounts:
                return _("Счёт № ${number} уже привязан.", mapping={"number": number})
            reason = " ".join((params.get("reason") or "").split())[:REASON_MAX]
            if not reason:
                raise Refused(_("Укажите причину привязки счёта (например, заявление жителя и его дата)."))
            link_account(user, account)
            changes = {"account": (None, "%s/%s" % (org.slug, number)), "reason": (None, reason)}
        else:
            if (org.slug, number) not in user.accounts and user.login not in account.holders:
                raise Refused(_("Счёт № ${number} не привязан к этому пользователю.", mapping={"number": number}))
            unlink_account(user, account)
            changes = {"account": ("%s/%s" % (org.slug, number), None)}
        scope.audit("user." + action, user, changes, org=org)
        return _("Счёт № ${number} привязан.", mapping={"number": number}) if action == "link" else \
            _("Счёт № ${number} отвязан.", mapping={"number": number})
    if action in ("grant", "revoke"):
        org = scope.target_org(params)
        name = (params.get("role") or "").strip()[:64]
        roles = request.registry.lk.roles
        if name not in roles:
            raise Refused(_("Нет такой роли: «${role}».", mapping={"role": name}) if name else
                          _("Выберите роль."))
        if name not in [r.name for r in scope.grantable_roles(org)]:
            raise Refused(_("Роль «${role}» может назначать или снимать только администратор организации.",
                            mapping={"role": loc.translate(roles[name].title)}) if name == "org_admin" else
                          _("Нельзя назначать или снимать роль «${role}»: у вас самих нет всех её прав.",
                            mapping={"role": loc.translate(roles[name].title)}))
        held = name in org.staff.get(user.login, ())
        if action == "revoke" and name == "org_admin" and user.login == scope.actor.login \
                and not scope.actor.is_operator:
            raise Refused(_("Нельзя снять роль администратора с самого себя."))
        if action == "grant" and held:
            return _("Роль «${role}» уже назначена.", mapping={"role": loc.translate(roles[name].title)})
        if action == "revoke" and not held:
            raise Refused(_("У пользователя нет роли «${role}» в этой организации.",
                            mapping={"role": loc.translate(roles[name].title)}))
        before = tuple(org.staff.get(user.login, ()))
        grant_role(org, user, name, request.registry, revoke=action == "revoke")
        scope.audit("user." + action, user, {"roles": (before, tuple(org.staff.get(user.login, ())))}, org=org)
        return _("Роль «${role}» назначена.", mapping={"role": loc.translate(roles[name].title)}) \
            if action == "grant" else \
            _("Роль «${role}» снята.", mapping={"role": loc.translate(roles[name].title)})
    raise HTTPNotFound()


def dispatch(scope):
    """Route ``<base>[/<login>[/<action>]]`` by the subpath."""
    request = scope.request
    sub = request.subpath
    if not sub:
        if request.method not in ("GET", "HEAD"):
            raise HTTPMethodNotAllowed()
        return user_list(scope)
    if len(sub) > 2:
        raise HTTPNotFound()
    user = scope.find(sub[0])
    if len(sub) == 1:
        if request.method not in ("GET", "HEAD"):
            raise HTTPMethodNotAllowed()
        return user_detail(scope, user)
    action = sub[1]
    if action == "edit":
        return user_edit(scope, user)
    if action not in ACTIONS:
        raise HTTPNotFound()
    if request.method != "POST":
        return HTTPSeeOther(scope.user_url(user))
    try:
        message = do_action(scope, user, action)
    except Refused as refused:
        request.response.status = 400
        return user_detail(scope, user, errors=[refused.message])
    _flash(request, message)
    # An unlinked person may no longer belong to this organisation at all.
    return HTTPSeeOther(scope.user_url(user) if scope.visible(user) else scope.base_url)


@view_config(context=Organisation, name="users", permission="users.manage")
def organisation_users(context, request):
    return dispatch(Scope(request, context))


@view_config(context=Folder, name="admin", content_type="user", permission="operator.manage")
def platform_users(context, request):
    return dispatch(Scope(request, None))


# --- creating a person ------------------------------------------------------------

def add_schema(scope):
    """UserSchema plus how the first password is set and, in an
    organisation, an account to link and a role to grant."""
    schema = UserSchema().clone()
    del schema["blocked"]
    schema["locale"].widget = deform.widget.SelectWidget(values=list(LANGUAGES.items()))
    schema.add(colander.SchemaNode(
        colander.String(), name="password_mode", oid="password_mode", title=_("Пароль"),
        widget=deform.widget.RadioChoiceWidget(values=(
            ("link", _("Отправить ссылку для установки пароля на эл. почту")),
            ("password", _("Задать пароль сейчас")))),
        validator=colander.OneOf(("link", "password")), default="link", missing="link"))
    schema.add(colander.SchemaNode(
        colander.String(), name="password", title=_("Начальный пароль"), missing="",
        description=_("Не короче 12 символов; только если выбрано «Задать пароль сейчас»."),
        widget=deform.widget.CheckedPasswordWidget(), validator=colander.Length(max=128)))
    if scope.org is not None:
        schema.add(colander.SchemaNode(
            colander.String(), name="account", title=_("Лицевой счёт для привязки"), missing="",
            description=_("Номер счёта этой организации (необязательно)."), validator=colander.Length(max=32)))
        schema.add(colander.SchemaNode(
            colander.String(), name="reason", title=_("Причина привязки счёта"), missing="",
            description=_("Обязательно, если указан счёт: на основании чего он привязывается (попадёт в журнал)."),
            validator=colander.Length(max=REASON_MAX)))
        roles = scope.grantable_roles(scope.org)
        schema.add(colander.SchemaNode(
            colander.String(), name="role", title=_("Роль сотрудника"), missing="",
            widget=deform.widget.SelectWidget(values=[("", _("— нет (житель) —"))] +
                                              [(r.name, r.title) for r in roles]),
            validator=colander.OneOf([""] + [r.name for r in roles])))

    def check(node, values):
        exc = colander.Invalid(node)
        login = values.get("login") or ""
        if login in scope.users:
            exc["login"] = _("Логин «${login}» уже занят.", mapping={"login": login})
        if values.get("password_mode") == "password":
            problems = password_problems(values.get("password") or "", login, values.get("name") or "")
            if not values.get("password"):
                exc["password"] = _("Введите пароль или выберите отправку ссылки.")
            elif problems:
                exc["password"] = problems[0]
        elif not values.get("email"):
            exc["email"] = _("Чтобы отправить ссылку, укажите эл. почту.")
        number = (values.get("account") or "").strip()
        if number:
            folder = scope.org.get("accounts")
            if folder is None or number not in folder:
                exc["account"] = _("В организации «${org}» нет лицевого счёта № ${number}.",
                                   mapping={"org": scope.org.display_name, "number": number})
            elif values.get("role"):
                exc["account"] = _("Это учётная запись сотрудника или оператора: лицевые счета к ней не "
                                   "привязываются. Для кабинета жителя нужна отдельная учётная запись.")
            elif not " ".join((values.get("reason") or "").split()):
                exc["reason"] = _("Укажите причину привязки счёта (например, заявление жителя и его дата).")
        if exc.children:
            raise exc

    schema.validator = check
    return schema


def user_add(scope):
    request = scope.request
    title = _("Новый пользователь")
    form = make_form(request, add_schema(scope), buttons=(deform.Button("save", _("Создать")),),
                     action=scope.add_url)
    if request.method != "POST":
        return _render(request, "admin/form.pt", {"form": form.render(), "title": title, "page_title": title})
    appstruct, failed = validate(form, request)
    if failed is not None:
        request.response.status = 400
        return _render(request, "admin/form.pt", {"form": failed, "title": title, "page_title": title})
    mode = appstruct.pop("password_mode")
    password = appstruct.pop("password") or None
    number = (appstruct.pop("account", "") or "").strip()
    reason = " ".join((appstruct.pop("reason", "") or "").split())
    role = appstruct.pop("role", "")
    login = appstruct.pop("login")
    values = {k: v for k, v in appstruct.items() if v not in (None, colander.null)}
    if values.get("email"):
        values["email"] = values["email"].strip().lower()
    if scope.org is not None:
        values["home_organisation"] = scope.org.slug
    try:
        user = create_user(scope.platform, login, password if mode == "password" else None, **values)
    except (KeyError, PasswordRejected):  # raced with another request; the form said it was free
        _flash(request, _("Логин «${login}» уже занят.", mapping={"login": login}))
        return HTTPSeeOther(scope.add_url)
    scope.audit("user.add", user, {k: (None, v) for k, v in values.items() if k != "home_organisation" and v} |
                {"login": (None, user.login)})
    if number:
        link_account(user, scope.org["accounts"][number])
        scope.audit("user.link", user, {"account": (None, "%s/%s" % (scope.org.slug, number)),
                                        "reason": (None, reason)})
    if role:
        grant_role(scope.org, user, role, request.registry)
        scope.audit("user.grant", user, {"roles": ((), (role,))})
    if mode == "link":
        _send_link(scope, user, WELCOME_LIFETIME, _("Ваша учётная запись в личном кабинете"), WELCOME_TEXT)
        _flash(request, _("Пользователь создан; ссылка для установки пароля отправлена на ${email}.",
                                mapping={"email": user.email}))
    else:
        _flash(request, _("Пользователь создан."))
    return HTTPFound(scope.user_url(user))


@view_config(context=Organisation, name="add-user", permission="users.manage")
def organisation_user_add(context, request):
    return user_add(Scope(request, context))


@view_config(context=Folder, name="add", content_type="user", permission="operator.manage")
def platform_user_add(context, request):
    return user_add(Scope(request, None))



# --- confirming a changed e-mail address -------------------------------------------

def _pending_owner(request):
    """The user whose pending address the link's token confirms, or None."""
    login = normalise_login(request.params.get("login", ""))[:64]
    token = request.params.get("token", "")[:100]
    user = get_platform(request).users.get(login) if login and token else None
    if user is None or not user.pending_email_live:
        return None, token
    return user, token


@view_config(context=Platform, name="confirm-email", permission=NO_PERMISSION_REQUIRED)
@view_config(context=Organisation, name="confirm-email", permission=NO_PERMISSION_REQUIRED)
def confirm_email(context, request):
    """The link mailed to a new address. Opening it shows a button (mail
    scanners that fetch links confirm nothing); pressing it makes the
    address the one in use, once, within its lifetime."""
    user, token = _pending_owner(request)
    ns = {"invalid": False, "login": "", "token": "", "email": "", "page_title": _("Подтверждение адреса эл. почты")}
    if user is not None and request.method == "POST":
        changed = confirm_email_change(user, token)
        if changed is not None:
            audit(request, "user.email-confirm", user, {"email": changed}, organisation=request.organisation)
            _flash(request, _("Адрес эл. почты ${email} подтверждён.", mapping={"email": changed[1]}))
            return HTTPSeeOther(request.resource_url(context, "login") if request.user is None else
                                request.resource_url(context))
        user = None
    elif user is not None and not hmac.compare_digest(user.pending_email_digest, token_digest(token)):
        user = None
    if user is None:
        request.response.status = 400
        ns["invalid"] = True
    else:
        ns.update(login=user.login, token=token, email=user.pending_email)
    return _render(request, "confirm_email.pt", ns)
