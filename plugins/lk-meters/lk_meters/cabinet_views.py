"""The resident's pages: one form for every meter of every account they
hold (or were delegated) at the organisation, each meter's history with
its consumption chart, and the dashboard widget of meters due."""
from __future__ import annotations

from dataclasses import dataclass, field

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.response import Response
from pyramid.view import view_config

from lk_platform.model.organisations import Organisation
from lk_platform.model.stamps import changes

from .charts import chart_svg, comparison_text, last_months, standalone_svg
from .i18n import Joined, _, translate
from .meters import CONTAINER, Meter
from .periods import period_of, period_title
from .readings import all_readings, cabinet_depends, current, latest, previous
from .submission import (
    WindowState,
    parse_form,
    resident_entries,
    resident_meters,
    save,
    submittable_accounts,
    submitter_kind,
    window_state,
)
from .vocabulary import BILLING_STATUSES, PLACES, SOURCES, STATUSES, SUBMITTERS
from .windows import Windows

PLUGIN = "meters"


@dataclass
class Input:
    fid: str
    label: str
    value: str
    hint: str
    error: str | None


@dataclass
class Row:
    """One meter in the readings form, with every text it shows worked out
    here rather than in the template (the form is the busiest page)."""
    meter: Meter
    state: WindowState
    title: str
    subtitle: str
    base_line: str
    submitted_line: str = ""
    window_note: str = ""
    expired_note: str = ""
    verification_note: str = ""
    history_url: str = ""
    inputs: list = field(default_factory=list)
    meter_error: str | None = None
    confirm: str = ""
    confirmed: bool = False

    @property
    def id(self) -> str:
        return self.meter.__name__

    @property
    def can_submit(self) -> bool:
        return not self.meter.automatic and self.state.open


def _date(value) -> str:
    return value.strftime("%d.%m.%Y") if value is not None else ""


def _values(meter, values, labels) -> str:
    if len(labels) > 1:
        return Joined((_("${tariff} ${value}", mapping={"tariff": label, "value": meter.format_value(v)})
                       for label, v in zip(labels, values)), "; ")
    return " / ".join(meter.format_value(v) for v in values)


def make_row(organisation, meter, today, windows, history_base, slot=None, entry=None, tr=lambda t: t) -> Row:
    """``tr`` translates the texts into the reader's language."""
    state = window_state(organisation, meter, today, windows)
    resource = meter.resource_info
    unit = meter.unit or resource.unit
    labels = meter.tariff_labels
    place = PLACES.get(meter.place, "")
    base = previous(meter, state.period)
    base_values = base.values if base is not None else meter.initial_values
    if base is not None:
        when = _("Предыдущее показание (${period}, передано ${date})", mapping={
            "period": period_title(base.period), "date": _date(organisation.localize(base.submitted_at))})
    else:
        when = _("Начальное показание")
    subtitle = _("№ ${serial}, ${place}", mapping={"serial": meter.serial, "place": place}) if place \
        else _("№ ${serial}", mapping={"serial": meter.serial})
    row = Row(meter, state, tr(resource.title), tr(subtitle),
              tr(_("${when}: ${values} ${unit}", mapping={"when": when, "values": _values(meter, base_values, labels),
                                                          "unit": unit})),
              history_url=history_base + meter.__name__ + "/@@history")
    sent = current(meter, state.period)
    if sent is not None:
        mapping = {"period": period_title(state.period),
                   "when": organisation.localize(sent.submitted_at).strftime("%d.%m.%Y %H:%M"),
                   "values": " / ".join(meter.format_value(v) for v in sent.values),
                   "status": STATUSES.get(sent.status, sent.status), "reason": sent.reason}
        row.submitted_line = tr(_("За ${period} передано ${when}: ${values} — ${status}: ${reason}.", mapping=mapping)
                                if sent.reason else
                                _("За ${period} передано ${when}: ${values} — ${status}.", mapping=mapping))
    if not meter.automatic and not state.open:
        row.window_note = tr(_("Приём показаний открыт ${window}. Следующий приём начнётся ${date} (за ${period}).",
                               mapping={"window": state.window.describe(), "date": _date(state.next_opening),
                                        "period": period_title(state.period)}))
    if meter.verification_expired(today):
        row.expired_note = tr(_("Срок поверки счётчика истёк ${date}. Показания примем с пометкой; закажите поверку.",
                                mapping={"date": _date(meter.next_verification)}))
    elif meter.next_verification:
        row.verification_note = tr(_("поверка до ${date}", mapping={"date": _date(meter.next_verification)}))
    texts = slot["texts"] if slot else ()
    if meter.frac_digits:
        digits = _("До ${n} цифр до запятой и ${m} после", mapping={"n": meter.int_digits, "m": meter.frac_digits})
    else:
        digits = _("До ${n} цифр до запятой", mapping={"n": meter.int_digits})
    for i, label in enumerate(labels):
        fid = "m%s-t%d" % (meter.__name__, i + 1)
        title = _("${tariff}: показание, ${unit}", mapping={"tariff": label, "unit": unit}) if label \
            else _("Показание, ${unit}", mapping={"unit": unit})
        row.inputs.append(Input(
            fid, tr(_("${title} (за ${period})", mapping={"title": title, "period": period_title(state.period)})),
            texts[i] if i < len(texts) else "",
            tr(_("${digits}; было ${value}", mapping={
                "digits": digits, "value": meter.format_value(base_values[i]) if i < len(base_values) else "—"})),
            tr(entry.errors.get(i)) if entry is not None else None))
    if entry is not None:
        row.meter_error = tr(entry.errors.get(None))
        if not entry.errors and entry.confirm:
            row.confirm, row.confirmed = tr(entry.confirm), entry.confirmed
    return row


