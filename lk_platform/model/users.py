"""People: residents, staff and operators live at platform level, so one
person can hold accounts at several organisations."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

import colander
from pyramid.authorization import Allow

from lk_platform.i18n import LANGUAGES, _
from lk_platform.model import sessions
from lk_platform.model.content import Content
from lk_platform.model.organisations import find_organisation
from lk_platform.model.stamps import touch, touch_access
from lk_platform.util.dates import timestamp
from lk_platform.util.passwords import hash_password, password_problems


class User(Content):
    type_name = "user"
    searchable_fields = ("login", "name", "email", "phone")

    name = ""
    email = ""
    phone = ""
    password_hash = ""
    blocked = False
    is_operator = False
    locale = None
    accounts: tuple = ()      # ((organisation slug, account number), ...)
    staff_of: tuple = ()      # organisation slugs where the user has roles
    home_organisation = ""    # slug of the organisation whose staff created the user
    created = None
    last_login = None
    password_changed = None
    # A new e-mail address waits here until confirmed by the link mailed to
    # it; until then ``email`` (the old address) is the one resets go to.
    pending_email = ""
    pending_email_digest = ""   # sha256 of the confirmation token (the token is only mailed)
    pending_email_expires = 0.0  # unix seconds (util.dates.timestamp) after which the token is refused

    @property
    def login(self):
        return self.__name__

    @property
    def __acl__(self):
        return [(Allow, "user:" + self.__name__, ("profile.edit",))]

    def link_account(self, org_slug: str, number: str):
        pair = (org_slug, number)
        if pair not in self.accounts:
            self.accounts = self.accounts + (pair,)
            _reindex(self)   # org_slugs changed

    def unlink_account(self, org_slug: str, number: str):
        pair = (org_slug, number)
        if pair in self.accounts:
            self.accounts = tuple(p for p in self.accounts if p != pair)
            _reindex(self)

    @property
    def pending_email_expiry(self):
        """When the confirmation link for ``pending_email`` stops working (aware datetime)."""
        if not self.pending_email:
            return None
        return dt.datetime.fromtimestamp(self.pending_email_expires, dt.timezone.utc)

    @property
    def pending_email_live(self) -> bool:
        return bool(self.pending_email and self.pending_email_digest) and self.pending_email_expires >= timestamp()

    @property
    def display_title(self):
        return self.name or self.__name__

    @property
    def org_slugs(self) -> tuple:
        """Organisations the user is linked to (keyword index ``k_org_slugs``):
        holder of an account there, staff, or created by its staff."""
        slugs = {slug for slug, _n in self.accounts} | set(self.staff_of)
        if self.home_organisation:
            slugs.add(self.home_organisation)
        return tuple(sorted(slugs))


def normalise_login(login: str) -> str:
    return (login or "").strip().lower()


class UserSchema(colander.Schema):
    login = colander.SchemaNode(
        colander.String(), title=_("Логин"),
        preparer=normalise_login,
        validator=colander.Regex(r"^[a-z0-9][a-z0-9._@\-]{2,63}$",
                                 msg=_("3–64 знака: латинские буквы, цифры, точка, дефис, @")))
    name = colander.SchemaNode(colander.String(), title=_("ФИО"),
                               validator=colander.Length(max=200), missing="")
    email = colander.SchemaNode(colander.String(), title=_("Эл. почта"),
                                validator=colander.Email(msg=_("Неверный адрес эл. почты")),
                                missing="")
    phone = colander.SchemaNode(colander.String(), title=_("Телефон"),
                                validator=colander.Regex(r"^[0-9+()\- ]{0,20}$",
                                                         msg=_("Неверный номер телефона")),
                                missing="")
    locale = colander.SchemaNode(colander.String(), title=_("Язык"),
                                 validator=colander.OneOf(list(LANGUAGES)), missing="ru")
    blocked = colander.SchemaNode(colander.Boolean(), title=_("Заблокирован"), missing=False)


def utcnow():
    return dt.datetime.now(dt.timezone.utc)


class PasswordRejected(ValueError):
    def __init__(self, problems):
        super().__init__("; ".join(p.interpolate() if hasattr(p, "interpolate") else str(p) for p in problems))
        self.problems = problems


def create_user(platform, login: str, password: str | None = None, **values):
    """Add a user; ``password`` must pass the policy. KeyError if taken."""
    login = normalise_login(login)
    if login in platform.users:
        raise KeyError(login)
    user = User(created=utcnow(), **values)
    if password is not None:
        problems = password_problems(password, login)
        if problems:
            raise PasswordRejected(problems)
        user.password_hash = hash_password(password)
        user.password_changed = utcnow()
    platform.users.add(user, login)
    platform.users.ensure_indexes(**USER_INDEXES)
    platform.users.reindex(user)
    return user


#: the catalog of platform.users (lists search, sort by login, filter by organisation)
USER_INDEXES = dict(fields=("email", "name", "login"), text=True, keywords=("org_slugs",))


def _reindex(user):
    folder = user.__parent__
    if folder is not None and hasattr(folder, "reindex"):
        folder.reindex(user)


def set_password(platform, user, password: str):
    problems = password_problems(password, user.login)
    if problems:
        raise PasswordRejected(problems)
    user.password_hash = hash_password(password)
    user.password_changed = utcnow()
    sessions.end_all_for(platform, user.login)


def set_blocked(platform, user, blocked: bool):
    if user.blocked != blocked:
        user.blocked = blocked
        touch_access(platform)
    if blocked:
        sessions.end_all_for(platform, user.login)


def grant_role(org, user, role: str, registry, revoke: bool = False):
    if role not in registry.lk.roles:
        raise KeyError(role)
    roles = set(org.staff.get(user.login, ()))
    roles.discard(role) if revoke else roles.add(role)
    before = org.staff.get(user.login)
    if roles:
        if before != tuple(sorted(roles)):
            org.staff[user.login] = tuple(sorted(roles))
    else:
        org.staff.pop(user.login, None)
    if org.staff.get(user.login) != before:
        touch(org)      # cached pages of this organisation depend on who has which role
        touch_access(org)
    slugs = set(user.staff_of)
    slugs.add(org.slug) if roles else slugs.discard(org.slug)
    if tuple(sorted(slugs)) != user.staff_of:
        user.staff_of = tuple(sorted(slugs))
        _reindex(user)


def link_account(user, account):
    """Make ``user`` a holder of ``account`` (both sides are recorded)."""
    org = find_organisation(account)
    if user.login not in account.holders:
        account.holders = account.holders + (user.login,)
    user.link_account(org.slug, account.number)
    touch_access(account)


def unlink_account(user, account):
    org = find_organisation(account)
    if user.login in account.holders:
        account.holders = tuple(h for h in account.holders if h != user.login)
    user.unlink_account(org.slug, account.number)
    touch_access(account)


# --- changing the e-mail address ----------------------------------------------------

#: how long the link confirming a new e-mail address works
EMAIL_CONFIRM_LIFETIME = 24 * 3600


def token_digest(token: str) -> str:
    """What is stored of a one-time token (as for password reset tokens)."""
    return hashlib.sha256(token.encode()).hexdigest()


def request_email_change(user, address: str, lifetime: int = EMAIL_CONFIRM_LIFETIME) -> str:
    """Record ``address`` as the user's pending e-mail and return the one-time
    token to mail to it; only its digest is stored. ``user.email`` (where
    password resets go) stays as it is until :func:`confirm_email_change`.
    A new request replaces an earlier one (its link stops working)."""
    token = secrets.token_urlsafe(32)
    user.pending_email = address
    user.pending_email_digest = token_digest(token)
    user.pending_email_expires = timestamp() + lifetime
    return token


def confirm_email_change(user, token: str):
    """Make the pending address the user's e-mail if ``token`` is the live
    one. Returns ``(old, new)``, or None if the token is wrong, expired or
    already used (each token works once)."""
    if not user.pending_email_live or not token or \
            not hmac.compare_digest(user.pending_email_digest, token_digest(token)):
        return None
    old, new = user.email, user.pending_email
    user.email = new
    cancel_email_change(user)
    _reindex(user)      # the e-mail index is what /forgot looks addresses up in
    return old, new


def cancel_email_change(user):
    if user.pending_email or user.pending_email_digest:
        user.pending_email = ""
        user.pending_email_digest = ""
        user.pending_email_expires = 0.0
