"""Staff pages: readings of a period with filters, bulk accept/reject,
export for billing (CSV/XML) with marking, closing a period, the billing
system's answers, entering a reading for a meter at any time, reminders.
Every change is audited (in Russian, the records' language); every text
is in the staff member's language (``t = request.localizer.translate``)."""
from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice
from urllib.parse import urlencode

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.response import FileIter, Response
from pyramid.view import view_config

from lk_platform.i18n import DEFAULT, LANGUAGES, memoized, translate
from lk_platform.model.audit import audit
from lk_platform.model.organisations import Organisation
from lk_platform.model.platform import get_platform
from lk_platform.tenancy.urls import link
from lk_platform.util import periods
from lk_platform.util.outbox import send_mail
from lk_platform.util.paging import page_number, page_size

from ..export import ENCODINGS, exportable, mark_exported, read_billing_answers, write_csv, write_xml
from ..i18n import _
from ..meters import buildings_stamp, known_buildings, meters_folder
from ..models import Meter
from ..readings import FILTERS, change, current, is_closed, known_periods, now_ts, period_index, previous, record
from ..reminders import send_reminders
from ..settings import meter_settings, resources_of
from ..submission import window_state
from ..validation import Entry, check_entry, consumption
from ..vocabulary import BILLING_STATUSES, METER_STATUSES, SOURCES, STAFF_SOURCES, STATUSES, SUBMITTERS
from ..windows import CONTAINER as WINDOWS
from ..windows import ORGANISATION, organisation_window, window_for
from . import MANAGE, PLUGIN, css, history_namespace

PAGE_SIZES = (20, 50, 100)  # as the generated admin lists
BULK_LIMIT = 5000
#: Allowed status changes by staff (exported readings belong to billing now).
TRANSITIONS = {"accept": ({"received", "rejected"}, "accepted"), "reject": ({"received", "accepted"}, "rejected")}


def _filters(request, organisation):
    """The list's filters from the query string, each checked against its vocabulary."""
    params = request.params
    period = periods.parse_or_none(params.get("period", "")) or periods.of_date(organisation.now().date())
    chosen = {}
    resources = resources_of(organisation)
    folder = meters_folder(organisation)
    buildings = getattr(folder, "buildings", None) or {}
    for name, allowed in (("status", STATUSES), ("resource", resources), ("source", SOURCES),
                          ("building", buildings)):
        value = params.get(name, "")
        if value and value in allowed:
            chosen[name] = value
    return period, chosen


def list_url(request, organisation, period, filters, **extra):
    query = {"period": periods.iso(period), **filters, **extra}
    return request.resource_url(organisation, "@@meter-readings") + "?" + urlencode(
        {k: v for k, v in query.items() if v})


@dataclass
class ListRow:
    """One line of the staff list, its texts worked out here (50 a page)."""
    id: str
    account: str
    address: str
    title: str
    url: str
    values: str
    used: str
    submitted: str
    who: str
    status: str
    status_title: str
    reason: str
    billing: str
    warnings: tuple


def list_row(organisation, meter, reading, account, base, meters_url, t) -> ListRow:
    # Plain strings in ``t``'s language: the template does not send every
    # cell of a long list through the translation machinery.
    before = base.values if base is not None else meter.initial_values
    used = ""
    if len(before) == len(reading.values):
        used = meter.format_value(sum((consumption(b, v, meter.capacity)[0]
                                       for b, v in zip(before, reading.values)), Decimal(0)))
    return ListRow(
        meter.__name__, meter.account, account.address if account is not None else "", meter.title(t),
        meters_url + meter.__name__ + "/@@readings", " / ".join(meter.format_value(v) for v in reading.values),
        used or "—", organisation.localize(reading.submitted_at).strftime("%d.%m.%Y %H:%M"),
        "%s, %s" % (t(SUBMITTERS.get(reading.by_kind, reading.by_kind)), t(SOURCES.get(reading.source, reading.source))),
        reading.status, t(STATUSES.get(reading.status, reading.status)), reading.reason,
        t(BILLING_STATUSES.get(reading.billing_status, "")), reading.warnings)


_BUILDING_OPTIONS: dict = {}


