"""The plugin in English (Russian stays the default), through the whole
WSGI stack: the resident's pages, the receipt (HTML and PDF), the staff
pages, forms, messages and the CSV export; and every message of the
``lk_debt`` domain has an English translation."""
from __future__ import annotations

import csv
import io
import re

import pytest
from lxml import html as lxml_html

from lk_platform.testing import CYRILLIC, EnglishCatalog
from lk_platform.util import periods

CATALOG = EnglishCatalog("lk_debt", __file__)
PACKAGE, PO = CATALOG.package, CATALOG.po
ACC1 = "/o/vodokanal/accounts/1000001/"


plugin_msgids = CATALOG.msgids




def english(debt, login="ivanov"):
    b = debt.browser(login)
    response = b.post_csrf("/language", {"language": "en", "next": "/cabinet"})
    assert response.status_int == 303
    return b


# --- the catalog ----------------------------------------------------------------------

def test_every_plugin_message_has_an_english_translation():
    from babel.messages.pofile import read_po
    with open(PO, "rb") as f:
        catalog = read_po(f, locale="en", domain="lk_debt")
    found = plugin_msgids()
    assert len(found) > 100
    missing = [m for m in sorted(found) if catalog.get(m) is None or not catalog.get(m).string
               or catalog.get(m).fuzzy]
    assert missing == [], "msgids of lk_debt without English: %s" % missing
    # every ${name} of a msgid is kept in its translation
    import re
    for msgid in found:
        names = sorted(re.findall(r"\$\{(\w+)\}", msgid))
        assert sorted(re.findall(r"\$\{(\w+)\}", catalog.get(msgid).string)) == names, msgid


def test_extraction_covers_python_and_templates():
    found = plugin_msgids()
    assert "Начало периода (${first}) позже конца (${last})" in found              # cabinet.py Filters
    assert "Лицевой счёт № ${number}" in found                                     # i18n:name in history.pt
    assert "ГГГГ-ММ" in found                                                      # i18n:attributes
    assert "Все счета и квитанции" in found                                        # widget.pt
    assert any("templates/history.pt" in w for w in found["Услуга"])


# --- the pages -----------------------------------------------------------------------------

def test_russian_stays_the_default(debt):
    page = debt.browser("ivanov").get(ACC1 + "@@debt")
    assert "История по периодам" in page.text and "Входящее сальдо" in page.text
    assert "History by period" not in page.text


def test_history_in_english(debt):
    b = english(debt)
    page = b.get(ACC1 + "@@debt")
    assert '<html lang="en"' in page.text
    for label in ("Charges and payments", "Personal account No. 1000001", "History by period", "Opening balance",
                  "Closing balance", "Recalculation", "Benefits", "From period", "To period", "All services",
                  "Chart data as a table", "Chart: charged and paid by month", "Payments", "Download PDF"):
        assert label in page.text, label
    for russian in ("История по периодам", "Входящее сальдо", "Начислено", "Оплачено", "Скачать PDF",
                    "Задолженность", "Переплата", "квитанция"):
        assert russian not in page.text, russian
    # months in the table and the chart are English too; the demo address stays as it is
    assert any(m in page.text for m in ("January", "February", "March", "October", "November", "December"))
    assert "октябрь" not in page.text and "ноябрь" not in page.text
    # a service filter: its heading and chart in English, the service's own name as stored
    service = page.forms[[k for k, f in page.forms.items() if "service" in f.fields][0]]["service"].options[1][0]
    filtered = b.get(debt.url(ACC1, "@@debt", service=service))
    assert "Service “%s” by period" % service in filtered.text
    assert "Chart: charges for “%s” by month" % service in filtered.text


