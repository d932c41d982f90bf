"""E-mail at publication: once per announcement, to the residents it targets.

An announcement with "notify by e-mail" is sent either when it is saved
with a publish time already reached, or later by
:func:`send_due_notifications` (cron: ``lk -c INI announcements send``, or
the staff button). ``notified_at`` is set in the same transaction as the
messages are queued in the transaction-aware outbox, so a message leaves
exactly when the mark is committed: a re-run finds nothing to send, and a
failed commit sends nothing.

Each resident reads the message in their own language (``user.locale``),
translated outside the request with :func:`lk_platform.i18n.translate`:
the same code serves the staff member's save and the cron command.
"""
from __future__ import annotations

import html as htmllib

from lk_platform.i18n import DEFAULT, LANGUAGES, translate
from lk_platform.model.audit import audit
from lk_platform.model.folders import FAMILY
from lk_platform.tenancy.urls import link
from lk_platform.util.outbox import send_mail

from .audience import building_token, service_token, street_key, street_token
from .i18n import _
from .models import CONTAINER, PLUGIN, to_utc
from .sanitiser import visible_text

OPTOUT_ATTR = "email_optout"
#: the actor the audit log names for mail sent outside a staff member's request
ACTOR = "рассылка объявлений"


# --- who gets it ----------------------------------------------------------------

def target_accounts(organisation, announcement):
    """The organisation's open accounts the announcement is addressed to,
    found through the accounts' indexes (all accounts only for "all")."""
    folder = organisation.get("accounts")
    if folder is None:
        return
    if announcement.target == "all":
        for account in folder.values():
            if not account.closed:
                yield account
        return
    wanted = set(announcement.audience)
    catalog = folder.catalog
    if announcement.target == "service":
        if "k_services" not in catalog:
            folder.ensure_indexes(keywords=("services",))
        ids = catalog["k_services"].any(list(announcement.target_services)).execute().ids
    else:
        if "f_building_key" not in catalog:
            folder.ensure_indexes(fields=("building_key",))
        index = catalog["f_building_key"]
        if announcement.target == "buildings":
            ids = index.any([k.lower() for k in announcement.target_buildings]).execute().ids
        else:
            ids = FAMILY.IF.TreeSet()
            for key in announcement.target_streets:
                prefix = key.lower() + "|"
                ids.update(index.inrange(prefix, prefix + "\uffff").execute().ids)
    for docid in ids:
        account = folder.resolve(docid)
        if account.closed:
            continue
        # The index is case-folded; check the exact token as the resident view does.
        tokens = {building_token(account.building_key)}
        if account.street:
            tokens.add(street_token(street_key(account)))
        tokens.update(service_token(s) for s in account.services or ())
        if tokens & wanted:
            yield account


def optouts(folder):
    return getattr(folder, OPTOUT_ATTR, None)


def recipients(platform, organisation, announcement):
    """``[(user, address)]``: holders of the targeted accounts with an e-mail
    address, not blocked, not opted out; one message per address."""
    folder = organisation.get(CONTAINER)
    opted_out = optouts(folder) if folder is not None else None
    logins = set()
    for account in target_accounts(organisation, announcement):
        logins.update(account.holders)
    out, seen = [], set()
    for login in sorted(logins):
        user = platform.users.get(login)
        if user is None or user.blocked or not user.email:
            continue
        if opted_out is not None and login in opted_out:
            continue
        address = user.email.strip().lower()
        if address in seen:
            continue
        seen.add(address)
        out.append((user, user.email.strip()))
    return out


# --- sending -------------------------------------------------------------------

SUBJECTS = {
    "urgent": _("Срочно: ${title} — ${organisation}"),
    "outage": _("Авария/отключение: ${title} — ${organisation}"),
}


def locale_of(user) -> str:
    locale = getattr(user, "locale", None)
    return locale if locale in LANGUAGES else DEFAULT