def building_options(organisation, selected) -> str:
    """The building ``<option>`` list, cached per version of the list:
    thousands of addresses are sorted and escaped once, not per request
    (addresses are data: the same in every language)."""
    stamp = buildings_stamp(organisation)
    cached = _BUILDING_OPTIONS.get(stamp) if stamp is not None else None
    if cached is None:
        cached = options(known_buildings(organisation), None)
        if stamp is not None:
            if len(_BUILDING_OPTIONS) > 64:
                _BUILDING_OPTIONS.clear()
            _BUILDING_OPTIONS[stamp] = cached
    if selected:
        mark = '<option value="%s">' % html.escape(selected)
        cached = cached.replace(mark, mark[:-1] + ' selected="selected">', 1)
    return cached


def options(pairs, selected) -> str:
    """``<option>`` elements, escaped, for a select with many entries
    (thousands of buildings): one string instead of a template loop."""
    out = []
    for value, title in pairs:
        out.append('<option value="%s"%s>%s</option>' % (
            html.escape(str(value)), ' selected="selected"' if value == selected else "", html.escape(str(title))))
    return "".join(out)


@view_config(context=Organisation, name="meter-readings", plugin=PLUGIN, permission=MANAGE,
             renderer="lk_meters:templates/staff_readings.pt")
