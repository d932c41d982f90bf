"""What residents see: dashboard figures, balances, history, drill-down, chart."""
import re
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from lxml import html as lxml_html

from lk_debt.money import rub
from lk_debt.status import due_date
from lk_platform.util import periods

pytestmark = pytest.mark.calendar  # balances, due dates and periods are today's

ACC1 = "/o/vodokanal/accounts/1000001/"
ACC2 = "/o/vodokanal/accounts/1000002/"
UKDOM1 = "/o/uk-dom/accounts/2000001/"


def url(base, name, **params):
    return base + name + ("?" + urlencode(params) if params else "")


def norm(text):
    # ASCII whitespace only: amounts keep their non-breaking spaces
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def text_of(page, selector):
    return [norm(" ".join(e.itertext())) for e in lxml_html.fromstring(page.text).cssselect(selector)]


def test_dashboard_shows_each_account_and_totals_debt_and_overpayment(shared):
    with shared.db() as platform:
        ledgers = [shared.ledger(platform, "vodokanal", "1000001"), shared.ledger(platform, "uk-dom", "2000001")]
        balances = [l.balance for l in ledgers]
        last = ledgers[0].last_period
        due_day = platform.organisations["vodokanal"].plugin_settings("debt")["due_day"]
    debt_total = sum((b for b in balances if b > 0), Decimal("0"))
    over_total = sum((-b for b in balances if b < 0), Decimal("0"))
    assert debt_total > 0 and over_total > 0, "the demo gives ivanov one debt and one overpayment"
    page = shared.browser("ivanov").get("/cabinet")
    summary = text_of(page, "section.summary dl")[0]
    assert "Задолженность " + rub(debt_total) in summary and "Переплата " + rub(over_total) in summary
    cards = text_of(page, "article.account-card")
    card = [c for c in cards if "1000001" in c][0]
    assert "Задолженность " + rub(balances[0]) in card
    assert "Оплатить до " + due_date(last, due_day).strftime("%d.%m.%Y") in card
    widget = [w for w in text_of(page, "section.widget") if w.startswith("Начисления и оплата")]
    assert len(widget) == 2  # one per organisation
    assert "Начислено за " + periods.label(last) in widget[0]


def test_overview_totals_the_users_accounts_at_the_organisation(shared):
    page = shared.browser("ivanov").get("/o/uk-dom/@@debt")
    with shared.db() as platform:
        balance = shared.ledger(platform, "uk-dom", "2000001").balance
    assert balance < 0
    assert text_of(page, "#total-over") == [rub(-balance)] and text_of(page, "#total-due") == [rub(0)]
    assert "2000001" in page.text and "2000002" not in page.text  # not ivanov's


def test_history_shows_every_period_with_chained_balances(shared):
    page = shared.browser("ivanov").get(ACC1 + "@@debt")
    rows = lxml_html.fromstring(page.text).cssselect("table.debt-history tbody tr")
    assert len(rows) == 36
    with shared.db() as platform:
        ledger = shared.ledger(platform, "vodokanal", "1000001")
        newest = ledger.rows[-1]
        balance = ledger.balance
    first = [norm(" ".join(td.itertext())) for td in rows[0]]
    assert first[0] == periods.label(newest.period)
    assert first[1] == rub(newest.opening_k) and first[-1] == rub(newest.closing_k)
    # the opening of each period is the closing of the one before (newest first on the page)
    cells = [[norm(" ".join(td.itertext())) for td in row] for row in rows]
    assert all(cells[i][1] == cells[i + 1][-1] for i in range(len(cells) - 1))
    assert text_of(page, "#balance") == [rub(abs(balance))]
    assert "Квитанция за " + periods.label(newest.period) in page.text


def test_history_filter_by_period_range(shared):
    with shared.db() as platform:
        last = shared.ledger(platform, "vodokanal", "1000001").last_period
    first = periods.add(last, -11)
    page = shared.browser("ivanov").get(url(ACC1, "@@debt", **{"from": periods.iso(first), "to": periods.iso(last)}))
    rows = text_of(page, "table.debt-history tbody tr th")
    assert rows == [periods.label(p) for p in reversed(list(periods.span(first, last)))]
    # the chart and its table alternative cover the same months
    assert len(re.findall(r'class="bar-charged"', page.text)) == 12 + 1  # 12 bars + the legend swatch
    assert len(text_of(page, "figure details tbody tr")) == 12


def test_history_filter_by_service_shows_that_service_only(shared):
    page = shared.browser("ivanov").get(url(ACC1, "@@debt", service="Водоотведение"))
    assert page.status_int == 200
    assert "Услуга «Водоотведение» по периодам" in page.text
    assert '<option value="Водоотведение" selected="selected">' in page.text  # the filter stays chosen
    assert "table debt-history" not in page.text and 'class="bar-paid"' not in page.text
    with shared.db() as platform:
        ledger = shared.ledger(platform, "vodokanal", "1000001")
        newest = ledger.statement(ledger.last_period)
        sewage = [l for l in newest.lines if l.service == "Водоотведение"][0]
    first_row = lxml_html.fromstring(page.text).cssselect("section[aria-labelledby=service-h] tbody tr")[0]
    assert rub(sewage.total_k) == norm(first_row[-1].text_content())


