"""Guessing other residents' and other organisations' account numbers and
periods, for every URL of the plugin: 403 or 404, never someone else's data."""
import pytest

from lk_platform.util import periods

RESIDENT_VIEWS = ("@@debt", "@@debt-period", "@@receipt", "@@receipt.pdf")
STAFF_VIEWS = ("@@debt-ledger", "@@debt-edit")


@pytest.fixture(scope="module")
def period(shared):
    with shared.db() as platform:
        return periods.iso(shared.ledger(platform, "vodokanal", "1000001").last_period)


def resident_urls(base, period):
    return [base + name + "?period=" + period for name in RESIDENT_VIEWS]


def test_another_residents_account_is_forbidden(shared, period):
    petrova, ivanov = shared.browser("petrova"), shared.browser("ivanov")
    for link in resident_urls("/o/vodokanal/accounts/1000001/", period):
        page = petrova.get(link, status=403)
        assert "Недостаточно прав" in page.text
        assert "Иванов" not in page.text and "Садовая" not in page.text and "₽" not in page.text
    for number in ("1000002", "1000003"):  # petrova's, and one nobody holds
        for link in resident_urls("/o/vodokanal/accounts/%s/" % number, period):
            ivanov.get(link, status=403)
    for link in resident_urls("/o/uk-dom-sever/accounts/3000001/", period):
        ivanov.get(link, status=403)


def test_an_account_number_of_another_organisation_is_not_found(shared, period):
    ivanov = shared.browser("ivanov")
    for link in resident_urls("/o/uk-dom/accounts/1000001/", period) + \
            resident_urls("/o/vodokanal/accounts/2000001/", period) + \
            resident_urls("/o/vodokanal/accounts/9999999/", period):
        ivanov.get(link, status=404)


def test_the_overview_lists_only_the_users_own_accounts(shared):
    page = shared.browser("petrova").get("/o/vodokanal/@@debt")
    assert "1000002" in page.text and "1000001" not in page.text and "1000003" not in page.text
    page = shared.browser("petrova").get("/o/uk-dom/@@debt")
    assert "не привязан ни один лицевой счёт" in page.text and "2000001" not in page.text


def test_anonymous_visitors_are_sent_to_log_in(shared, period):
    anonymous = shared.browser(None)
    for link in resident_urls("/o/vodokanal/accounts/1000001/", period) + ["/o/vodokanal/@@debt"]:
        response = anonymous.get(link, status=302)
        assert "/login?next=" in response.location


def test_residents_and_other_staff_cannot_reach_staff_pages(shared, period):
    staff_urls = ["/o/vodokanal/accounts/1000001/%s?period=%s" % (name, period) for name in STAFF_VIEWS] + [
        "/o/vodokanal/@@debt-admin", "/o/vodokanal/debt_payments/@@admin", "/o/vodokanal/debt_payments/@@add",
        "/o/vodokanal/debt_periods/@@admin", "/o/vodokanal/accounts/1000001/@@debt-edit?new=1"]
    for login in ("ivanov", "admin.ukdom", "support.ukdom", "clerk.vodokanal"):
        browser = shared.browser(login)
        for link in staff_urls:
            browser.get(link, status=403)
    admin = shared.browser("admin.vodokanal")
    for link in staff_urls:
        admin.get(link, status=200)
    # staff see the ledger, not the resident's own pages
    admin.get("/o/vodokanal/accounts/1000001/@@debt", status=403)


def test_staff_roles_reach_sub_organisations_only_downwards(shared):
    admin = shared.browser("admin.ukdom")
    admin.get("/o/uk-dom/uk-dom-sever/accounts/3000001/@@debt-ledger", status=200)
    shared.browser("admin.vodokanal").get("/o/uk-dom/uk-dom-sever/accounts/3000001/@@debt-ledger", status=403)


def test_ledgers_are_not_reachable_by_url(shared):
    for login in ("ivanov", "admin.vodokanal", "operator"):
        shared.browser(login).get("/o/vodokanal/debt_ledgers/1000001", status=404)
        shared.browser(login).get("/o/vodokanal/debt_ledgers/@@admin", status=404)