def build_rows(request, organisation, groups, today, posted=None, entries=()):
    by_meter = {e.meter.id: e for e in entries}
    windows = Windows(organisation)
    history_base = request.resource_url(organisation) + CONTAINER + "/"
    out = []
    for account, meters in groups:
        rows = [make_row(organisation, meter, today, windows, history_base, (posted or {}).get(meter.id),
                         by_meter.get(meter.id), tr=lambda t: translate(request, t)) for meter in meters]
        out.append((account, rows))
    return out


def _namespace(request, organisation, groups, today, **extra):
    ns = {"groups": groups, "today": today, "any_meters": any(rows for _a, rows in groups),
          "page_title": translate(request, _("Показания счётчиков")),
          "form_url": request.resource_url(organisation, "readings"),
          "errors": [], "confirm_needed": False, "css": request.static_url("lk_meters:static/meters.css")}
    ns.update(extra)
    return ns


def _form_depends(context, request):
    accounts = submittable_accounts(request.user, context)
    return accounts + cabinet_depends(context, accounts)


def _meter_depends(context, request):
    account = context.account_object()
    return [account, changes(account)]


@view_config(context=Organisation, name="readings", plugin=PLUGIN, permission="cabinet.view",
             renderer="lk_meters:templates/readings.pt", lk_cache=_form_depends)
def readings_form(context, request):
    user = request.user
    today = context.now().date()
    groups = resident_meters(user, context)
    if request.method != "POST":
        return _namespace(request, context, build_rows(request, context, groups, today), today)

    allowed = {m.id: m for _a, meters in resident_meters(user, context, inactive=True) for m in meters}
    posted = parse_form(request.POST)
    strangers = sorted(set(posted) - set(allowed))
    if strangers:
        request.response.status = 404
        return _namespace(request, context, build_rows(request, context, groups, today, posted), today, errors=[
            translate(request, _("Счётчик с номером ${id} не найден среди ваших счётчиков. Ничего не сохранено.",
                                 mapping={"id": strangers[0]}))])
    entries = resident_entries(context, allowed, posted, today)
    if not entries:
        return _namespace(request, context, build_rows(request, context, groups, today, posted), today,
                          errors=[translate(request, _("Введите показания хотя бы одного счётчика."))])
    if not all(e.ok for e in entries):
        errors = [m for e in entries for m in e.messages()]
        confirm = [e for e in entries if not e.errors and e.confirm and not e.confirmed]
        summary = errors + [_("${meter}: ${question}. Проверьте показание; если оно верно, отметьте «Показание "
                              "верно» и отправьте ещё раз.", mapping={"meter": e.meter.display_title,
                                                                       "question": e.confirm})
                            for e in confirm]
        return _namespace(request, context, build_rows(request, context, groups, today, posted, entries), today,
                          errors=translate(request, [_("Показания не сохранены — исправьте отмеченные поля.")]
                                           + summary),
                          confirm_needed=bool(confirm))
    save(context, entries, lambda meter: submitter_kind(user, meter), user.login,
         source=request.POST.get("source") if request.POST.get("source") in ("web", "mobile") else "web")
    request.session.flash(translate(request, _("Показания переданы: ${list}. Спасибо!", mapping={"list": Joined(
        _("${meter} — ${values}", mapping={"meter": e.meter.display_title,
                                            "values": " / ".join(e.meter.format_value(v) for v in e.values)})
        for e in entries)})))
    for entry in entries:
        for warning in entry.warnings:
            request.session.flash(translate(request, _("${meter}: ${warning}", mapping={
                "meter": entry.meter.display_title, "warning": warning})))
    return HTTPSeeOther(request.resource_url(context, "readings"))


