"""Staff corrections: the line form generated from LineSchema, the payments
and periods admin, the audit log, and bad input that saves nothing."""
import datetime as dt
from decimal import Decimal

import pytest

from lk_debt import paymentqr
from lk_debt.status import due_date
from lk_platform.util import periods

ACC1 = "/o/vodokanal/accounts/1000001/"
D = Decimal


def make_accountant(debt):
    """A member of staff with only the plugin's role."""
    from lk_platform.demo import DEMO_PASSWORD
    from lk_platform.model.users import create_user, grant_role
    with debt.db() as platform:
        user = create_user(platform, "buh.vodokanal", DEMO_PASSWORD, name="Бухгалтер")
        grant_role(platform.organisations["vodokanal"], user, "accountant", debt.app.registry)
    return debt.browser("buh.vodokanal")


@pytest.fixture
def accountant(debt):
    return make_accountant(debt)


@pytest.fixture(scope="module")
def refused(shared):
    """For tests of input that must save nothing: one app for all of them
    (each checks that the data did not change)."""
    return shared, make_accountant(shared)


def last_open_period(debt):
    with debt.db() as platform:
        return debt.ledger(platform, "vodokanal", "1000001").last_period


def edit_form(browser, period):
    page = browser.get(ACC1 + "@@debt-edit?period=" + periods.iso(period))
    return page.forms["lkform"]


def test_accountant_corrects_a_line_with_a_decimal_comma(debt, accountant):
    period = last_open_period(debt)
    with debt.db() as platform:
        ledger = debt.ledger(platform, "vodokanal", "1000001")
        old_line = ledger.statement(period).lines[0]
        old_balance = ledger.balance
    form = edit_form(accountant, period)
    assert form.get("service", index=0).value == old_line.service
    form.set("accrued", "12,5", index=0)
    form["reason"] = "Показания счётчика переданы с опозданием"
    response = form.submit("save", status=302)
    assert response.location.endswith(ACC1 + "@@debt-ledger")
    with debt.db() as platform:
        ledger = debt.ledger(platform, "vodokanal", "1000001")
        line = ledger.statement(period).lines[0]
        assert line.accrued == D("12.50") and line.service == old_line.service and line.tariff == old_line.tariff
        assert ledger.balance == old_balance - old_line.accrued + D("12.50")
        assert ledger.rows[-1].closing_k == ledger.rows[-1].opening_k + ledger.rows[-1].charged_k - \
            ledger.rows[-1].paid_k
    entry = debt.audit("vodokanal")[0]
    assert entry.action == "debt:edit-statement" and entry.who == "buh.vodokanal"
    assert entry.target == "/o/vodokanal/accounts/1000001"
    changes = {field: (old, new) for field, old, new in entry.changes}
    key = "%s · %s · Начислено" % (periods.short(period), old_line.service)
    assert changes[key] == (debt.rub(old_line.accrued_k), debt.rub(1250))
    assert changes["Основание"] == ("", "Показания счётчика переданы с опозданием")
    page = accountant.get(ACC1 + "@@debt-ledger")
    assert "баланс пересчитан" in page.text


@pytest.mark.parametrize("field,value,message", [
    ("accrued", "1e9", "«Начислено, ₽»: введите число"),
    ("accrued", "абв", "«Начислено, ₽»: введите число"),
    ("accrued", "12,555", "«Начислено, ₽»: не больше 2 знаков после запятой"),
    ("benefits", "-5", "«Льготы, субсидии, ₽»: не может быть отрицательным"),
    ("volume", "1 2 3x", "«Объём»: введите число"),
    ("accrued", "", "«Начислено»: укажите сумму или тариф и объём"),
])
def test_malformed_edits_are_refused_and_save_nothing(refused, field, value, message):
    debt, accountant = refused
    period = last_open_period(debt)
    before = debt.snapshot("vodokanal", "1000001")
    audit_before = len(debt.audit("vodokanal"))
    form = edit_form(accountant, period)
    form.set("accrued", "777", index=1)  # a valid change in the same submission is not saved either
    if field == "accrued" and value == "":
        form.set("volume", "", index=0)
    form.set(field, value, index=0)
    form["reason"] = "Проверка"
    page = form.submit("save", status=400)
    errors = debt.field_errors(page.text)
    assert any(message in e for e in errors), errors
    assert debt.snapshot("vodokanal", "1000001") == before
    assert len(debt.audit("vodokanal")) == audit_before
    # the form comes back with what was typed, for correcting
    assert page.forms["lkform"].get(field, index=0).value == value


def test_a_correction_needs_a_reason(refused):
    debt, accountant = refused
    before = debt.snapshot("vodokanal", "1000001")
    form = edit_form(accountant, last_open_period(debt))
    form.set("accrued", "1", index=0)
    page = form.submit("save", status=400)
    assert "«Основание корректировки»: обязательное поле" in debt.field_errors(page.text)
    assert debt.snapshot("vodokanal", "1000001") == before