def test_bad_filters_get_a_clear_answer_and_the_whole_history(shared):
    browser = shared.browser("ivanov")
    cases = [({"from": "2024-13"}, "Месяца с номером 13 нет"),
             ({"from": "abc"}, "«abc» — не период"),
             ({"to": "2099-01"}, "ещё не наступил"),
             ({"from": "2026-05", "to": "2025-05"}, "позже конца"),
             ({"service": "Газ"}, "Услуги «Газ» в начислениях по этому счёту нет")]
    for params, message in cases:
        page = browser.get(url(ACC1, "@@debt", **params), status=400)
        alerts = text_of(page, ".alert-danger")
        assert any(message in a for a in alerts), (params, alerts)
        assert len(text_of(page, "table.debt-history tbody tr")) == 36
    empty = browser.get(url(ACC1, "@@debt", **{"from": "", "to": "", "service": ""}))
    assert empty.status_int == 200 and not text_of(empty, ".alert-danger")


def test_chart_is_plain_svg_with_title_desc_and_a_table(shared):
    page = shared.browser("ivanov").get(ACC1 + "@@debt")
    svg = re.search(r"<svg.*?</svg>", page.text, re.S).group(0)
    assert "<script" not in svg and 'role="img"' in svg
    assert re.search(r'aria-labelledby="debt-chart-title debt-chart-desc"', svg)
    assert "<title id=\"debt-chart-title\">График: начислено и оплачено по месяцам</title>" in svg
    assert "<desc id=\"debt-chart-desc\">" in svg
    tooltips = re.findall(r"<rect [^>]*class=\"bar-charged\"[^>]*><title>([^<]+)</title>", svg)
    assert len(tooltips) == 36 and "начислено" in tooltips[0]
    assert len(text_of(page, "figure details tbody tr")) == 36


def test_drill_down_lists_the_service_lines_of_a_period(shared):
    with shared.db() as platform:
        ledger = shared.ledger(platform, "vodokanal", "1000001")
        period = ledger.rows[-3].period
        statement = ledger.statement(period)
        row = ledger.row(period)
    page = shared.browser("ivanov").get(url(ACC1, "@@debt-period", period=periods.iso(period)))
    services = text_of(page, "table.debt-lines tbody th")
    assert services == [l.service for l in statement.lines]
    assert text_of(page, "#closing") == [rub(row.closing_k)]
    assert "rel=\"prev\"" in page.text and "rel=\"next\"" in page.text


def test_drill_down_bad_and_missing_periods(shared):
    browser = shared.browser("ivanov")
    for bad in ("2024-13", "abc", ""):
        page = browser.get(url(ACC1, "@@debt-period", period=bad), status=400)
        assert "Период:" in page.text
    page = browser.get(url(ACC1, "@@debt-period", period="2001-01"), status=404)
    assert "Начислений за январь 2001 по этому счёту нет" in page.text


def test_penalty_column_follows_the_setting(debt):
    browser = debt.browser("petrova")
    assert "<th scope=\"col\" class=\"money\">Пени</th>" in browser.get(ACC2 + "@@debt").text
    with debt.db() as platform:
        org = platform.organisations["vodokanal"]
        org.set_plugin_settings("debt", dict(org.plugin_settings("debt"), show_penalties=False))
    page = browser.get(ACC2 + "@@debt")
    assert ">Пени<" not in page.text and ">Перерасчёт<" in page.text


def test_an_account_without_accruals(debt):
    with debt.db() as platform:
        folder = platform.organisations["vodokanal"]["debt_ledgers"]
        folder.remove("1000002")
    page = debt.browser("petrova").get(ACC2 + "@@debt")
    assert "По этому счёту начислений пока нет" in page.text
    cabinet = debt.browser("petrova").get("/cabinet")
    assert cabinet.status_int == 200


def test_plugin_switched_off_answers_404(debt, lk_demo):
    from lk_platform.model.organisations import disable_plugin
    with debt.db() as platform:
        disable_plugin(platform.organisations["uk-dom"], lk_demo.registry, "debt")
    browser = debt.browser("ivanov")
    browser.get(UKDOM1 + "@@debt", status=404)
    browser.get("/o/uk-dom/@@debt", status=404)
    page = browser.get("/cabinet")
    assert len([w for w in text_of(page, "section.widget") if w.startswith("Начисления и оплата")]) == 1


def test_history_shows_a_change_made_after_it_was_rendered(debt):
    browser = debt.browser("ivanov")
    before = browser.get(ACC1 + "@@debt")
    with debt.db() as platform:
        ledger = debt.ledger(platform, "vodokanal", "1000001")
        ledger.add_payment(platform.organisations["vodokanal"].now().date(), Decimal("123.45"), channel="cash")
        balance = ledger.balance
    after = browser.get(ACC1 + "@@debt")
    assert text_of(after, "#balance") == [rub(abs(balance))] != text_of(before, "#balance")
    assert rub(12345) in text_of(after, "section[aria-labelledby=payments-h] tbody tr")[0]