def message(request, organisation, announcement, locale=DEFAULT):
    """``(subject, text, html)`` of the announcement's e-mail in ``locale``.
    The announcement's own title and body are sent as staff wrote them."""
    def t(msg):
        return translate(msg, locale, request.registry)

    names = {"title": announcement.title, "organisation": organisation.display_name}
    subject = SUBJECTS.get(announcement.importance)
    subject = t(_(subject, mapping=names)) if subject else "%(title)s — %(organisation)s" % names
    url = link(request, announcement)
    settings_url = link(request, organisation[CONTAINER])
    text = "%s\n\n%s\n\n%s\n\n--\n%s\n%s\n" % (
        announcement.title, visible_text(announcement.body),
        t(_("Подробнее в личном кабинете: ${url}", mapping={"url": url})), organisation.display_name,
        t(_("Вы получили это письмо как житель, которому адресовано объявление. "
            "Отказаться от таких писем можно на странице объявлений: ${url}", mapping={"url": settings_url})))
    html = ("<h1>%s</h1>%s<p><a href=\"%s\">%s</a></p>"
            "<hr><p style=\"color:#666\">%s. %s <a href=\"%s\">%s</a>.</p>") % (
        _esc(announcement.title), announcement.safe_body, _esc(url), _esc(t(_("Открыть в личном кабинете"))),
        _esc(organisation.display_name), _esc(t(_("Отказаться от писем:"))), _esc(settings_url),
        _esc(t(_("страница объявлений"))))
    return subject, text, html


def _esc(text):
    return htmllib.escape(str(text or ""), quote=True)


def send_now(request, platform, organisation, announcement, now) -> int:
    """Send the announcement's e-mail if it is due and unsent; return the
    number of messages queued (they leave when the transaction commits)."""
    if announcement.mail_pending is not True or announcement.publish_at is None or announcement.publish_at > now:
        return 0
    folder = announcement.__parent__
    if announcement.active_until <= now:
        # Expired before it could be sent: closing it keeps it off every later run.
        announcement.notified_at = to_utc(now)
        announcement.notified_count = 0
        folder.reindex(announcement)
        audit(request, "mail-skipped:announcement", announcement, {"причина": (None, "истёк срок до рассылки")},
              organisation=organisation)
        return 0
    messages = {}   # one per language
    sent = 0
    for user, address in recipients(platform, organisation, announcement):
        locale = locale_of(user)
        if locale not in messages:
            messages[locale] = message(request, organisation, announcement, locale)
        subject, body, html = messages[locale]
        send_mail(request, address, subject, body, html=html)
        sent += 1
    announcement.notified_at = to_utc(now)
    announcement.notified_count = sent
    folder.reindex(announcement)
    audit(request, "mail:announcement", announcement, {"писем": (None, sent)}, organisation=organisation)
    return sent


def due(organisation, now):
    """Announcements of ``organisation`` whose e-mail is due now."""
    folder = organisation.get(CONTAINER)
    if folder is None or "f_mail_pending" not in folder.catalog:
        return []
    catalog = folder.catalog
    ids = (catalog["f_mail_pending"].eq(True) & catalog["f_publish_at"].le(now)).execute().ids
    return [folder.resolve(d) for d in ids]


def pending(organisation):
    """Every announcement of ``organisation`` still waiting for its e-mail."""
    folder = organisation.get(CONTAINER)
    if folder is None or "f_mail_pending" not in folder.catalog:
        return []
    ids = folder.catalog["f_mail_pending"].eq(True).execute().ids
    return sorted((folder.resolve(d) for d in ids), key=lambda a: a.publish_at)


def send_due_for(request, platform, organisation, now=None) -> int:
    now = now or organisation.now()
    return sum(send_now(request, platform, organisation, a, now) for a in due(organisation, now))


def mail_request(platform, registry):
    """A request for sending outside HTTP (cron): URLs from ``lk.public_url``,
    mail joined to the platform connection's transaction."""
    from pyramid.request import Request
    request = Request.blank("/", base_url=registry.settings.get("lk.public_url", "http://127.0.0.1:6543"))
    request.registry = registry
    request.tm = platform._p_jar.transaction_manager
    request._lk_platform = platform
    request.environ["lk.identity"] = None
    request.environ["lk.actor"] = ACTOR
    return request


def send_due_notifications(platform, registry, request=None, now=None) -> int:
    """Send every due, unsent announcement e-mail of every organisation that
    has the plugin on. The caller commits (the messages leave then)."""
    request = request or mail_request(platform, registry)
    sent = 0
    for organisation in platform.organisations.values():
        if PLUGIN in organisation.enabled_plugins:
            sent += send_due_for(request, platform, organisation,
                                 now.astimezone(organisation.tz) if now is not None else None)
    return sent


def send_command(args, platform, request):
    """``lk -c INI announcements send``: for cron, every few minutes. The CLI
    commits, and the messages leave then."""
    request.environ["lk.actor"] = ACTOR
    sent = send_due_notifications(platform, request.registry, request)
    print(translate(_("отправлено писем: ${count}", mapping={"count": sent}), DEFAULT, request.registry))