def test_removing_a_line_and_adding_one(debt, accountant):
    period = last_open_period(debt)
    with debt.db() as platform:
        lines = debt.ledger(platform, "vodokanal", "1000001").statement(period).lines
    form = edit_form(accountant, period)
    form.set("remove", True, index=0)
    blank = len(lines)  # the first blank row after the existing ones
    form.set("service", "Поверка счётчика", index=blank)
    form.set("accrued", "850,00", index=blank)
    form["reason"] = "Разовая услуга"
    form.submit("save", status=302)
    with debt.db() as platform:
        new_lines = debt.ledger(platform, "vodokanal", "1000001").statement(period).lines
    assert [l.service for l in new_lines] == [l.service for l in lines[1:]] + ["Поверка счётчика"]
    changes = {f: (o, n) for f, o, n in debt.audit("vodokanal")[0].changes}
    assert changes["%s · %s" % (periods.short(period), lines[0].service)][1] == "удалена"
    assert changes["%s · Поверка счётчика" % periods.short(period)] == ("", "добавлена: " + debt.rub(85000))


def test_nothing_changed_writes_nothing(debt, accountant):
    before = debt.snapshot("vodokanal", "1000001")
    audit_before = len(debt.audit("vodokanal"))
    form = edit_form(accountant, last_open_period(debt))
    form["reason"] = "Просто посмотреть"
    response = form.submit("save", status=302).follow()
    assert "Изменений нет" in response.text
    assert debt.snapshot("vodokanal", "1000001") == before and len(debt.audit("vodokanal")) == audit_before


def fill_prefilled(form, amount):
    """Give every carried-over line of a new period an amount."""
    index = 0
    while True:
        try:
            field = form.get("service", index=index)
        except (AssertionError, IndexError):
            return
        if field.value:
            form.set("accrued", amount, index=index)
        index += 1


@pytest.mark.calendar
def test_new_period_is_prefilled_and_rechained(debt, accountant):
    last = last_open_period(debt)
    new = periods.next_(last)
    page = accountant.get(ACC1 + "@@debt-edit?new=1")
    form = page.forms["lkform"]
    assert form.get("service", index=0).value  # services carried over from the last period
    assert form.get("accrued", index=0).value == ""
    form["period"] = periods.iso(new)
    fill_prefilled(form, "100")
    form["reason"] = "Начисления за новый месяц"
    form.submit("save", status=302)
    with debt.db() as platform:
        ledger = debt.ledger(platform, "vodokanal", "1000001")
        assert ledger.last_period == new
        assert ledger.rows[-1].opening_k == ledger.rows[-2].closing_k
        assert ledger.rows[-1].accrued_k == 10000 * len(ledger.statement(new).lines)
    assert debt.audit("vodokanal")[0].action == "debt:add-statement"
    # the same period again is refused
    form = accountant.get(ACC1 + "@@debt-edit?new=1").forms["lkform"]
    form["period"] = periods.iso(new)
    fill_prefilled(form, "1")
    form["reason"] = "Повтор"
    page = form.submit("save", status=400)
    assert "начисления уже есть" in page.text


@pytest.mark.parametrize("value,message", [("2024-13", "Месяца с номером 13 нет"), ("abc", "не период"),
                                           ("2099-01", "ещё не наступил"), ("", "«Период»: обязательное поле")])
def test_new_period_with_a_bad_period(refused, value, message):
    debt, accountant = refused
    before = debt.snapshot("vodokanal", "1000001")
    form = accountant.get(ACC1 + "@@debt-edit?new=1").forms["lkform"]
    form["period"] = value
    fill_prefilled(form, "1")
    form["reason"] = "Проверка"
    page = form.submit("save", status=400)
    errors = " ".join(debt.field_errors(page.text))
    assert message in errors, errors
    assert debt.snapshot("vodokanal", "1000001") == before


@pytest.mark.calendar
def test_closed_periods_cannot_be_edited(debt, accountant):
    with debt.db() as platform:
        ledger = debt.ledger(platform, "vodokanal", "1000001")
        closed = ledger.rows[0].period
        assert platform.organisations["vodokanal"]["debt_periods"][periods.iso(closed)].closed
    page = accountant.get(ACC1 + "@@debt-edit?period=" + periods.iso(closed), status=409)
    assert "закрыт" in page.text
    ledger_page = accountant.get(ACC1 + "@@debt-ledger")
    assert "@@debt-edit?period=%s" % periods.iso(closed) not in ledger_page.text
    assert "@@debt-edit?period=%s" % periods.iso(last_open_period(debt)) in ledger_page.text
    accountant.get(ACC1 + "@@debt-edit?period=2024-13", status=400)
    accountant.get(ACC1 + "@@debt-edit?period=2001-01", status=404)


