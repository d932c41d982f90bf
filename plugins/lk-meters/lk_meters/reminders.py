"""Reminders by e-mail through the transaction-aware outbox: the submission
window is open and readings are missing; a meter's verification is due.

:func:`send_reminders` does one organisation inside the caller's
transaction (the staff "send now" button); :func:`remind_all` and the
``lk meters reminders`` command do every organisation that has the plugin
on, for cron. Each reminder is recorded (per account and period, per meter
and due date), so running them daily sends each one once. A letter is
written in its reader's language (``user.locale``): holders of one account
who read different languages get one letter each.
"""
from __future__ import annotations

import datetime as dt
import functools

from lk_platform.i18n import DEFAULT, LANGUAGES, translate
from lk_platform.tenancy.urls import link
from lk_platform.util import periods
from lk_platform.util.outbox import send_mail

from .i18n import _
from .meters import meters_folder
from .readings import current, now_ts, period_index
from .settings import meter_settings
from .submission import window_state

PLUGIN = "meters"


def _recipients(platform, logins) -> dict[str, list[str]]:
    """``{locale: [e-mail addresses]}`` of the account holders who can get
    mail: each letter is written in its readers' language."""
    out: dict[str, list[str]] = {}
    seen = set()
    for login in logins:
        user = platform.users.get(login)
        if user is None or user.blocked or not user.email or user.email in seen:
            continue
        seen.add(user.email)
        out.setdefault(user.locale if user.locale in LANGUAGES else DEFAULT, []).append(user.email)
    return out


def _translator(request, locale):
    return functools.partial(translate, locale=locale, registry=request.registry)


def _platform_of(organisation):
    return organisation.organisations_folder.__parent__


def _accounts_with_meters(organisation):
    """``(account, meters)`` for every account that has meters, via the catalog."""
    folder = meters_folder(organisation)
    accounts = organisation.get("accounts")
    if folder is None or accounts is None or "f_account" not in folder.catalog:
        return
    index = folder.catalog["f_account"]
    for value in list(index.unique_values()):
        docids = index.eq(value).execute().ids
        meters = sorted((folder.resolve(d) for d in docids), key=lambda m: m.id)
        account = accounts.get(meters[0].account) if meters else None
        if account is not None and account.holders and not account.closed:
            yield account, meters


def window_letter(organisation, account, period, due, form_url, t) -> tuple[str, str]:
    """``(subject, body)``: the window is open and readings are missing."""
    lines = [t(_("Здравствуйте!")), "",
             t(_("Открыт приём показаний счётчиков за ${period} по лицевому счёту № ${number} (${address}).",
                 mapping={"period": periods.label(period, t), "number": account.number,
                          "address": account.address})), ""]
    for meter, state in due:
        if state.closes_on:
            lines.append("• " + t(_("${meter} — до ${date}", mapping={
                "meter": meter.title(t), "date": state.closes_on.strftime("%d.%m.%Y")})))
        else:
            lines.append("• " + meter.title(t))
    lines += ["", t(_("Передать показания: ${url}", mapping={"url": form_url})), "", organisation.display_name]
    subject = t(_("Передайте показания счётчиков за ${period}", mapping={"period": periods.label(period, t)}))
    return subject, "\n".join(lines)


def window_reminders(request, organisation, today: dt.date) -> int:
    platform = _platform_of(organisation)
    sent = 0
    form_url = link(request, organisation, "readings")
    for account, meters in _accounts_with_meters(organisation):
        due = []
        for meter in meters:
            if not meter.is_active or meter.automatic:
                continue
            state = window_state(organisation, meter, today)
            reading = current(meter, state.period) if state.open else None
            if state.open and (reading is None or reading.status == "rejected"):
                due.append((meter, state))
        if not due:
            continue
        period = due[0][1].period
        index = period_index(organisation, period, create=True)
        if index.was_reminded(account.number):
            continue
        recipients = _recipients(platform, account.holders)
        if not recipients:
            continue
        for locale, emails in sorted(recipients.items()):
            subject, body = window_letter(organisation, account, period, due, form_url, _translator(request, locale))
            send_mail(request, emails, subject, body)
        index.mark_reminded(account.number, now_ts())
        sent += 1
    return sent


