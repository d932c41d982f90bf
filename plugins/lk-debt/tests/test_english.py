"""The resident's pages of the plugin in English (Russian stays the default),
through the whole WSGI stack; and every message of the ``lk_debt`` domain
has an English translation."""
from __future__ import annotations

import os

import pytest

from lk_platform.locale import extract

PACKAGE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lk_debt")
PO = os.path.join(PACKAGE, "locale", "en", "LC_MESSAGES", "lk_debt.po")
ACC1 = "/o/vodokanal/accounts/1000001/"


def plugin_msgids():
    """``{msgid: [where]}`` of the ``lk_debt`` domain: ``_()`` calls in the
    package and ``i18n:translate``/``i18n:attributes`` in its templates."""
    return extract.package_msgids(PACKAGE, "lk_debt")


@pytest.fixture(scope="module", autouse=True)
def compiled_catalog():
    """``make catalogs`` compiles the .po; a run straight after editing it compiles here."""
    mo = PO[:-3] + ".mo"
    if not os.path.exists(mo) or os.path.getmtime(mo) < os.path.getmtime(PO):
        extract.compile_catalog(PO)


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
    assert "Start of period: “abc” is not a period: enter a month as YYYY-MM" in response.text
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