def test_deleting_a_periods_accruals(debt, accountant):
    period = last_open_period(debt)
    form = edit_form(accountant, period)
    form["reason"] = "Начислено ошибочно"
    form.submit("delete", status=302)
    with debt.db() as platform:
        ledger = debt.ledger(platform, "vodokanal", "1000001")
        assert ledger.statement(period) is None and ledger.last_period == periods.prev(period)
    assert debt.audit("vodokanal")[0].action == "debt:delete-statement"


def test_opening_balance_is_edited_on_the_first_period_only(debt):
    admin = debt.browser("admin.ukdom")
    # 2000002 at uk-dom: open its first period after reopening it
    with debt.db() as platform:
        org = platform.organisations["uk-dom"]
        ledger = debt.ledger(platform, "uk-dom", "2000002")
        first, second = ledger.rows[0].period, ledger.rows[1].period
        for p in (first, second):
            org["debt_periods"][periods.iso(p)].closed = False
    base = "/o/uk-dom/accounts/2000002/@@debt-edit?period="
    assert "opening" not in admin.get(base + periods.iso(second)).forms["lkform"].fields
    form = admin.get(base + periods.iso(first)).forms["lkform"]
    form["opening"] = "-150,00"
    form["reason"] = "Переплата из прежней системы"
    form.submit("save", status=302)
    with debt.db() as platform:
        ledger = debt.ledger(platform, "uk-dom", "2000002")
        assert ledger.opening == D("-150.00") and ledger.rows[0].opening == D("-150.00")
    changes = {f: (o, n) for f, o, n in debt.audit("uk-dom")[0].changes}
    assert changes["Входящее сальдо"] == (debt.rub(0), debt.rub(-15000))


def test_debt_admin_finds_an_account(refused):
    debt, accountant = refused
    response = accountant.get("/o/vodokanal/@@debt-admin?account=1000001", status=302)
    assert response.location.endswith(ACC1 + "@@debt-ledger")
    page = accountant.get("/o/vodokanal/@@debt-admin?account=2000001", status=404)
    assert "Лицевой счёт № 2000001 в организации не найден" in page.text
    page = accountant.get("/o/vodokanal/@@debt-admin")
    assert page.status_int == 200 and "Счетов с начислениями" in page.text


# -- payments through the generated admin -------------------------------------

def add_payment(browser, **values):
    form = browser.get("/o/vodokanal/debt_payments/@@add").forms["lkform"]
    for key, value in values.items():
        form[key] = value
    return form.submit("save", expect_errors=True)


@pytest.mark.calendar
def test_payment_added_edited_and_removed_through_the_admin(debt, accountant):
    with debt.db() as platform:
        before = debt.ledger(platform, "vodokanal", "1000001").balance
        today = platform.organisations["vodokanal"].now().date()
    response = add_payment(accountant, account="1000001", date=today.isoformat(), amount="1 000,5",
                           channel="cash", document="ПКО-17")
    assert response.status_int == 302
    with debt.db() as platform:
        ledger = debt.ledger(platform, "vodokanal", "1000001")
        assert ledger.balance == before - D("1000.50")
        name = list(platform.organisations["vodokanal"]["debt_payments"].keys())[-1]
        record = ledger.find_payment("debt_payments/" + name)
        assert record.amount == D("1000.50") and record.channel == "cash" and "ПКО-17" in record.note
    assert debt.audit("vodokanal")[0].action == "add:debt_payment"
    item = "/o/vodokanal/debt_payments/%s/" % name
    form = accountant.get(item + "@@edit").forms["lkform"]
    form["amount"] = "200"
    form.submit("save", status=302)
    with debt.db() as platform:
        assert debt.ledger(platform, "vodokanal", "1000001").balance == before - D("200.00")
    # moved to another account: the first ledger forgets it, the other gets it
    form = accountant.get(item + "@@edit").forms["lkform"]
    form["account"] = "1000003"
    form.submit("save", status=302)
    with debt.db() as platform:
        assert debt.ledger(platform, "vodokanal", "1000001").balance == before
        assert debt.ledger(platform, "vodokanal", "1000003").find_payment("debt_payments/" + name).amount == D("200")
    assert accountant.get(item + "@@delete").status_int == 200  # the confirmation page
    accountant.post_csrf(item + "@@delete", {}, status=302)
    with debt.db() as platform:
        assert debt.ledger(platform, "vodokanal", "1000003").find_payment("debt_payments/" + name) is None