def test_bad_filter_in_english_names_the_field(debt):
    b = english(debt)
    response = b.get(debt.url(ACC1, "@@debt", **{"from": "abc"}), expect_errors=True)
    assert response.status_int == 400
    assert "Start of period: “abc” is not a period: give the month as YYYY-MM" in response.text
    assert "The whole history is shown." in response.text
    response = b.get(debt.url(ACC1, "@@debt", to="2026-13"), expect_errors=True)
    assert response.status_int == 400
    assert "End of period: There is no month number 13" in response.text
    response = b.get(debt.url(ACC1, "@@debt", service="Нет такой"), expect_errors=True)
    assert response.status_int == 400
    assert "There is no service “Нет такой” in this account’s charges" in response.text
    # the same in Russian, unchanged
    ru = debt.browser("petrova")
    response = ru.get(debt.url("/o/vodokanal/accounts/1000002/", "@@debt", **{"from": "abc"}), expect_errors=True)
    assert response.status_int == 400 and "Начало периода: «abc» — не период" in response.text


def test_period_page_in_english(debt):
    b = english(debt)
    history = b.get(ACC1 + "@@debt")
    link = history.html.select("table.debt-history tbody a")[0]
    page = b.get(link["href"])
    for label in ("Charges for ", "Opening balance", "Charged, including recalculations and benefits",
                  "Services", "Provider", "Rate, ₽", "Total", "Payments counted in the period", "← Whole history",
                  "Due date", "Receipt"):
        assert label in page.text, label
    assert link.text in page.text and link.text.split()[0] in ("January February March April May June July August "
                                                               "September October November December").split()
    assert "Входящее сальдо" not in page.text and "Исполнитель" not in page.text
    missing = b.get(debt.url(ACC1, "@@debt-period", period="2001-01"), expect_errors=True)
    assert missing.status_int == 404 and "This account has no charges for January 2001" in missing.text
    bad = b.get(debt.url(ACC1, "@@debt-period", period="x"), expect_errors=True)
    assert bad.status_int == 400 and "Period: “x” is not a period" in bad.text


@pytest.mark.calendar
def test_overview_dashboard_and_menu_in_english(debt):
    b = english(debt)
    page = b.get("/o/vodokanal/@@debt")
    for label in ("Charges and payments", "Total for all accounts", "Personal account", "Address", "Balance",
                  "Due date", 'data-label="Receipt"'):
        assert label in page.text, label
    assert any(w in page.text for w in ("Amount due", "Overpayment", "Nothing due"))
    assert "Итого по всем счетам" not in page.text and "Лицевой счёт" not in page.text
    dashboard = b.get("/cabinet")
    assert "All accounts and receipts" in dashboard.text
    assert "Account No. 1000001" in dashboard.text
    assert any(w in dashboard.text for w in ("amount due ", "overpayment ", "nothing due"))
    # the account summary: keys translated for display (totalled by their Russian msgid)
    assert "<dt>Amount due</dt>" in dashboard.text
    assert "Задолженность" not in dashboard.text and "Все счета и квитанции" not in dashboard.text
    assert ">Charges and payments</a>" in b.get("/o/vodokanal/@@debt").text    # the cabinet menu item


# --- the receipt ----------------------------------------------------------------------------

def texts(page, selector):
    return [" ".join(" ".join(e.itertext()).split()) for e in lxml_html.fromstring(page.text).cssselect(selector)]


def last_period(debt):
    with debt.db() as platform:
        return periods.iso(debt.ledger(platform, "vodokanal", "1000001").last_period)


