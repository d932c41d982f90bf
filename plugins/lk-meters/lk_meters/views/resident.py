"""The resident's pages: one form for every meter of every account they
hold (or were delegated) at the organisation, each meter's history with
its consumption chart, and the dashboard widget of meters due. Every text
is in the resident's language (``t = request.localizer.translate``)."""
from __future__ import annotations

from dataclasses import dataclass, field

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.response import Response
from pyramid.view import view_config

from lk_platform.model.organisations import Organisation
from lk_platform.model.stamps import changes
from lk_platform.util import periods

from ..charts import chart_svg, last_months, standalone_svg
from ..i18n import _
from ..meters import CONTAINER
from ..models import Meter
from ..readings import cabinet_depends, current, previous
from ..submission import (
    WindowState,
    parse_form,
    resident_entries,
    resident_meters,
    save,
    submittable_accounts,
    submitter_kind,
    window_state,
)
from ..vocabulary import PLACES, STATUSES
from ..windows import Windows
from . import PLUGIN, css, date_text, history_namespace, values_text


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


def make_row(organisation, meter, today, windows, history_base, t, slot=None, entry=None) -> Row:
    """One meter's part of the form, in ``t``'s language."""
    state = window_state(organisation, meter, today, windows)
    resource = meter.resource_info
    unit = t(meter.unit or resource.unit)
    labels = meter.tariff_labels
    place = t(PLACES.get(meter.place, ""))
    period = periods.label(state.period, t)
    base = previous(meter, state.period)
    base_values = base.values if base is not None else meter.initial_values
    if base is not None:
        when = t(_("Предыдущее показание (${period}, передано ${date})", mapping={
            "period": periods.label(base.period, t), "date": date_text(organisation.localize(base.submitted_at))}))
    else:
        when = t(_("Начальное показание"))
    subtitle = _("№ ${serial}, ${place}", mapping={"serial": meter.serial, "place": place}) if place \
        else _("№ ${serial}", mapping={"serial": meter.serial})
    row = Row(meter, state, t(resource.title), t(subtitle),
              t(_("${when}: ${values} ${unit}", mapping={"when": when, "values": values_text(meter, base_values, t),
                                                         "unit": unit})),
              history_url=history_base + meter.__name__ + "/@@history")
    sent = current(meter, state.period)
    if sent is not None:
        mapping = {"period": period, "when": organisation.localize(sent.submitted_at).strftime("%d.%m.%Y %H:%M"),
                   "values": " / ".join(meter.format_value(v) for v in sent.values),
                   "status": t(STATUSES.get(sent.status, sent.status)), "reason": sent.reason}
        row.submitted_line = t(_("За ${period} передано ${when}: ${values} — ${status}: ${reason}.", mapping=mapping)
                               if sent.reason else
                               _("За ${period} передано ${when}: ${values} — ${status}.", mapping=mapping))
    if not meter.automatic and not state.open:
        row.window_note = t(_("Приём показаний открыт ${window}. Следующий приём начнётся ${date} (за ${period}).",
                              mapping={"window": state.window.describe(t), "date": date_text(state.next_opening),
                                       "period": period}))
    if meter.verification_expired(today):
        row.expired_note = t(_("Срок поверки счётчика истёк ${date}. Показания примем с пометкой; закажите поверку.",
                               mapping={"date": date_text(meter.next_verification)}))
    elif meter.next_verification:
        row.verification_note = t(_("поверка до ${date}", mapping={"date": date_text(meter.next_verification)}))
    texts = slot["texts"] if slot else ()
    if meter.frac_digits:
        digits = t(_("До ${n} цифр до запятой и ${m} после", mapping={"n": meter.int_digits, "m": meter.frac_digits}))
    else:
        digits = t(_("До ${n} цифр до запятой", mapping={"n": meter.int_digits}))
    for i, label in enumerate(labels):
        fid = "m%s-t%d" % (meter.__name__, i + 1)
        title = t(_("${tariff}: показание, ${unit}", mapping={"tariff": t(label), "unit": unit})) if label \
            else t(_("Показание, ${unit}", mapping={"unit": unit}))
        row.inputs.append(Input(
            fid, t(_("${title} (за ${period})", mapping={"title": title, "period": period})),
            texts[i] if i < len(texts) else "",
            t(_("${digits}; было ${value}", mapping={
                "digits": digits, "value": meter.format_value(base_values[i]) if i < len(base_values) else "—"})),
            entry.errors.get(i) if entry is not None else None))
    if entry is not None:
        row.meter_error = entry.errors.get(None)
        if not entry.errors and entry.confirm:
            row.confirm, row.confirmed = entry.confirm, entry.confirmed
    return row