@pytest.mark.calendar
@pytest.mark.parametrize("values,message", [
    (dict(account="9999999"), "«Лицевой счёт»: счёта № 9999999 в организации нет"),
    (dict(account="2000001"), "счёта № 2000001 в организации нет"),  # another organisation's
    (dict(amount="1e9"), "«Сумма, ₽»: введите число"),
    (dict(amount="абв"), "«Сумма, ₽»: введите число"),
    (dict(amount="0"), "сумма должна быть больше нуля"),
    (dict(date="2099-01-01"), "«Дата платежа»: дата в будущем"),
    (dict(channel="barter"), "«Способ оплаты»: выберите из списка"),
    (dict(period="2024-13"), "Месяца с номером 13 нет"),
])
def test_bad_payments_are_refused_and_save_nothing(refused, values, message):
    debt, accountant = refused
    with debt.db() as platform:
        today = platform.organisations["vodokanal"].now().date()
    before = debt.snapshot("vodokanal", "1000001")
    data = dict(account="1000001", date=today.isoformat(), amount="100", channel="cash")
    data.update(values)
    form = accountant.get("/o/vodokanal/debt_payments/@@add").forms["lkform"]
    for key, value in data.items():
        if key == "channel":
            form[key].force_value(value)
        else:
            form[key] = value
    page = form.submit("save", status=200)
    assert any(message in e for e in debt.field_errors(page.text)), debt.field_errors(page.text)
    assert debt.snapshot("vodokanal", "1000001") == before
    with debt.db() as platform:
        assert len(platform.organisations["vodokanal"]["debt_payments"]) == 0


@pytest.mark.calendar
def test_a_payment_into_a_closed_period_is_refused(refused):
    debt, accountant = refused
    with debt.db() as platform:
        closed = debt.ledger(platform, "vodokanal", "1000001").rows[0].period
    response = add_payment(accountant, account="1000001", channel="cash", amount="10",
                           date=dt.date(closed // 100, closed % 100, 15).isoformat())
    assert "закрыт — платёж в него не внести" in response.text


@pytest.mark.calendar
def test_settings_are_edited_with_the_generated_form(debt):
    admin = debt.browser("admin.vodokanal")
    form = admin.get("/o/vodokanal/@@plugin-settings/debt").forms["lkform"]
    assert form["bic"].value == "044525225"  # the demo's
    form["bic"] = "04452522"
    form["due_day"] = "31"
    page = form.submit("save")
    errors = debt.field_errors(page.text)
    assert "«БИК»: нужно 9 цифр" in errors and "«Оплатить до»: от 1 до 28" in errors
    with debt.db() as platform:
        assert platform.organisations["vodokanal"].plugin_settings("debt")["bic"] == "044525225"
    form = page.forms["lkform"]
    form["bic"] = "044 525 225"
    form["due_day"] = "15"
    form["payee_name"] = "ООО «Водоканал-Сервис» (расчёты)"
    form.submit("save", status=302)
    with debt.db() as platform:
        settings = platform.organisations["vodokanal"].plugin_settings("debt")
        period = debt.ledger(platform, "vodokanal", "1000001").last_period
    assert settings["due_day"] == 15 and settings["bic"] == "044525225"
    page = debt.browser("ivanov").get(ACC1 + "@@receipt?period=" + periods.iso(period))
    fields = paymentqr.parse(debt.decode_qr(debt.qr_images(page.text)[0]))
    assert fields["Name"] == "ООО «Водоканал-Сервис» (расчёты)"
    assert "Оплатить до</dt><dd>%s" % due_date(period, 15).strftime("%d.%m.%Y") in page.text


@pytest.mark.calendar
def test_residents_cached_pages_follow_a_correction(debt, accountant):
    """The resident's history, period and balance pages and the dashboard
    come from the page cache until the ledger changes, then show the change."""
    from lk_platform.testing import cached_answers
    period = last_open_period(debt)
    resident = debt.browser("ivanov")
    pages = [ACC1 + "@@debt", ACC1 + "@@debt-period?period=" + periods.iso(period), "/o/vodokanal/@@debt",
             "/cabinet"]
    old = {url: resident.get(url).text for url in pages}
    before = cached_answers()
    assert [resident.get(url).text for url in pages] == [old[url] for url in pages]
    assert cached_answers() == before + len(pages)
    form = edit_form(accountant, period)
    form.set("accrued", "12345,67", index=0)
    form["reason"] = "Перерасчёт"
    form.submit("save", status=302)
    with debt.db() as platform:
        balance = debt.rub(debt.ledger(platform, "vodokanal", "1000001").balance_k)
    new = {url: resident.get(url).text for url in pages}
    assert debt.rub(1234567) in new[pages[1]] and debt.rub(1234567) not in old[pages[1]]
    for url in pages:
        assert balance in new[url] and balance not in old[url], url