def test_receipt_in_english(debt):
    b = english(debt)
    period = last_period(debt)
    page = b.get(debt.url(ACC1, "@@receipt", period=period))
    assert '<html lang="en"' in page.text
    assert texts(page, "p.muted")[0].startswith("Personal account No. 1000001 · issued ")
    for label in ("Utility bill for ", "Payee", "INN / KPP",
                  "Settlement account", "Bank", "BIC", "Corr. account", "Payer", "Full name", "Address",
                  "To pay", "Charged for the period", "Paid in the period", "Total to pay", "Pay by",
                  "Service", "Provider", "Volume", "Rate, ₽", "Charged", "Recalculation", "Benefits", "Total",
                  "Scan it in your banking app", "← Back to charges", "Download PDF", "Print",
                  "Balance: plus is a debt, minus an overpayment."):
        assert label in page.text, label
    assert "Debt at the start of the period" in page.text or "Overpayment at the start of the period" in page.text
    assert re.search(r'alt="Payment QR code: [^"]+, personal account 1000001, period ', page.text)
    # the plugin's own words: headings, labels, column heads, the toolbar, the title
    assert texts(page, "title")[0].startswith("Receipt for ")
    own = texts(page, "h1, h2, dt, th, nav, .qr p") + [t.split(".", 1)[1] for t in texts(page, ".footer")]
    assert [t for t in own if CYRILLIC.search(t)] == []
    # the QR code's payment purpose stays Russian: banks read it
    assert "Оплата ЖКУ" in debt.decode_qr(debt.qr_images(page.text)[0]).decode("utf-8")


def test_receipt_pdf_in_english(debt):
    from pypdf import PdfReader
    b = english(debt)
    period = last_period(debt)
    response = b.get(debt.url(ACC1, "@@receipt.pdf", period=period))
    assert response.content_type == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.body)).pages)
    text = " ".join(text.split())
    for label in ("Utility bill for", "Payee", "Payer", "Total to pay", "Charged for the period"):
        assert label in text, label
    for russian in ("Единый платёжный документ", "Итого к оплате", "Получатель платежа"):
        assert russian not in text
    # the Russian PDF is another document, not the cached English one
    ru = debt.browser("petrova")
    ru_text = ru.get(debt.url("/o/vodokanal/accounts/1000002/", "@@receipt.pdf", period=period)).body
    assert "Единый платёжный документ" in " ".join(
        p.extract_text() for p in PdfReader(io.BytesIO(ru_text)).pages)


# --- the staff pages -----------------------------------------------------------------------------

def staff_english(debt):
    return english(debt, "admin.vodokanal")


def no_cyrillic(page, selector="h1, h2, dt, th, label, button, .btn, .alert, .muted, .actions a, thead"):
    if "<main" in page.text:   # the plugin's part of the page, not the theme's chrome
        selector = ", ".join("main " + one.strip() for one in selector.split(","))
    found = [t for t in texts(page, selector) if CYRILLIC.search(t)]
    assert found == [], found


def test_staff_pages_in_english(debt):
    b = staff_english(debt)
    admin = b.get("/o/vodokanal/@@debt-admin")
    for label in ("Charges", "Personal account number", "Open charges", "Accounts with charges", "Due date",
                  "by day 10 of the following month", "Penalties", "shown separately", "Bank details",
                  "filled in", "Payments entered by hand", "Billing periods", "Bank details and due date"):
        assert label in admin.text, label
    no_cyrillic(admin)
    missing = b.get("/o/vodokanal/@@debt-admin?account=9999999", expect_errors=True)
    assert missing.status_int == 404
    assert "Personal account No. 9999999 was not found in the organisation" in missing.text
    ledger = b.get(ACC1 + "@@debt-ledger")
    for label in ("Charges of account No. 1000001", "Balance", "Opening balance before the first period",
                  "Periods", "Add charges for a period", "Enter a payment", "Opening", "Charged*", "Closing",
                  "Actions", "Correct", "closed", "* including recalculations, benefits and penalties.",
                  "Payments", "Source"):
        assert label in ledger.text, label
    assert any(m in ledger.text for m in ("January", "February", "March", "October", "November", "December"))
    no_cyrillic(ledger, "h1, h2, dt, th, thead, .actions a, td .muted, td a")
    period = last_period(debt)
    edit = b.get(debt.url(ACC1, "@@debt-edit", period=period))
    for label in ("← Charges of the account", "Charges for ", "Empty lines are not saved", "Charges by service",
                  "Service", "Provider (supplier)", "Unit", "Volume", "Rate, ₽", "Charged, ₽",
                  "Recalculation (+/−), ₽", "Benefits, subsidies, ₽", "Penalties, ₽", "Remove line",
                  "Reason for the correction", "Goes to the audit log", "Save", "Delete the charges for the period"):
        assert label in edit.text, label
    no_cyrillic(edit, "h1, label, button, legend, .muted, p a")
    new = b.get(debt.url(ACC1, "@@debt-edit", new="1"))
    assert "New period, account 1000001" in new.text and "Period (YYYY-MM)" in new.text
    closed = b.get(debt.url(ACC1, "@@debt-edit", period="2001-01"), expect_errors=True)
    assert closed.status_int == 404 and "Account 1000001 has no charges for January 2001" in closed.text
    assert "The request was not carried out" in closed.text


