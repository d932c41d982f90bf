"""The long tables' rows (a row per month over years of history, a row per
payment), built as HTML in Python: in a page template each of several
hundred cells costs a few lookups and a quote call, which made the history
page several times slower than the page around it. The templates keep the
tables' headings and layout; only the repeated ``<tr>`` rows come from here.
Every text that is not our own number or label is escaped; ``translate``
is the request's ``localizer.translate``."""
from __future__ import annotations

from html import escape
from urllib.parse import quote

from lk_platform.util import periods

from .i18n import _
from .money import number, rub
from .payments import channel_title
from .status import balance_word


def history(rows, base: str, show_penalties: bool, translate) -> str:
    """``<tr>`` per period, newest first as given: saldo, accruals, payments."""
    link = escape(base, quote=True) + "@@debt-period?period="
    out = []
    for r in rows:
        closing = r.closing_k
        out.append(
            '<tr><th scope="row"><a href="%s%s">%s</a></th><td class="money">%s</td><td class="money">%s</td>'
            '<td class="money">%s</td><td class="money">%s</td>%s<td class="money">%s</td>'
            '<td class="money%s">%s</td></tr>' % (
                link, periods.iso(r.period), periods.label(r.period, translate), rub(r.opening_k), rub(r.accrued_k),
                rub(r.recalculation_k), rub(r.benefits_k),
                '<td class="money">%s</td>' % rub(r.penalties_k) if show_penalties else "",
                rub(r.paid_k), " debt" if closing > 0 else "", rub(closing)))
    return "\n".join(out)


def chart_data(series, show_paid: bool, translate) -> str:
    """``<tr>`` per month of the chart, oldest first: its text alternative."""
    out = []
    for period, charged, paid in series:
        out.append('<tr><th scope="row">%s</th><td class="money">%s</td>%s</tr>' % (
            periods.label(period, translate), rub(charged), '<td class="money">%s</td>' % rub(paid) if show_paid else ""))
    return "\n".join(out)


def payments(records, translate) -> str:
    """``<tr>`` per payment: date, amount, channel, the period the payer named."""
    out = []
    for p in records:
        out.append('<tr><td>%s</td><td class="money">%s</td><td>%s</td><td>%s</td></tr>' % (
            p.date.strftime("%d.%m.%Y"), rub(p.amount_k), escape(translate(channel_title(p.channel))),
            periods.short(p.period) if p.period else "—"))
    return "\n".join(out)


def service(rows, base: str, show_penalties: bool, translate) -> str:
    """``<tr>`` per period of one service: volume, tariff and its amounts."""
    link = escape(base, quote=True) + "@@debt-period?period="
    out = []
    for r in rows:
        lines = r["lines"]
        volumes = ", ".join(number(l.volume) + (" " + escape(l.unit) if l.unit else "")
                            for l in lines if l.volume is not None)
        tariffs = ", ".join(number(l.tariff) for l in lines if l.tariff is not None)
        out.append(
            '<tr><th scope="row"><a href="%s%s">%s</a></th><td class="num">%s</td><td class="num">%s</td>'
            '<td class="money">%s</td><td class="money">%s</td><td class="money">%s</td>%s'
            '<td class="money">%s</td></tr>' % (
                link, periods.iso(r["period"]), periods.label(r["period"], translate), volumes, tariffs,
                rub(r["accrued_k"]), rub(r["recalculation_k"]), rub(r["benefits_k"]),
                '<td class="money">%s</td>' % rub(r["penalties_k"]) if show_penalties else "", rub(r["total_k"])))
    return "\n".join(out)


def account_urls(request, organisation):
    """``account -> URL`` for the accounts of ``organisation``: one traversal
    URL, then plain concatenation (accounts live at ``<org>/accounts/<n>/``)."""
    prefix = request.resource_url(organisation) + "accounts/"
    return lambda account: prefix + quote(account.number, safe="") + "/"


def _due(status, translate) -> str:
    if not (status.due and status.due_date):
        return ""
    when = status.due_date.strftime("%d.%m.%Y")
    if status.overdue:
        return translate(_('до ${date} <strong class="debt">(просрочено)</strong>', mapping={"date": when}))
    return translate(_("до ${date}", mapping={"date": when}))


