"""Resident pages: balances, history by period with drill-down, the chart,
and receipts (HTML and PDF). Account pages need ``account.view`` on the
Account (its holders and delegates); another resident's account is a 403,
another organisation's number a 404 (traversal finds nothing)."""
from __future__ import annotations

from decimal import Decimal

from pyramid.response import Response
from pyramid.view import view_config

from lk_platform.cabinet import user_accounts
from lk_platform.caching import rendercache
from lk_platform.model.accounts import Account
from lk_platform.model.organisations import Organisation
from lk_platform.util import periods

from .. import chart, tablerows
from ..i18n import _
from ..models import ledger_for
from ..money import number, rub
from ..payments import channel_title
from ..receipt import Busy, fingerprint, receipt_data, render_html, render_pdf
from ..schemas import settings_of
from ..status import balance_word, due_date, status_for
from . import COMMON, TEMPLATES, Problem, attachment


def _ledger_of_context(context, request):
    """What an account's debt pages show besides the account: its ledger
    (rewritten by every change to the account's accruals and payments)."""
    return [ledger_for(request.organisation, context.number)]


def _ledgers_of_user(context, request):
    accounts = user_accounts(request).get(context, [])
    return accounts + [ledger_for(context, a.number) for a in accounts]


def _helpers(request, **values):
    translate = request.localizer.translate
    return dict(values, rub=rub, number=number, periods=periods, label=lambda p: periods.label(p, translate),
                localize=translate, balance_word=balance_word, channel_title=channel_title, tablerows=tablerows)


@view_config(context=Organisation, name="debt", permission="cabinet.view", renderer=TEMPLATES + "overview.pt",
             lk_cache=_ledgers_of_user, **COMMON)
def overview(context, request):
    """The user's accounts at this organisation: balance of each and in total."""
    accounts = user_accounts(request).get(context, [])
    settings = settings_of(context)
    statuses = [s for s in (status_for(context, a, settings) for a in accounts) if s is not None]
    without = [a for a in accounts if all(s.account is not a for s in statuses)]
    total_due = sum((s.due for s in statuses), Decimal("0"))
    total_over = sum((s.overpaid for s in statuses), Decimal("0"))
    return _helpers(request, statuses=statuses, without=without, total_due=total_due, total_over=total_over,
                    account_url=tablerows.account_urls(request, context), page_title=_("Начисления и оплата"))


class Filters:
    """The history's filter (period range, service), checked; ``errors`` are
    messages in the request's language, each naming the field."""

    def __init__(self, request, ledger, organisation):
        params = request.GET
        self.t = t = request.localizer.translate
        self.errors = []
        self.first = self._period(params.get("from", ""), _("Начало периода"), organisation)
        self.last = self._period(params.get("to", ""), _("Конец периода"), organisation)
        if self.first and self.last and self.first > self.last:
            self.errors.append(t(_("Начало периода (${first}) позже конца (${last})", mapping={
                "first": periods.short(self.first), "last": periods.short(self.last)})))
            self.first = self.last = None
        service = params.get("service", "").strip()[:100]
        if service and service not in ledger.services:
            self.errors.append(t(_("Услуги «${service}» в начислениях по этому счёту нет",
                                   mapping={"service": service})))
            service = ""
        self.service = service

    def _period(self, text, title, organisation):
        text = (text or "").strip()
        if not text:
            return None
        try:
            value = periods.parse(text)
        except periods.BadPeriod as exc:
            self.errors.append(self.t(_("${field}: ${problem}", mapping={
                "field": self.t(title), "problem": self.t(exc.message)})))
            return None
        if value > periods.of_date(organisation.now().date()):
            self.errors.append(self.t(_("${field}: период ${period} ещё не наступил", mapping={
                "field": self.t(title), "period": periods.short(value)})))
            return None
        return value

    @property
    def active(self):
        return bool(self.first or self.last or self.service)

    def values(self):
        return {"from": periods.iso(self.first) if self.first else "",
                "to": periods.iso(self.last) if self.last else "", "service": self.service}


def _service_rows(ledger, first, last, service):
    """Per period, the lines of one service (they may be several: e.g. two meters)."""
    out = []
    for statement in ledger.statements(first, last):
        lines = [line for line in statement.lines if line.service == service]
        if not lines:
            continue
        out.append({"period": statement.period, "lines": lines,
                    "accrued_k": sum(l.accrued_k for l in lines),
                    "recalculation_k": sum(l.recalculation_k for l in lines),
                    "benefits_k": sum(l.benefits_k for l in lines),
                    "penalties_k": sum(l.penalties_k for l in lines),
                    "total_k": sum(l.total_k for l in lines)})
    return out


@view_config(context=Account, name="debt", permission="account.view", renderer=TEMPLATES + "history.pt",
             lk_cache=_ledger_of_context, **COMMON)
