"""The plugin's pages: the resident's (:mod:`.resident`) and the staff's
(:mod:`.staff`). What both show of one meter — its readings and its
consumption chart — is worked out here. Texts are in the reader's
language: ``t = request.localizer.translate``."""
from __future__ import annotations

from dataclasses import dataclass

from lk_platform.util import periods

from ..charts import chart_svg, comparison_text, last_months
from ..i18n import _
from ..readings import all_readings, latest
from ..vocabulary import BILLING_STATUSES, SOURCES, STATUSES, SUBMITTERS

PLUGIN = "meters"
MANAGE = "meters.manage"


def css(request) -> str:
    return request.static_url("lk_meters:static/meters.css")


def date_text(value) -> str:
    return value.strftime("%d.%m.%Y") if value is not None else ""


def values_text(meter, values, t) -> str:
    """``День 123,4; Ночь 56,7`` or ``123,456`` (one tariff)."""
    labels = meter.tariff_labels
    if len(labels) > 1:
        return "; ".join(t(_("${tariff} ${value}", mapping={"tariff": t(label), "value": meter.format_value(v)}))
                         for label, v in zip(labels, values))
    return " / ".join(meter.format_value(v) for v in values)


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


def history_rows(organisation, meter, staff: bool, t) -> list[HistoryRow]:
    """The readings, new first, in ``t``'s language (what people typed and
    stored warnings stay as they are)."""
    rows = []
    for r in all_readings(meter):
        who = t(SUBMITTERS.get(r.by_kind, r.by_kind)) + (" (%s)" % r.by if staff else "")
        billing = t(BILLING_STATUSES.get(r.billing_status, r.billing_status))
        rows.append(HistoryRow(
            periods.label(r.period, t), values_text(meter, r.values, t),
            organisation.localize(r.submitted_at).strftime("%d.%m.%Y %H:%M"),
            "%s, %s" % (who, t(SOURCES.get(r.source, r.source))), r.status, t(STATUSES.get(r.status, r.status)),
            r.superseded, r.reason, billing + (": " + r.billing_text if billing and r.billing_text else ""),
            r.warnings))
    return rows


def history_namespace(request, meter, staff=False):
    """A meter's readings and chart (the resident's history page and the
    staff's meter page)."""
    t = request.localizer.translate
    org = meter.organisation
    today = org.now().date()
    months = last_months(meter, periods.of_date(today), 12)
    latest_with_data = next((m for m in reversed(months) if m.used is not None), months[-1])
    title = meter.title(t)
    return {
        "meter": meter, "meter_title": title, "account": meter.account_object(),
        "readings": history_rows(org, meter, staff, t), "months": months,
        "chart": chart_svg(meter, months, "chart-%s" % meter.__name__, t),
        "comparison": comparison_text(meter, latest_with_data, t),
        "unit": t(meter.unit_label), "tariff_names": ", ".join(t(label) for label in meter.tariff_labels),
        "period_title": lambda period: periods.label(period, t),
        "latest": latest(meter), "today": today, "staff": staff, "css": css(request),
        "page_title": t(_("История показаний: ${meter}", mapping={"meter": title})),
    }