def test_staff_form_messages_and_flash_in_english(debt):
    b = staff_english(debt)
    form = b.get(debt.url(ACC1, "@@debt-edit", period=last_period(debt))).forms["lkform"]
    form["reason"] = ""
    refused = form.submit("save", expect_errors=True)
    assert refused.status_int == 400
    assert "“Reason for the correction”: required" in refused.text
    form = refused.forms["lkform"]
    form["reason"] = "Just looking"
    done = form.submit("save", status=302).follow()
    assert "Nothing changed" in done.text and "Изменений нет" not in done.text
    page = b.get("/o/vodokanal/debt_payments/@@add")
    for label in ("Personal account", "Payment date", "Amount, ₽", "Payment method", "For period (YYYY-MM)",
                  "Payment document number", "Note", "Bank card"):
        assert label in page.text, label
    no_cyrillic(page, "h1, label, button, option")
    form = page.forms["lkform"]
    form["account"] = "9999999"
    form["date"] = "2099-01-01"
    refused = form.submit("save", expect_errors=True)
    assert "“Personal account”: the organisation has no account No. 9999999" in refused.text
    assert "“Payment date”: the date is in the future (01.01.2099)" in refused.text
    assert "“Amount”: required" in refused.text
    settings = b.get("/o/vodokanal/@@plugin-settings/debt").forms["lkform"]
    settings["bic"] = "123"
    settings["due_day"] = "31"
    refused = settings.submit("save", expect_errors=True)
    assert "“BIC”: 9 digits needed" in refused.text and "“Pay by”: from 1 to 28" in refused.text
    for label in ("Payee", "Payee’s INN", "Settlement account", "Show penalties separately", "Pay by (day of the month)"):
        assert label in refused.text, label


def test_payments_admin_and_csv_export_in_english(debt):
    b = staff_english(debt)
    listing = b.get("/o/vodokanal/debt_payments/@@admin")
    assert "Payments entered by hand" in listing.text or "Payment" in listing.text
    for column in ("Payment date", "Personal account", "Amount, ₽", "Payment method"):
        assert column in listing.text, column
    periods_admin = b.get("/o/vodokanal/debt_periods/@@admin")
    assert "Period (YYYY-MM)" in periods_admin.text and "Period closed" in periods_admin.text
    export = b.get("/o/vodokanal/debt_payments/@@export.csv")
    header = next(csv.reader(io.StringIO(export.body.decode("utf-8-sig")), delimiter=";"))
    assert header[:8] == ["id", "Personal account", "Payment date", "Amount, ₽", "Payment method",
                          "For period (YYYY-MM)", "Payment document number", "Note"]
    periods_export = b.get("/o/vodokanal/debt_periods/@@export.csv")
    assert next(csv.reader(io.StringIO(periods_export.body.decode("utf-8-sig")), delimiter=";"))[:4] == [
        "id", "Period (YYYY-MM)", "Period closed", "Note"]


def test_staff_menu_links_are_in_the_billing_group():
    from lk_debt import plugin
    items = plugin.lk_admin_menu(request=None, organisation=None)
    assert items and all(item.group == "billing" for item in items)
    assert [item.title for item in items] == ["Начисления", "Платежи", "Расчётные периоды"]
