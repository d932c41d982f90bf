"""A server-rendered SVG bar chart of accruals and payments by month.

Plain SVG text (no script): readable without JavaScript, scales with the
page (viewBox), carries ``<title>``/``<desc>`` for screen readers and a
``<title>`` per bar as a tooltip. The page puts a data table beside it.
"""
from __future__ import annotations

import math
from html import escape

from lk_platform.util import periods

from .i18n import _
from .money import rub

WIDTH, HEIGHT = 720, 280
LEFT, RIGHT, TOP, BOTTOM = 78, 10, 34, 30
#: fallbacks; the plugin's CSS recolours bars in the organisation's brand
FILLS = {"bar-charged": "#1f5fa8", "bar-paid": "#c98a00"}


def _nice_step(span: float, ticks: int = 4) -> float:
    raw = span / ticks if span > 0 else 1
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power  # pragma: no cover


def _axis(value: float) -> str:
    return format(int(round(value)), ",").replace(",", " ")


def render(series, chart_id: str = "debt-chart", title: str = "", desc: str = "", show_paid: bool = True,
           translate=None) -> str:
    """``series``: ``[(period, charged_kopecks, paid_kopecks), ...]`` oldest first;
    ``translate``: the request's ``localizer.translate`` (Russian without it)."""
    t = translate or (lambda message: message.interpolate())
    n = len(series)
    title_id, desc_id = chart_id + "-title", chart_id + "-desc"
    head = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" class="debt-chart" id="%s" role="img" '
            'aria-labelledby="%s %s" preserveAspectRatio="xMidYMid meet">'
            '<title id="%s">%s</title><desc id="%s">%s</desc>'
            % (WIDTH, HEIGHT, chart_id, title_id, desc_id, title_id, escape(title), desc_id, escape(desc)))
    if not n:
        return head + '<text x="%d" y="%d" text-anchor="middle" class="axis">%s</text></svg>' % (
            WIDTH // 2, HEIGHT // 2, escape(t(_("Нет данных"))))
    values = [s[1] / 100 for s in series] + ([s[2] / 100 for s in series] if show_paid else [])
    top_value = max(0.0, max(values))
    bottom_value = min(0.0, min(values))
    step = _nice_step(top_value - bottom_value)
    top_value = math.ceil(top_value / step) * step if top_value > 0 else 0
    bottom_value = math.floor(bottom_value / step) * step if bottom_value < 0 else 0
    if top_value == bottom_value:
        top_value = step
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM

    def y(value):
        return TOP + (top_value - value) / (top_value - bottom_value) * plot_h

    out = [head]
    # legend
    out.append('<g class="legend" font-size="13"><rect x="%d" y="8" width="12" height="12" class="bar-charged" fill="#1f5fa8"/>'
               '<text x="%d" y="18">%s</text>' % (LEFT, LEFT + 16, escape(t(_("Начислено")))))
    if show_paid:
        out.append('<rect x="%d" y="8" width="12" height="12" class="bar-paid" fill="#c98a00"/><text x="%d" y="18">%s</text>'
                   % (LEFT + 110, LEFT + 126, escape(t(_("Оплачено")))))
    out.append("</g>")
    # grid and y axis labels
    out.append('<g class="grid" font-size="12" stroke="#e3e7ed">')
    tick = bottom_value
    while tick <= top_value + step / 1000:
        ty = y(tick)
        out.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f"/><text x="%d" y="%.1f" text-anchor="end" '
                   'class="axis" stroke="none" fill="#5b6470">%s</text>' % (LEFT, WIDTH - RIGHT, ty, ty, LEFT - 6, ty + 4, _axis(tick)))
        tick += step
    out.append("</g>")
    # bars
    group = plot_w / n
    bar = group * (0.38 if show_paid else 0.7)
    zero = y(0)
    label_every = max(1, math.ceil(n / 12))
    charged_word, paid_word = escape(t(_("начислено"))), escape(t(_("оплачено")))
    out.append('<g class="bars">')
    for i, (period, charged, paid) in enumerate(series):
        x0 = LEFT + i * group + group * (0.1 if show_paid else 0.15)
        name = periods.label(period, translate)
        for value, cls, what, offset in ((charged, "bar-charged", charged_word, 0),
                                         (paid, "bar-paid", paid_word, bar) if show_paid else (None,) * 4):
            if value is None:
                continue
            vy = y(value / 100)
            top, height = (vy, zero - vy) if value >= 0 else (zero, vy - zero)
            out.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" class="%s" fill="%s"><title>%s: %s %s</title></rect>'
                       % (x0 + offset, top, bar, max(height, 0.5), cls, FILLS[cls], name, what, rub(value)))
        if i % label_every == 0:
            out.append('<text x="%.1f" y="%d" text-anchor="middle" class="axis" font-size="12">%s</text>'
                       % (LEFT + i * group + group / 2, HEIGHT - 10, periods.label_short(period, translate)))
    out.append('</g><line class="baseline" stroke="#5b6470" x1="%d" x2="%d" y1="%.1f" y2="%.1f"/></svg>'
               % (LEFT, WIDTH - RIGHT, zero, zero))
    return "".join(out)