def verification_letter(organisation, account, meters, today, t) -> tuple[str, str]:
    """``(subject, body)``: meters whose verification is due or overdue."""
    lines = [t(_("Здравствуйте!")), "",
             t(_("По лицевому счёту № ${number} (${address}) подходит срок поверки счётчиков:",
                 mapping={"number": account.number, "address": account.address})), ""]
    for meter in sorted(meters, key=lambda m: m.next_verification):
        due = meter.next_verification.strftime("%d.%m.%Y")
        line = _("${meter} — срок истёк ${date}", mapping={"meter": meter.title(t), "date": due}) \
            if meter.next_verification < today else \
            _("${meter} — поверка до ${date}", mapping={"meter": meter.title(t), "date": due})
        lines.append("• " + t(line))
    lines += ["", t(_("Счётчик с истёкшим сроком поверки считается неисправным: показания по нему могут не "
                      "учесть при начислении. Закажите поверку и сообщите нам её дату.")), "",
              organisation.display_name]
    subject = t(_("Срок поверки счётчиков по лицевому счёту № ${number}", mapping={"number": account.number}))
    return subject, "\n".join(lines)


def verification_reminders(request, organisation, today: dt.date, days: int) -> int:
    platform = _platform_of(organisation)
    folder = meters_folder(organisation)
    if folder is None or "f_next_verification" not in folder.catalog:
        return 0
    index = folder.catalog["f_next_verification"]
    docids = index.inrange(today - dt.timedelta(days=366), today + dt.timedelta(days=days)).execute().ids
    by_account: dict[str, list] = {}
    for docid in docids:
        meter = folder.resolve(docid)
        if not meter.is_active or meter.verification_reminded == meter.next_verification:
            continue
        by_account.setdefault(meter.account, []).append(meter)
    sent = 0
    accounts = organisation.get("accounts")
    for number, meters in sorted(by_account.items()):
        account = accounts.get(number) if accounts is not None else None
        recipients = _recipients(platform, account.holders) if account is not None and not account.closed else {}
        if not recipients:
            continue
        for locale, emails in sorted(recipients.items()):
            subject, body = verification_letter(organisation, account, meters, today, _translator(request, locale))
            send_mail(request, emails, subject, body)
        for meter in meters:
            meter.verification_reminded = meter.next_verification
        sent += 1
    return sent


def send_reminders(request, organisation, today: dt.date | None = None, kinds=("window", "verification")) -> dict:
    """Send what is due for ``organisation`` now; returns counts of e-mails."""
    today = today or organisation.now().date()
    settings = meter_settings(organisation)
    result = {"window": 0, "verification": 0}
    if "window" in kinds and settings.remind_window:
        result["window"] = window_reminders(request, organisation, today)
    if "verification" in kinds and settings.remind_verification:
        result["verification"] = verification_reminders(request, organisation, today,
                                                        settings.verification_notice_days)
    return result


def remind_all(registry, slugs=()) -> dict:
    """Every organisation with the plugin on (or the given ones), each in its
    own transaction; for cron. Returns ``{slug: counts}``."""
    import transaction
    from pyramid.request import Request

    from lk_platform.model.platform import ROOT_KEY
    db = registry.lk.database
    results = {}
    tm = transaction.TransactionManager()
    conn = db.open(tm)
    try:
        tm.begin()
        platform = conn.root()[ROOT_KEY]
        names = [s for s in (slugs or platform.organisations.keys())]
        tm.abort()
        for slug in names:
            tm.begin()
            org = platform.organisations.get(slug)
            if org is None or not org.is_enabled(PLUGIN):
                tm.abort()
                continue
            request = Request.blank("/", base_url=registry.settings.get("lk.public_url", "http://127.0.0.1:6543"))
            request.registry = registry
            request.tm = tm
            request._lk_platform = platform
            request.environ["lk.identity"] = None
            try:
                results[slug] = send_reminders(request, org)
                tm.commit()
            except Exception:
                tm.abort()
                raise
    finally:
        conn.close()
    return results


def reminders_arguments(parser):
    parser.add_argument("--org", action="append", default=[],
                        help=translate(_("только эта организация (можно повторять)")))


def reminders_command(args, platform, request):
    """``lk -c INI meters reminders [--org SLUG]``: for cron, daily. The
    summary is in the platform's language (Russian)."""
    for slug, counts in remind_all(request.registry, args.org).items():
        print(translate(_("${org}: писем о приёме показаний — ${window}, о поверке — ${verification}", mapping={
            "org": slug, "window": counts["window"], "verification": counts["verification"]}),
            DEFAULT, request.registry))