def readings_list(context, request):
    t = memoized(request.localizer.translate)     # a page repeats each status, source and unit word
    period, filters = _filters(request, context)
    page, size = page_number(request.params), page_size(request.params, PAGE_SIZES)
    index = period_index(context, period)
    folder = meters_folder(context)
    accounts = context.get("accounts")
    meters_url = request.resource_url(folder)
    rows, total = [], 0
    if index is not None:
        total, ids = index.query(offset=(page - 1) * size, limit=size, **filters)
        for meter_id in ids:
            meter = folder.get(str(meter_id))
            reading = current(meter, period) if meter is not None else None
            if reading is None:
                continue
            rows.append(list_row(context, meter, reading, accounts.get(meter.account), previous(meter, period),
                                 meters_url, t))
    pages = max(1, (total + size - 1) // size)
    today_period = periods.of_date(context.now().date())
    shown = sorted(set(known_periods(context)) | {today_period, periods.add(today_period, -1)}, reverse=True)
    counts = [(code, t(title), index.count("status", code) if index is not None else 0)
              for code, title in STATUSES.items()]
    title = periods.label(period, t)
    return {
        "page_title": t(_("Показания счётчиков за ${period}", mapping={"period": title})), "css": css(request),
        "period": period, "period_param": periods.iso(period), "period_label": title,
        "filters": filters, "rows": rows, "total": total, "page": page, "pages": pages, "counts": counts,
        "period_options": options([(periods.iso(p), periods.label(p, t)) for p in shown], periods.iso(period)),
        "status_options": options([(code, t(title)) for code, title in STATUSES.items()], filters.get("status")),
        "resource_options": options([(r.code, t(r.title)) for r in resources_of(context).values()],
                                    filters.get("resource")),
        "building_options": building_options(context, filters.get("building")),
        "source_options": options([(code, t(title)) for code, title in SOURCES.items()], filters.get("source")),
        "closed": index.closed if index is not None else None,
        "closed_at": dt.datetime.fromtimestamp(index.closed[1], dt.timezone.utc)
        if index is not None and index.closed else None,
        "link": lambda **kw: list_url(request, context, period, filters,
                                      **({"size": size} if size != PAGE_SIZES[0] else {}), **kw),
        "size_options": options([(n, t(_("${n} на странице", mapping={"n": n}))) for n in PAGE_SIZES], size),
        "bulk_limit": BULK_LIMIT,
        "select_label": lambda title: t(_("Отметить ${meter}", mapping={"meter": title})),
    }


def _back(request, organisation):
    period = periods.parse_or_none(request.POST.get("period", "")) or periods.of_date(organisation.now().date())
    filters = {k: request.POST.get(k, "") for k in FILTERS if request.POST.get(k)}
    return period, filters, list_url(request, organisation, period, filters)


def _holders_emails(request, account) -> dict[str, list[str]]:
    """``{locale: [e-mail addresses]}`` of the account's holders."""
    platform = get_platform(request)
    out: dict[str, list[str]] = {}
    for login in account.holders if account is not None else ():
        user = platform.users.get(login)
        if user is not None and user.email and not user.blocked:
            out.setdefault(user.locale if user.locale in LANGUAGES else DEFAULT, []).append(user.email)
    return out


def _rejection_letter(request, organisation, meter, period, reading, reason, locale) -> tuple[str, str]:
    """``(subject, body)`` to the holders, in their language."""
    def t(message):
        return translate(message, locale, request.registry)
    body = t(_("Здравствуйте!\n\nПоказание счётчика ${meter} за ${period} (${values}) отклонено.\n"
               "Причина: ${reason}\n\nПередайте показание заново: ${url}\n\n${organisation}", mapping={
                   "meter": meter.title(t), "period": periods.label(period, t),
                   "values": " / ".join(meter.format_value(v) for v in reading.values), "reason": reason,
                   "url": link(request, organisation, "readings"), "organisation": organisation.display_name}))
    return t(_("Показание счётчика отклонено")), body


@view_config(context=Organisation, name="meter-readings-bulk", plugin=PLUGIN, permission=MANAGE,
             request_method="POST")
def readings_bulk(context, request):
    t = request.localizer.translate
    period, filters, back = _back(request, context)
    action = request.POST.get("action", "")
    reason = request.POST.get("reason", "").strip()[:500]
    if action not in TRANSITIONS:
        request.session.flash(t(_("Выберите действие: принять или отклонить.")))
        return HTTPSeeOther(back)
    if action == "reject" and not reason:
        request.session.flash(t(_("Укажите причину отказа — её увидит житель. Ничего не изменено.")))
        return HTTPSeeOther(back)
    index = period_index(context, period)
    if index is None:
        request.session.flash(t(_("За ${period} показаний нет.", mapping={"period": periods.label(period, t)})))
        return HTTPSeeOther(back)
    if request.POST.get("scope") == "filter":
        selected = list(islice(index.ids(**filters), BULK_LIMIT))
    else:
        selected = []
        for value in request.POST.getall("meter"):
            if value.isdigit() and int(value) not in selected:
                selected.append(int(value))
    if not selected:
        request.session.flash(t(_("Отметьте показания в списке. Ничего не изменено.")))
        return HTTPSeeOther(back)
    allowed_from, target = TRANSITIONS[action]
    folder = meters_folder(context)
    accounts = context.get("accounts")
    done, skipped = 0, []
    stamp = now_ts()
    who = request.user.login
    for meter_id in selected:
        meter = folder.get(str(meter_id))
        reading = current(meter, period) if meter is not None else None
        if reading is None:
            skipped.append(t(_("ID ${id}: нет показания за ${period}", mapping={
                "id": meter_id, "period": periods.label(period, t)})))
            continue
        if reading.status not in allowed_from:
            skipped.append(t(_("${meter}: уже «${status}»", mapping={
                "meter": meter.title(t), "status": t(STATUSES[reading.status])})))
            continue
        change(context, meter, reading, status=target, reason=reason if target == "rejected" else "",
               changed=stamp, changed_by=who)
        audit(request, "meters.%s" % action, meter, {"period": (None, periods.iso(period)),
                                                    "status": (reading.status, target),
                                                    **({"reason": (None, reason)} if reason else {})})
        if target == "rejected":
            for locale, emails in sorted(_holders_emails(request, accounts.get(meter.account)).items()):
                send_mail(request, emails, *_rejection_letter(request, context, meter, period, reading, reason, locale))
        done += 1
    message = t(_("Принято показаний: ${n}.", mapping={"n": done}) if action == "accept" else
                _("Отклонено показаний: ${n}.", mapping={"n": done}))
    if skipped:
        message += " " + t(_("Пропущено ${n}: ${list}", mapping={
            "n": len(skipped), "list": "; ".join(skipped[:10]) + ("…" if len(skipped) > 10 else "")}))
    request.session.flash(message)
    return HTTPSeeOther(back)


@view_config(context=Organisation, name="meter-readings-export", plugin=PLUGIN, permission=MANAGE,
             request_method="POST")
def readings_export(context, request):
    t = request.localizer.translate
    period, filters, back = _back(request, context)
    kind = request.POST.get("format", "csv")
    encoding = ENCODINGS.get(request.POST.get("encoding", "utf-8"))
    if kind not in ("csv", "xml") or encoding is None:
        request.session.flash(t(_("Неизвестный формат выгрузки.")))
        return HTTPSeeOther(back)
    include = request.POST.get("include_exported") == "1"
    scope = {k: v for k, v in filters.items() if k in ("resource", "building", "source")}
    rows = exportable(context, period, include_exported=include, **scope)
    if not rows:
        label = periods.label(period, t)
        request.session.flash(t(_("За ${period} нет принятых показаний для выгрузки.", mapping={"period": label})
                                if include else
                                _("За ${period} нет принятых показаний для выгрузки (уже выгруженные — отметьте "
                                  "«включить выгруженные»).", mapping={"period": label})))
        return HTTPSeeOther(back)
    stream = write_csv(context, rows, encoding, t) if kind == "csv" else write_xml(context, period, rows, encoding)
    marked = mark_exported(context, rows, request.user.login)
    audit(request, "meters.export", meters_folder(context), {
        "period": (None, periods.iso(period)), "format": (None, "%s %s" % (kind.upper(), encoding)),
        "rows": (None, len(rows)), "marked_exported": (None, marked)})
    filename = "readings-%s-%s%s.%s" % (context.slug, periods.iso(period),
                                         "-cp1251" if encoding == "cp1251" else "", kind)
    content_type = "text/csv" if kind == "csv" else "application/xml"
    response = Response(app_iter=FileIter(stream), content_type=content_type,
                        charset="windows-1251" if encoding == "cp1251" else "utf-8")
    response.content_disposition = 'attachment; filename="%s"' % filename
    return response


@view_config(context=Organisation, name="meter-period", plugin=PLUGIN, permission=MANAGE, request_method="POST")
def period_close(context, request):
    t = request.localizer.translate
    period, _filters, back = _back(request, context)
    action = request.POST.get("action")
    index = period_index(context, period, create=True)
    if action == "close" and index.closed is None:
        index.closed = (request.user.login, now_ts())
        audit(request, "meters.period_close", meters_folder(context), {"period": (None, periods.iso(period))})
        request.session.flash(t(_("Период ${period} закрыт: показания за него больше не принимаются.",
                                  mapping={"period": periods.label(period, t)})))
    elif action == "reopen" and index.closed is not None:
        index.closed = None
        audit(request, "meters.period_reopen", meters_folder(context), {"period": (None, periods.iso(period))})
        request.session.flash(t(_("Период ${period} снова открыт.", mapping={"period": periods.label(period, t)})))
    return HTTPSeeOther(back)


@view_config(context=Organisation, name="meter-billing", plugin=PLUGIN, permission=MANAGE, request_method="POST")
def billing_answers(context, request):
    """The billing system's verdicts, checked line by line, applied all or none."""
    t = request.localizer.translate
    _period, _filters, back = _back(request, context)
    upload = request.POST.get("file")
    data = upload.file.read(5 * 1024 * 1024 + 1) if hasattr(upload, "file") else b""
    if not data:
        request.session.flash(t(_("Выберите файл ответа биллинга (CSV).")))
        return HTTPSeeOther(back)
    if len(data) > 5 * 1024 * 1024:
        request.session.flash(t(_("Файл больше 5 МБ. Ничего не загружено.")))
        return HTTPSeeOther(back)
    found, errors = read_billing_answers(context, data, t)
    if errors:
        request.session.flash(t(_("Файл не загружен, ничего не изменено.")) + " " + "; ".join(errors[:10]) +
                              (" " + t(_("… и ещё ${n} ошибок", mapping={"n": len(errors) - 10}))
                               if len(errors) > 10 else ""))
        return HTTPSeeOther(back)
    for meter, reading, status, note in found:
        change(context, meter, reading, billing_status=status, billing_text=note)
    audit(request, "meters.billing_answers", meters_folder(context), {"rows": (None, len(found))})
    request.session.flash(t(_("Ответ биллинга загружен: ${n} строк.", mapping={"n": len(found)})))
    return HTTPSeeOther(back)


# -- one meter: history and entry by staff --------------------------------------

def _staff_periods(organisation, today):
    """Periods staff may enter readings for: the current one and two before."""
    now = periods.of_date(today)
    return [p for p in (now, periods.add(now, -1), periods.add(now, -2)) if not is_closed(organisation, p)]


@view_config(context=Meter, name="readings", plugin=PLUGIN, permission=MANAGE,
             renderer="lk_meters:templates/staff_meter.pt")
def meter_readings(context, request):
    t = request.localizer.translate
    org = context.organisation
    today = org.now().date()
    ns = history_namespace(request, context, staff=True)
    allowed = _staff_periods(org, today)
    state = window_state(org, context, today)
    window = window_for(org, context)
    ns.update(periods=[(p, periods.iso(p), periods.label(p, t)) for p in allowed], state=state,
              meter_status=t(METER_STATUSES.get(context.status, context.status)),
              sources=[(s, t(SOURCES[s])) for s in STAFF_SOURCES], window=window.describe(t),
              window_origin=t(_("настройки организации")) if window.origin == ORGANISATION else window.origin,
              inputs=[t(_("${tariff}, ${unit}", mapping={"tariff": t(label) if label else t(_("Показание")),
                                                        "unit": t(context.unit_label)}))
                      for label in context.tariff_labels],
              texts=(), entry=None, errors=[], chosen_period=state.period if state.period in allowed else
              (allowed[0] if allowed else None), chosen_source="call",
              back_url=request.resource_url(org, "@@meter-readings"))
    if request.method != "POST":
        return ns
    texts = tuple(request.POST.get("t%d" % n, "") for n in range(1, context.tariffs + 1))
    extra = [k for k in request.POST if k.startswith("t") and k[1:].isdigit() and int(k[1:]) > context.tariffs]
    if extra:
        texts = texts + tuple(request.POST[k] for k in sorted(extra))
    period = periods.parse_or_none(request.POST.get("period", ""))
    source = request.POST.get("source", "")
    ns.update(texts=texts, chosen_period=period, chosen_source=source)
    if period is None or period not in _staff_periods(org, today):
        error = t(_("Период: выберите текущий или один из двух предыдущих открытых периодов."))
        if period and is_closed(org, period):
            error += " " + t(_("Период ${period} закрыт.", mapping={"period": periods.label(period, t)}))
        ns["errors"] = [error]
        return ns
    if source not in STAFF_SOURCES:
        ns["errors"] = [t(_("Источник: выберите, как получено показание."))]
        return ns
    entry = Entry(meter=context, texts=texts, period=period, confirmed=request.POST.get("confirm") == "1", translate=t)
    check_entry(entry, org, today, meter_settings(org).ceilings, staff=True)
    ns["entry"] = entry
    if not entry.ok:
        ns["errors"] = entry.messages() or [t(_("Проверьте: ${question}. Если показание верно, отметьте «Показание "
                                                "верно».", mapping={"question": entry.confirm}))]
        return ns
    reading = record(org, context, period, entry.values, "staff", request.user.login, source,
                     status="accepted", warnings=entry.warnings)
    audit(request, "meters.staff_reading", context, {
        "period": (None, periods.iso(period)), "values": (None, " / ".join(context.format_value(v)
                                                                          for v in reading.values)),
        "source": (None, translate(SOURCES[source])), **({"warnings": (None, "; ".join(reading.warnings))}
                                                         if reading.warnings else {})})
    request.session.flash(t(_("Показание за ${period} сохранено и принято.",
                              mapping={"period": periods.label(period, t)})))
    return HTTPSeeOther(request.resource_url(context, "@@readings"))


# -- reminders -----------------------------------------------------------------

@view_config(context=Organisation, name="meter-reminders", plugin=PLUGIN, permission=MANAGE,
             renderer="lk_meters:templates/staff_reminders.pt")
def reminders(context, request):
    t = request.localizer.translate
    settings = meter_settings(context)
    if request.method == "POST":
        kinds = [k for k in ("window", "verification") if request.POST.get(k) == "1"]
        if not kinds:
            request.session.flash(t(_("Выберите, какие напоминания отправить.")))
            return HTTPSeeOther(request.resource_url(context, "@@meter-reminders"))
        result = send_reminders(request, context, kinds=kinds)
        audit(request, "meters.reminders", meters_folder(context), {
            "window": (None, result["window"]), "verification": (None, result["verification"])})
        request.session.flash(t(_("Отправлено писем: о приёме показаний — ${window}, о поверке — ${verification}.",
                                  mapping=result)))
        return HTTPSeeOther(request.resource_url(context, "@@meter-reminders"))
    windows = context.get(WINDOWS)
    return {"page_title": t(_("Напоминания о показаниях")), "css": css(request), "settings": settings,
            "window": organisation_window(context).describe(t),
            "today": context.now().date(), "overrides": list(windows.values()) if windows is not None else [],
            "settings_url": request.resource_url(context, "@@plugin-settings", PLUGIN),
            "windows_url": request.resource_url(windows, "@@admin") if windows is not None else None}
