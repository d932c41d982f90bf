"""The receipt (ЕПД): printable HTML and PDF from one template, with a payment
QR code that a real decoder (zxing-cpp) reads back field by field."""
import io
import re

import pytest

from lk_debt import paymentqr
from lk_platform.util import periods

pytestmark = pytest.mark.calendar  # receipts of last month, due dates, payments

zxingcpp = pytest.importorskip("zxingcpp")

ACC1 = "/o/vodokanal/accounts/1000001/"
UKDOM1 = "/o/uk-dom/accounts/2000001/"


def expected_fields(platform, org_slug, number, period):
    org = platform.organisations[org_slug]
    account = org["accounts"][number]
    settings = org.plugin_settings("debt")
    closing = org["debt_ledgers"][number].row(period).closing_k
    return {
        "Name": org.legal_name, "PersonalAcc": settings["settlement_account"], "BankName": settings["bank_name"],
        "BIC": settings["bic"], "CorrespAcc": settings["correspondent_account"], "PayeeINN": org.inn,
        "KPP": org.kpp, "PersAcc": number, "PaymPeriod": periods.compact(period),
        "Purpose": "Оплата ЖКУ за %s, л/с %s" % (periods.short(period), number),
        "PayerAddress": account.address, "TechCode": "02",
        **({"Sum": str(closing)} if closing > 0 else {}),
    }


def test_html_receipt_qr_carries_every_field(shared):
    with shared.db() as platform:
        ledger = shared.ledger(platform, "vodokanal", "1000001")
        period = ledger.last_period
        expected = expected_fields(platform, "vodokanal", "1000001", period)
        row = ledger.row(period)
    assert row.closing_k > 0
    page = shared.browser("ivanov").get(shared.url(ACC1, "@@receipt", period=periods.iso(period)))
    assert page.content_type == "text/html"
    images = shared.qr_images(page.text)
    assert len(images) == 1
    data = shared.decode_qr(images[0])
    assert data.startswith(b"ST00012|")
    fields = paymentqr.parse(data)
    assert fields == expected
    assert list(fields)[:5] == list(paymentqr.REQUIRED)
    # the printed figures match the code
    assert 'id="to-pay">%s<' % shared.rub(row.closing_k) in page.text
    assert "Единый платёжный документ за " + periods.label(period) in page.text
    assert "Скачать PDF" in page.text


def test_pdf_receipt_is_the_same_document_with_a_readable_qr(shared):
    pypdf = pytest.importorskip("pypdf")
    from PIL import Image
    with shared.db() as platform:
        ledger = shared.ledger(platform, "uk-dom", "2000001")
        period = ledger.rows[-2].period
        expected = expected_fields(platform, "uk-dom", "2000001", period)
    response = shared.browser("ivanov").get(shared.url(UKDOM1, "@@receipt.pdf", period=periods.iso(period)))
    assert response.content_type == "application/pdf" and response.body.startswith(b"%PDF")
    assert 'filename="receipt-2000001-%s.pdf"' % periods.iso(period) in response.headers["Content-Disposition"]
    reader = pypdf.PdfReader(io.BytesIO(response.body))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Единый платёжный документ" in text and "2000001" in text and "Скачать PDF" not in text
    images = {image.data for page in reader.pages for image in page.images}  # pages may share resources
    assert len(images) == 1
    decoded = shared.decode_qr(Image.open(io.BytesIO(images.pop())))
    assert paymentqr.parse(decoded) == expected


def test_nothing_to_pay_means_no_sum_in_the_code(debt):
    import datetime as dt
    from decimal import Decimal
    with debt.db() as platform:
        ledger = debt.ledger(platform, "vodokanal", "1000001")
        period = ledger.last_period
        ledger.add_payment(dt.date(period // 100, period % 100, 28), Decimal("99999.00"), channel="cash")
        closing = ledger.row(period).closing_k
    assert closing < 0
    page = debt.browser("ivanov").get(debt.url(ACC1, "@@receipt", period=periods.iso(period)))
    fields = paymentqr.parse(debt.decode_qr(debt.qr_images(page.text)[0]))
    assert "Sum" not in fields and fields["PersAcc"] == "1000001"  # the payer's bank app asks for the amount
    assert 'id="to-pay">%s<' % debt.rub(0) in page.text and debt.rub(-closing) in page.text


def test_payee_name_with_the_separator_switches_separator(debt):
    with debt.db() as platform:
        org = platform.organisations["vodokanal"]
        org.set_plugin_settings("debt", dict(org.plugin_settings("debt"), payee_name="ООО «Вода|Сток»"))
        period = debt.ledger(platform, "vodokanal", "1000001").last_period
    page = debt.browser("ivanov").get(debt.url(ACC1, "@@receipt", period=periods.iso(period)))
    data = debt.decode_qr(debt.qr_images(page.text)[0])
    assert data[7:8] != b"|"
    assert paymentqr.parse(data)["Name"] == "ООО «Вода|Сток»"


def test_without_bank_details_the_receipt_says_so_and_has_no_qr(debt):
    with debt.db() as platform:
        org = platform.organisations["vodokanal"]
        org.set_plugin_settings("debt", dict(org.plugin_settings("debt"), settlement_account="", bank_name="",
                                             bic="", correspondent_account=""))
        period = debt.ledger(platform, "vodokanal", "1000001").last_period
    page = debt.browser("ivanov").get(debt.url(ACC1, "@@receipt", period=periods.iso(period)))
    assert not debt.qr_images(page.text)
    assert "Банковские реквизиты организации не заполнены" in page.text


def test_receipt_bad_and_missing_periods(shared):
    browser = shared.browser("ivanov")
    for name in ("@@receipt", "@@receipt.pdf"):
        assert "Месяца с номером 13 нет" in browser.get(shared.url(ACC1, name, period="2024-13"), status=400).text
        browser.get(shared.url(ACC1, name, period="abc"), status=400)
        browser.get(shared.url(ACC1, name), status=400)
        assert "Начислений за" in browser.get(shared.url(ACC1, name, period="2010-01"), status=404).text


def test_pdf_never_fetches_urls(shared):
    """Anything the receipt shows is embedded: an external URL is refused, not fetched."""
    import weasyprint

    from lk_debt.receipt import _data_urls_only
    html = '<p>x</p><img src="http://127.0.0.1:9/never.png"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
    pdf = weasyprint.HTML(string=html, url_fetcher=_data_urls_only()).write_pdf()
    assert pdf.startswith(b"%PDF") and not re.search(rb"never\.png", pdf)


def test_a_burst_of_pdf_downloads_is_answered_not_queued_forever(shared, monkeypatch):
    from lk_debt import receipt
    with shared.db() as platform:
        period = shared.ledger(platform, "vodokanal", "1000001").rows[0].period  # not rendered before
    monkeypatch.setattr(receipt, "PDF_WAIT_SECONDS", 0.01)
    taken = [receipt.PDF_SLOTS.acquire(blocking=False) for _ in range(2)]
    try:
        assert all(taken)
        page = shared.browser("ivanov").get(shared.url(ACC1, "@@receipt.pdf", period=periods.iso(period)),
                                            status=503)
        assert "Повторите через минуту" in page.text
    finally:
        for _ in taken:
            receipt.PDF_SLOTS.release()
    response = shared.browser("ivanov").get(shared.url(ACC1, "@@receipt.pdf", period=periods.iso(period)))
    assert response.body.startswith(b"%PDF")