# -- one meter ---------------------------------------------------------------

@dataclass
class HistoryRow:
    period: str
    values: str
    submitted: str
    who: str
    status: str
    status_title: str
    superseded: bool
    reason: str
    billing: str
    warnings: tuple


def history_rows(organisation, meter, staff: bool, tr=lambda t: t) -> list[HistoryRow]:
    """The readings, new first; ``tr`` translates the words (what people
    typed and stored warnings stay as they are)."""
    labels = meter.tariff_labels
    rows = []
    for r in all_readings(meter):
        who = tr(SUBMITTERS.get(r.by_kind, r.by_kind)) + (" (%s)" % r.by if staff else "")
        billing = tr(BILLING_STATUSES.get(r.billing_status, r.billing_status))
        rows.append(HistoryRow(
            tr(period_title(r.period)), tr(_values(meter, r.values, labels)),
            organisation.localize(r.submitted_at).strftime("%d.%m.%Y %H:%M"),
            "%s, %s" % (who, tr(SOURCES.get(r.source, r.source))), r.status, tr(STATUSES.get(r.status, r.status)),
            r.superseded, r.reason, billing + (": " + r.billing_text if billing and r.billing_text else ""),
            r.warnings))
    return rows


def history_namespace(request, meter, staff=False):
    org = meter.organisation
    today = org.now().date()
    until = period_of(today)
    months = last_months(meter, until, 12)
    latest_with_data = next((m for m in reversed(months) if m.used is not None), months[-1])

    def tr(text):
        return translate(request, text)
    return {
        "meter": meter, "account": meter.account_object(), "readings": history_rows(org, meter, staff, tr),
        "months": months, "chart": chart_svg(meter, months, "chart-%s" % meter.__name__, tr),
        "comparison": comparison_text(meter, latest_with_data, tr), "tr": tr,
        "period_title": lambda period: tr(period_title(period)),
        "latest": latest(meter), "today": today, "staff": staff,
        "css": request.static_url("lk_meters:static/meters.css"),
        "page_title": tr(_("История показаний: ${meter}", mapping={"meter": meter.display_title})),
    }


@view_config(context=Meter, name="history", plugin=PLUGIN, permission="account.view",
             renderer="lk_meters:templates/history.pt", lk_cache=_meter_depends)
def history(context, request):
    ns = history_namespace(request, context)
    ns["back_url"] = request.resource_url(context.organisation, "readings")
    return ns


@view_config(context=Meter, name="chart.svg", plugin=PLUGIN, permission="account.view")
def chart(context, request):
    months = last_months(context, period_of(context.organisation.now().date()), 12)
    body = standalone_svg(chart_svg(context, months, "chart", lambda text: translate(request, text)))
    return Response(body=body.encode("utf-8"), content_type="image/svg+xml", charset="utf-8")


# -- dashboard -----------------------------------------------------------------

@dataclass
class Due:
    meter: Meter
    state: WindowState
    account: object
    extra: dict = field(default_factory=dict)


def due_widget_data(request, organisation):
    """Meters the resident still has to submit for (None: no meters at all)."""
    groups = resident_meters(request.user, organisation)
    if not any(meters for _a, meters in groups):
        return None
    today = organisation.now().date()
    windows = Windows(organisation)
    due, opening = [], []
    for account, meters in groups:
        for meter in meters:
            if meter.automatic:
                continue
            state = window_state(organisation, meter, today, windows)
            sent = current(meter, state.period)
            if sent is not None and sent.status != "rejected":
                continue
            (due if state.open else opening).append(Due(meter, state, account))
    return {"due": due, "opening": opening, "form_url": request.resource_url(organisation, "readings"),
            "period_title": lambda period: translate(request, period_title(period)),
            "tr": lambda text: translate(request, text)}
