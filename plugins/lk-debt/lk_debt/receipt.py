"""The receipt (единый платёжный документ) of one account for one period:
its figures, the payee's details, the ST00012 payment QR code, and the PDF.

One template (``templates/receipt.pt``) serves the printable HTML page and
the PDF, which WeasyPrint renders from the same HTML, both in the reader's
language. The QR code's payment purpose stays Russian: banks read it.
"""
from __future__ import annotations

import base64
import functools
import threading
from decimal import Decimal
from importlib import resources

from lk_platform.theming.themes import render
from lk_platform.util import periods

from . import paymentqr
from .i18n import _
from .money import money, rub
from .payments import channel_title
from .schemas import BANK_FIELDS, settings_of
from .status import due_date

TEMPLATE = "lk_debt:templates/receipt.pt"
ZERO = Decimal("0.00")


def payee_of(organisation, settings=None) -> dict:
    settings = settings if settings is not None else settings_of(organisation)
    return {
        "name": settings["payee_name"] or organisation.legal_name or organisation.title,
        "inn": settings["payee_inn"] or organisation.inn or "",
        "kpp": settings["payee_kpp"] or organisation.kpp or "",
        "settlement_account": settings["settlement_account"],
        "bank_name": settings["bank_name"],
        "bic": settings["bic"],
        "correspondent_account": settings["correspondent_account"],
        "address": organisation.address or "",
        "phone": organisation.phone or "",
        "email": organisation.email or "",
        "complete": all(settings.get(f) for f in BANK_FIELDS),
    }


def qr_fields(payee: dict, account, period: int, to_pay: Decimal) -> dict:
    """The GOST R 56042-2014 fields of the receipt's QR code."""
    fields = {
        "Name": payee["name"],
        "PersonalAcc": payee["settlement_account"],
        "BankName": payee["bank_name"],
        "BIC": payee["bic"],
        "CorrespAcc": payee["correspondent_account"],
        "PayeeINN": payee["inn"],
        "KPP": payee["kpp"],
        # No Sum when nothing is due: the payer's bank app then asks for the amount.
        "Sum": int(to_pay.scaleb(2)) if to_pay > 0 else None,
        "PersAcc": account.number,
        "PaymPeriod": periods.compact(period),
        "Purpose": "Оплата ЖКУ за %s, л/с %s" % (periods.short(period), account.number),
        "PayerAddress": account.address,
        "TechCode": "02",  # housing and communal services
    }
    return fields


def receipt_data(request, organisation, account, ledger, period: int) -> dict | None:
    """Everything the receipt template shows, in the request's language;
    None if there is no statement for ``period``."""
    statement = ledger.statement(period)
    row = ledger.row(period)
    if statement is None or row is None:
        return None
    translate = request.localizer.translate
    settings = settings_of(organisation)
    payee = payee_of(organisation, settings)
    to_pay = max(row.closing, ZERO)
    qr = {"png": None, "text": "", "problem": ""}
    if payee["complete"]:
        try:
            fields = qr_fields(payee, account, period, to_pay)
            data = paymentqr.payload(fields)
            qr = {"png": "data:image/png;base64," + base64.b64encode(paymentqr.png(data)).decode("ascii"),
                  "text": data.decode("utf-8"), "problem": ""}
        except paymentqr.PaymentQRError as exc:
            qr["problem"] = _("QR-код не сформирован: ${problem}", mapping={"problem": translate(exc.message)})
    else:
        qr["problem"] = _("Банковские реквизиты организации не заполнены — QR-код для оплаты не сформирован.")
    payments = [{"date": p.date, "amount": p.amount, "channel": channel_title(p.channel)}
                for p in ledger.payments_in(period)]
    return {
        "organisation": organisation, "account": account, "period": period,
        "period_label": periods.label(period, translate), "period_short": periods.short(period),
        "period_iso": periods.iso(period), "lang": request.locale_name,
        "due_date": due_date(period, settings["due_day"]),
        "payee": payee, "lines": statement.lines, "row": row, "to_pay": to_pay,
        "overpaid": max(-row.closing, ZERO), "payments": payments,
        "opening_label": _("Переплата на начало периода") if row.opening_k < 0 else _("Долг на начало периода"),
        "show_penalties": bool(settings["show_penalties"]), "qr": qr,
        "qr_alt": _("QR-код для оплаты: ${name}, лицевой счёт ${number}, период ${period}, сумма ${sum}", mapping={
            "name": payee["name"], "number": account.number, "period": periods.short(period), "sum": rub(to_pay)}),
        "totals": {"accrued": money(statement.accrued_k), "recalculation": money(statement.recalculation_k),
                   "benefits": money(statement.benefits_k), "penalties": money(statement.penalties_k),
                   "total": money(statement.total_k)},
        "issued": organisation.now(),
    }


@functools.lru_cache(maxsize=1)
def receipt_css() -> str:
    """``static/receipt.css``: linked from the page, inlined into the PDF."""
    return resources.files("lk_debt").joinpath("static/receipt.css").read_text(encoding="utf-8")


def render_html(request, data: dict, for_pdf: bool = False) -> str:
    return render(request, TEMPLATE, dict(data, for_pdf=for_pdf, rub=rub, receipt_css=receipt_css() if for_pdf else "",
                                          page_title=_("Квитанция за ${period}",
                                                       mapping={"period": data["period_label"]})))


#: PDFs rendered at once: a burst of downloads waits here instead of taking
#: every server thread (a receipt takes a few hundred milliseconds of CPU).
PDF_SLOTS = threading.BoundedSemaphore(2)
PDF_WAIT_SECONDS = 20


class Busy(RuntimeError):
    """Too many receipts are being rendered; the caller answers 503."""


def render_pdf(request, data: dict) -> bytes:
    import weasyprint
    html = render_html(request, data, for_pdf=True)
    if not PDF_SLOTS.acquire(timeout=PDF_WAIT_SECONDS):
        raise Busy()
    try:
        return weasyprint.HTML(string=html, url_fetcher=_data_urls_only()).write_pdf()
    finally:
        PDF_SLOTS.release()


def fingerprint(organisation, account, period: int, locale: str) -> tuple:
    """What a receipt shows besides the ledger: a cached PDF is reused only
    while none of it changed (and only on the day it was made), in its language."""
    return ("receipt.pdf", period, locale, organisation.now().date(), tuple(sorted(settings_of(organisation).items())),
            organisation.legal_name, organisation.title, organisation.inn, organisation.kpp, organisation.address,
            organisation.phone, organisation.email, account.holder, account.address, account.area,
            account.residents)


def _data_urls_only():
    # The PDF embeds everything it shows; fetching a URL from inside a request
    # could call this very server (and wait on itself) or reach elsewhere.
    try:
        from weasyprint.urls import URLFetcher
    except ImportError:  # WeasyPrint before 66 takes a plain function
        import weasyprint

        def fetch(url, *args, **kwargs):
            if not url.startswith("data:"):
                raise ValueError("external resource refused in a receipt: %s" % url[:80])
            return weasyprint.default_url_fetcher(url)
        return fetch
    return URLFetcher(allowed_protocols=("data",), fail_on_errors=False)
