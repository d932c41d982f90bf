"""Monthly consumption of a meter and its chart: server-rendered SVG with
``<title>``/``<desc>`` and per-bar titles, so it reads without JavaScript
and screen readers get the same facts as the table next to it."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from xml.sax.saxutils import escape

from lk_platform.i18n import translate as russian
from lk_platform.util import periods

from .i18n import _
from .readings import current_readings
from .validation import consumption, format_number


def monthly_consumption(meter) -> dict[int, Decimal]:
    """Consumption per period from the readings that count. A gap of several
    months is spread evenly over them (the chart would otherwise show a
    spike and empty months); a roll-over of the counter is accounted for."""
    out: dict[int, Decimal] = {}
    before = meter.initial_values
    before_period = periods.of_date(meter.installed) if meter.installed else None
    for reading in current_readings(meter):
        if not reading.counts or len(reading.values) != len(before):
            continue
        used = sum((consumption(b, v, meter.capacity)[0] for b, v in zip(before, reading.values)), Decimal(0))
        if used > meter.capacity / 10 * len(before):
            used = Decimal(0)  # an implausible jump (a correction): do not draw it
        months = periods.between(before_period, reading.period) if before_period else 1
        months = max(1, months)
        share = (used / months).quantize(meter.quantum, rounding=ROUND_HALF_UP)
        for k in range(months):
            period = periods.add(reading.period, -k)
            out[period] = out.get(period, Decimal(0)) + share
        before, before_period = reading.values, reading.period
    return out


@dataclass(frozen=True)
class Month:
    period: int
    used: Decimal | None
    last_year: Decimal | None

    @property
    def change(self) -> Decimal | None:
        """Percentage change against the same month a year earlier."""
        if self.used is None or not self.last_year:
            return None
        return ((self.used - self.last_year) / self.last_year * 100).quantize(Decimal("1"), ROUND_HALF_UP)


def last_months(meter, until: int, count: int = 12) -> list[Month]:
    data = monthly_consumption(meter)
    shown = [periods.add(until, -k) for k in range(count - 1, -1, -1)]
    return [Month(p, data.get(p), data.get(periods.add(p, -12))) for p in shown]


def comparison_text(meter, month: Month, tr=russian) -> str:
    """``tr`` translates into the reader's language."""
    unit = tr(meter.unit_label)
    if month.used is None:
        return tr(_("За ${period} показаний нет.", mapping={"period": periods.label(month.period, tr)}))
    title = periods.label(month.period, tr)
    text = tr(_("${period}: ${used} ${unit}", mapping={"period": title[:1].upper() + title[1:],
                                                       "used": format_number(month.used), "unit": unit}))
    if month.last_year is None:
        return tr(_("${text}; за тот же месяц прошлого года данных нет.", mapping={"text": text}))
    change = month.change
    if change is None or change == 0:
        how = _("столько же, сколько")
    elif change > 0:
        how = _("на ${n}% больше, чем", mapping={"n": change})
    else:
        how = _("на ${n}% меньше, чем", mapping={"n": -change})
    return tr(_("${text} — ${how} в ${month} (${value} ${unit}).", mapping={
        "text": text, "how": tr(how), "month": _prepositional(periods.add(month.period, -12), tr),
        "value": format_number(month.last_year), "unit": unit}))


_PREP = (_("январе"), _("феврале"), _("марте"), _("апреле"), _("мае"), _("июне"), _("июле"), _("августе"),
         _("сентябре"), _("октябре"), _("ноябре"), _("декабре"))


def _prepositional(period: int, tr) -> str:
    """``ноябре 2026`` (after «в»): Russian declines the month."""
    return tr(_("${month} ${year}", mapping={"month": tr(_PREP[periods.month(period) - 1]),
                                             "year": periods.year(period)}))


