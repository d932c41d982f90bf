"""Reminders by e-mail through the transaction-aware outbox: the submission
window is open and readings are missing; a meter's verification is due.

:func:`send_reminders` does one organisation inside the caller's
transaction (the staff "send now" button); :func:`remind_all` and the
``lk meters reminders`` command do every organisation that has the plugin
on, for cron. Each reminder is recorded (per account and period, per meter
and due date), so running them daily sends each one once.
"""
from __future__ import annotations

import datetime as dt

from lk_platform.util.outbox import send_mail

from .meters import meters_folder
from .orgsettings import meter_settings
from .periods import period_title
from .readings import current, now_ts, period_index
from .submission import window_state

PLUGIN = "meters"


def _emails(platform, logins) -> list[str]:
    out = []
    for login in logins:
        user = platform.users.get(login)
        if user is not None and not user.blocked and user.email and user.email not in out:
            out.append(user.email)
    return out


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


def window_reminders(request, organisation, today: dt.date) -> int:
    platform = _platform_of(organisation)
    sent = 0
    form_url = request.resource_url(organisation, "readings")
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
        emails = _emails(platform, account.holders)
        if not emails:
            continue
        lines = ["Здравствуйте!", "",
                 "Открыт приём показаний счётчиков за %s по лицевому счёту № %s (%s)." % (
                     period_title(period), account.number, account.address), ""]
        for meter, state in due:
            until = (" — до %s" % state.closes_on.strftime("%d.%m.%Y")) if state.closes_on else ""
            lines.append("• %s%s" % (meter.display_title, until))
        lines += ["", "Передать показания: %s" % form_url, "", organisation.display_name]
        send_mail(request, emails, "Передайте показания счётчиков за %s" % period_title(period), "\n".join(lines))
        index.mark_reminded(account.number, now_ts())
        sent += 1
    return sent


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
        emails = _emails(platform, account.holders) if account is not None and not account.closed else []
        if not emails:
            continue
        lines = ["Здравствуйте!", "", "По лицевому счёту № %s (%s) подходит срок поверки счётчиков:" % (
            account.number, account.address), ""]
        for meter in sorted(meters, key=lambda m: m.next_verification):
            due = meter.next_verification.strftime("%d.%m.%Y")
            lines.append("• %s — %s %s" % (meter.display_title, "срок истёк" if meter.next_verification < today
                                           else "поверка до", due))
        lines += ["", "Счётчик с истёкшим сроком поверки считается неисправным: показания по нему могут не "
                      "учесть при начислении. Закажите поверку и сообщите нам её дату.", "",
                  organisation.display_name]
        send_mail(request, emails, "Срок поверки счётчиков по лицевому счёту № %s" % account.number,
                  "\n".join(lines))
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
    parser.add_argument("--org", action="append", default=[], help="только эта организация (можно повторять)")


def reminders_command(args, platform, request):
    """``lk -c INI meters reminders [--org SLUG]``: for cron, daily."""
    for slug, counts in remind_all(request.registry, args.org).items():
        print("%s: писем о приёме показаний — %d, о поверке — %d" % (slug, counts["window"],
                                                                     counts["verification"]))