def overview(statuses, url, translate) -> str:
    """``<tr>`` per account: balance, due date, the last receipt."""
    out = []
    labels = tuple(escape(translate(m), quote=True) for m in (
        _("Лицевой счёт"), _("Адрес"), _("Баланс"), _("Срок оплаты"), _("Квитанция")))
    for s in statuses:
        base = escape(url(s.account), quote=True)
        balance = s.ledger.balance_k
        receipt = ('<span><a href="%s@@receipt?period=%s">%s</a> (<a href="%s@@receipt.pdf?period=%s">PDF</a>)'
                   '</span>' % (base, s.period_iso, periods.label(s.last_period, translate), base, s.period_iso)
                   ) if s.last_period else "—"
        out.append(
            '<tr><th scope="row" data-label="%s"><a href="%s@@debt">%s</a></th>'
            '<td data-label="%s">%s</td><td data-label="%s" class="money%s">%s%s</td>'
            '<td data-label="%s">%s</td><td data-label="%s">%s</td></tr>' % (
                labels[0], base, escape(s.account.number), labels[1], escape(s.account.address), labels[2],
                " debt" if balance > 0 else (" overpaid" if balance < 0 else ""), translate(balance_word(balance)),
                ": " + rub(abs(balance)) if balance else "", labels[3], "<span>%s</span>" % (_due(s, translate) or "—"),
                labels[4], receipt))
    return "\n".join(out)


def widget(statuses, url, translate) -> str:
    """``<li>`` per account for the dashboard: what is due and by when."""
    out = []
    for s in statuses:
        base = escape(url(s.account), quote=True)
        if s.due:
            figure = '<strong class="debt">%s</strong>' % translate(_("задолженность ${sum}", mapping={"sum": rub(s.due)}))
            if s.due_date:
                when = s.due_date.strftime("%d.%m.%Y")
                figure += (' <span class="debt">%s</span>' % translate(_("— срок оплаты ${date} прошёл", mapping={"date": when}))
                           if s.overdue else " <span>%s</span>" % translate(_("— оплатить до ${date}", mapping={"date": when})))
        elif s.overpaid:
            figure = '<strong class="overpaid">%s</strong>' % translate(_("переплата ${sum}", mapping={"sum": rub(s.overpaid)}))
        else:
            figure = "<span>%s</span>" % translate(_("задолженности нет"))
        last = ('<br><span class="muted">%s</span>' % translate(_(
            'Начислено за ${period}: ${sum} · <a href="${receipt}">квитанция</a>',
            mapping={"period": periods.label(s.last_period, translate), "sum": rub(s.last_charged),
                     "receipt": "%s@@receipt?period=%s" % (base, s.period_iso)}))) if s.last_period else ""
        out.append('<li><a href="%s@@debt">%s</a>: %s%s</li>' % (
            base, translate(_("Л/с № ${number}", mapping={"number": escape(s.account.number)})), figure, last))
    return "\n".join(out)


def staff_periods(rows, base: str, closed, can_manage: bool, translate) -> str:
    """``<tr>`` per period on the staff ledger page, with the correction link."""
    edit = escape(base, quote=True) + "@@debt-edit?period="
    closed_word, correct_word = translate(_("закрыт")), translate(_("Исправить"))
    out = []
    for r in rows:
        if r.period in closed:
            action = '<span class="muted">%s</span>' % closed_word
        elif can_manage:
            action = '<a href="%s%s">%s</a>' % (edit, periods.iso(r.period), correct_word)
        else:
            action = ""
        out.append('<tr><th scope="row">%s</th><td class="money">%s</td><td class="money">%s</td>'
                   '<td class="money">%s</td><td class="money">%s</td><td>%s</td></tr>' % (
                       periods.label(r.period, translate), rub(r.opening_k), rub(r.charged_k), rub(r.paid_k),
                       rub(r.closing_k), action))
    return "\n".join(out)


def staff_payments(records, payments_url: str, translate) -> str:
    """``<tr>`` per payment on the staff ledger page, with where it came from."""
    admin = escape(payments_url, quote=True)
    by_hand = translate(_("внесён вручную"))
    out = []
    for p in records:
        if p.ref.startswith("debt_payments/"):
            source = '<a href="%s%s/@@admin">%s</a>' % (admin, escape(p.ref.split("/", 1)[1]), by_hand)
        elif p.ref:
            source = escape(translate(_("реестр ${note}", mapping={"note": p.note})).strip())
        else:
            source = escape(p.note)
        out.append('<tr><td>%s</td><td class="money">%s</td><td>%s</td><td>%s</td><td>%s</td></tr>' % (
            p.date.strftime("%d.%m.%Y"), rub(p.amount_k), escape(translate(channel_title(p.channel))),
            periods.short(p.period) if p.period else "—", source))
    return "\n".join(out)