def history(context, request):
    org = request.organisation
    ledger = ledger_for(org, context.number)
    settings = settings_of(org)
    if ledger is None:
        return _helpers(request, account=context, ledger=None, status=None, page_title=_("Начисления и оплата"))
    filters = Filters(request, ledger, org)
    if filters.errors:
        request.response.status = 400
    base = request.resource_url(context)
    show_penalties = bool(settings["show_penalties"])
    translate = request.localizer.translate
    key = ("history", base, show_penalties, filters.first, filters.last, filters.service, request.locale_name)
    parts = rendercache.cached(ledger, key, lambda: _history_parts(ledger, filters, base, show_penalties, translate))
    return _helpers(request, account=context, ledger=ledger, status=status_for(org, context, settings),
                    filters=filters, base=base, parts=parts, show_penalties=show_penalties,
                    page_title=_("Начисления и оплата, л/с ${number}", mapping={"number": context.number}))


def _history_parts(ledger, filters, base, show_penalties, t) -> dict:
    """The history's tables and chart as HTML: what depends only on the
    ledger and the filter, so it is kept until the ledger changes."""
    parts = {"service": filters.service}
    if filters.service:
        service_rows = _service_rows(ledger, filters.first, filters.last, filters.service)
        series = [(r["period"], r["total_k"], 0) for r in service_rows]
        parts["rows"] = tablerows.service(reversed(service_rows), base, show_penalties, t)
        parts["count"] = len(service_rows)
        payments = []
    else:
        rows = ledger.rows_between(filters.first, filters.last)
        series = [(r.period, r.charged_k, r.paid_k) for r in rows]
        parts["rows"] = tablerows.history(reversed(rows), base, show_penalties, t)
        parts["count"] = len(rows)
        payments = [p for p in ledger.payments(reverse=True)
                    if (not filters.first or p.posted_period >= filters.first)
                    and (not filters.last or p.posted_period <= filters.last)]
    show_paid = not filters.service
    if filters.service:
        title = t(_("График: начисления по услуге «${service}» по месяцам", mapping={"service": filters.service}))
    else:
        title = t(_("График: начислено и оплачено по месяцам"))
    if series:
        desc = t(_("Столбцы по месяцам с ${first} по ${last}; те же суммы — в таблице под графиком.",
                   mapping={"first": periods.label(series[0][0], t), "last": periods.label(series[-1][0], t)}))
    else:
        desc = t(_("Столбцы по месяцам; те же суммы — в таблице под графиком."))
    parts["chart"] = chart.render(series, title=title, desc=desc, show_paid=show_paid, translate=t)
    parts["chart_rows"] = tablerows.chart_data(series, show_paid, t)
    parts["show_paid"] = show_paid
    parts["payments"] = tablerows.payments(payments[:500], t)
    parts["payments_shown"] = min(len(payments), 500)
    parts["payments_total"] = len(payments)
    return parts


def _requested_period(request, ledger):
    """The ``period`` parameter, checked: a bad one is a 400, a period without accruals a 404."""
    text = request.GET.get("period", "")
    try:
        period = periods.parse(text)
    except periods.BadPeriod as exc:
        raise Problem(400, _("Период: ${problem}", mapping={"problem": request.localizer.translate(exc.message)}))
    if ledger is None or ledger.statement(period) is None:
        raise Problem(404, _("Начислений за ${period} по этому счёту нет",
                             mapping={"period": periods.label(period, request.localizer.translate)}))
    return period


@view_config(context=Account, name="debt-period", permission="account.view", renderer=TEMPLATES + "period.pt",
             lk_cache=_ledger_of_context, **COMMON)
def period_page(context, request):
    org = request.organisation
    ledger = ledger_for(org, context.number)
    period = _requested_period(request, ledger)
    statement = ledger.statement(period)
    row = ledger.row(period)
    settings = settings_of(org)
    earlier, later = ledger.periods(None, period - 1), ledger.periods(period + 1, None)
    before = earlier[-1] if earlier else None
    after = later[0] if later else None
    return _helpers(request, account=context, ledger=ledger, period=period, statement=statement, row=row,
                    payments=ledger.payments_in(period), show_penalties=settings["show_penalties"],
                    before=before, after=after, due_date=due_date(period, settings["due_day"]),
                    page_title=_("Начисления за ${period}, л/с ${number}", mapping={
                        "period": periods.label(period, request.localizer.translate), "number": context.number}))


@view_config(context=Account, name="receipt", permission="account.view", **COMMON)
def receipt_page(context, request):
    org = request.organisation
    ledger = ledger_for(org, context.number)
    period = _requested_period(request, ledger)
    data = receipt_data(request, org, context, ledger, period)
    return Response(render_html(request, data), content_type="text/html", charset="utf-8")


@view_config(context=Account, name="receipt.pdf", permission="account.view", **COMMON)
def receipt_pdf(context, request):
    org = request.organisation
    ledger = ledger_for(org, context.number)
    period = _requested_period(request, ledger)
    try:
        # The same receipt is often fetched twice (a tap, then "open again"): kept until anything on it changes.
        pdf = rendercache.cached(ledger, fingerprint(org, context, period, request.locale_name),
                               lambda: render_pdf(request, receipt_data(request, org, context, ledger, period)))
    except Busy:
        raise Problem(503, _("Сейчас формируется много квитанций. Повторите через минуту."))
    response = Response(pdf, content_type="application/pdf")
    response.content_disposition = attachment("receipt-%s-%s.pdf" % (context.number, periods.iso(period)))
    response.cache_control = "private, no-store"
    return response