def _nice_top(value: Decimal) -> Decimal:
    if value <= 0:
        return Decimal(1)
    exponent = value.adjusted()
    step = Decimal(10) ** exponent
    for k in (1, 2, 2.5, 5, 10):
        top = step * Decimal(str(k))
        if top >= value:
            return top
    return step * 10


def chart_svg(meter, months: list[Month], svg_id: str = "chart", tr=russian) -> str:
    """Bars of the months' consumption, last year's same months as outlines;
    ``tr`` translates the texts."""
    width, height, left, bottom, top_pad = 640, 260, 56, 36, 16
    plot_w, plot_h = width - left - 10, height - bottom - top_pad
    peak = max([m.used or 0 for m in months] + [m.last_year or 0 for m in months] + [Decimal(0)])
    top = _nice_top(Decimal(peak))
    slot = plot_w / max(1, len(months))
    bar = slot * 0.38
    unit = tr(meter.unit_label)
    title = tr(_("Расход: ${meter}", mapping={"meter": meter.title(tr)}))
    desc = tr(_("Помесячный расход, ${unit}, за ${first} — ${last}. Тёмные столбцы — этот год, светлые контуры — "
                "тот же месяц годом раньше.", mapping={"unit": unit,
                                                       "first": periods.label(months[0].period, tr),
                                                       "last": periods.label(months[-1].period, tr)})
              if months else _("Нет данных"))
    out = ['<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" class="meter-chart" role="img" '
           'aria-labelledby="%s-title %s-desc">' % (width, height, svg_id, svg_id),
           '<title id="%s-title">%s</title>' % (svg_id, escape(title)),
           '<desc id="%s-desc">%s</desc>' % (svg_id, escape(desc))]
    for k in range(5):
        value = top * k / 4
        y = top_pad + plot_h - plot_h * k / 4
        out.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" class="grid"/>' % (left, width - 10, y, y))
        out.append('<text x="%d" y="%.1f" class="axis" text-anchor="end">%s</text>'
                   % (left - 6, y + 4, escape(format_number(value.normalize() if value else Decimal(0)))))
    out.append('<text x="4" y="12" class="axis">%s</text>' % escape(unit))
    for i, month in enumerate(months):
        x = left + i * slot + slot * 0.1
        m = periods.month(month.period)
        label = periods.label_short(month.period, tr) if m == 1 or i == 0 else tr(periods.MONTHS_SHORT[m - 1])
        out.append('<text x="%.1f" y="%d" class="axis" text-anchor="middle">%s</text>'
                   % (left + i * slot + slot / 2, height - bottom + 16, escape(label)))
        if month.last_year is not None:
            h = float(month.last_year / top) * plot_h
            out.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" class="bar-last-year">'
                       '<title>%s</title></rect>' % (
                           x + bar, top_pad + plot_h - h, bar, h,
                           escape("%s: %s %s" % (periods.label(periods.add(month.period, -12), tr),
                                                 format_number(month.last_year), unit))))
        if month.used is not None:
            h = float(month.used / top) * plot_h
            out.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" class="bar">'
                       '<title>%s</title></rect>' % (
                           x, top_pad + plot_h - h, bar, h,
                           escape("%s: %s %s" % (periods.label(month.period, tr), format_number(month.used),
                                                 unit))))
    out.append('<line x1="%d" x2="%d" y1="%d" y2="%d" class="baseline"/>'
               % (left, width - 10, top_pad + plot_h, top_pad + plot_h))
    out.append("</svg>")
    return "\n".join(out)


def standalone_svg(svg: str) -> str:
    """The chart as a file: an XML declaration and inline styles."""
    style = ("<style>.grid{stroke:#ddd}.baseline{stroke:#555}.axis{font:11px sans-serif;fill:#333}"
             ".bar{fill:#1f5fa8}.bar-last-year{fill:none;stroke:#8aa9cf;stroke-width:1.5}</style>")
    head, _sep, rest = svg.partition(">")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + head + ">" + style + rest