def build_rows(request, organisation, groups, today, posted=None, entries=()):
    t = request.localizer.translate
    by_meter = {e.meter.id: e for e in entries}
    windows = Windows(organisation)
    history_base = request.resource_url(organisation) + CONTAINER + "/"
    out = []
    for account, meters in groups:
        rows = [make_row(organisation, meter, today, windows, history_base, t, (posted or {}).get(meter.id),
                         by_meter.get(meter.id)) for meter in meters]
        out.append((account, rows))
    return out


def _namespace(request, organisation, groups, today, **extra):
    ns = {"groups": groups, "today": today, "any_meters": any(rows for _a, rows in groups),
          "page_title": request.localizer.translate(_("Показания счётчиков")),
          "form_url": request.resource_url(organisation, "readings"),
          "errors": [], "confirm_needed": False, "css": css(request)}
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
    t = request.localizer.translate
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
            t(_("Счётчик с номером ${id} не найден среди ваших счётчиков. Ничего не сохранено.",
                mapping={"id": strangers[0]}))])
    entries = resident_entries(context, allowed, posted, today, translate=t)
    if not entries:
        return _namespace(request, context, build_rows(request, context, groups, today, posted), today,
                          errors=[t(_("Введите показания хотя бы одного счётчика."))])
    if not all(e.ok for e in entries):
        errors = [m for e in entries for m in e.messages()]
        confirm = [e for e in entries if not e.errors and e.confirm and not e.confirmed]
        summary = errors + [t(_("${meter}: ${question}. Проверьте показание; если оно верно, отметьте «Показание "
                                "верно» и отправьте ещё раз.", mapping={"meter": e.meter.title(t),
                                                                         "question": e.confirm}))
                            for e in confirm]
        return _namespace(request, context, build_rows(request, context, groups, today, posted, entries), today,
                          errors=[t(_("Показания не сохранены — исправьте отмеченные поля."))] + summary,
                          confirm_needed=bool(confirm))
    save(context, entries, lambda meter: submitter_kind(user, meter), user.login,
         source=request.POST.get("source") if request.POST.get("source") in ("web", "mobile") else "web")
    request.session.flash(t(_("Показания переданы: ${list}. Спасибо!", mapping={"list": ", ".join(
        t(_("${meter} — ${values}", mapping={"meter": e.meter.title(t),
                                              "values": " / ".join(e.meter.format_value(v) for v in e.values)}))
        for e in entries)})))
    for entry in entries:
        for warning in entry.shown_warnings:
            request.session.flash(t(_("${meter}: ${warning}", mapping={"meter": entry.meter.title(t),
                                                                       "warning": warning})))
    return HTTPSeeOther(request.resource_url(context, "readings"))


# -- one meter ---------------------------------------------------------------

@view_config(context=Meter, name="history", plugin=PLUGIN, permission="account.view",
             renderer="lk_meters:templates/history.pt", lk_cache=_meter_depends)
def history(context, request):
    ns = history_namespace(request, context)
    ns["back_url"] = request.resource_url(context.organisation, "readings")
    return ns


@view_config(context=Meter, name="chart.svg", plugin=PLUGIN, permission="account.view")
def chart(context, request):
    months = last_months(context, periods.of_date(context.organisation.now().date()), 12)
    body = standalone_svg(chart_svg(context, months, "chart", request.localizer.translate))
    response = Response(body=body.encode("utf-8"), content_type="image/svg+xml", charset="utf-8")
    # The file styles itself with a <style> element; it runs nothing and loads nothing.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; " \
                                                  "frame-ancestors 'none'"
    return response


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
    t = request.localizer.translate
    return {"due": due, "opening": opening, "form_url": request.resource_url(organisation, "readings"),
            "period_title": lambda period: periods.label(period, t), "meter_title": lambda meter: meter.title(t)}
