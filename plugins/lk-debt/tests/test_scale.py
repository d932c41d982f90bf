"""A resident with 10 accounts and 5 years of history: the dashboard stays
correct and reads only each account's small ledger object, never the
statements or payments (the reads are counted at the storage)."""
import time
from decimal import Decimal

import pytest

from lk_debt import demo
from lk_debt.money import rub
from lk_platform.demo import DEMO_PASSWORD
from lk_platform.model.accounts import Account
from lk_platform.model.users import create_user, link_account
from lk_platform.util import periods

pytestmark = pytest.mark.calendar  # 60 months up to last month

ACCOUNTS = 10
MONTHS = 60


@pytest.fixture(scope="module")
def big(shared):
    with shared.db() as platform:
        org = platform.organisations["uk-dom"]
        user = create_user(platform, "many.accounts", DEMO_PASSWORD, name="Много Счетов")
        last = periods.prev(periods.of_date(org.now().date()))
        for i in range(ACCOUNTS):
            number = "77%05d" % i
            account = Account(number=number, holder="Много Счетов", street="Ленина", house="1",
                              apartment=str(i + 1), area=Decimal("40.5") + i, residents=1 + i % 4)
            org["accounts"].add(account, number)
            link_account(user, account)
            demo.fill_account(org, account, last, months=MONTHS, style=("debtor", "punctual", "overpayer")[i % 3])
    return shared


def test_dashboard_figures_for_ten_accounts(big):
    with big.db() as platform:
        org = platform.organisations["uk-dom"]
        balances = [org["debt_ledgers"]["77%05d" % i].balance for i in range(ACCOUNTS)]
        assert all(len(org["debt_ledgers"]["77%05d" % i].rows) == MONTHS for i in range(ACCOUNTS))
    page = big.browser("many.accounts").get("/cabinet")
    assert page.text.count('class="card account-card"') == ACCOUNTS
    total_debt = sum((b for b in balances if b > 0), Decimal("0"))
    assert "<dt>Задолженность</dt><dd class=\"money\">%s</dd>" % rub(total_debt) in page.text
    page = big.browser("many.accounts").get("/o/uk-dom/@@debt")
    assert page.text.count("@@receipt.pdf") == ACCOUNTS


def test_dashboard_reads_no_statements_or_payments(big):
    app = big.app
    db = app.registry.lk.database
    with big.db() as platform:
        org = platform.organisations["uk-dom"]
        heavy = set()
        for i in range(ACCOUNTS):
            ledger = org["debt_ledgers"]["77%05d" % i]
            for tree in (ledger._statements, ledger._payments):
                heavy.add(tree._p_oid)
                bucket = tree._firstbucket
                while bucket is not None:
                    heavy.add(bucket._p_oid)
                    bucket = bucket._next
        light = {org["debt_ledgers"]["77%05d" % i]._p_oid for i in range(ACCOUNTS)}
    heavy.discard(None)
    browser = big.browser("many.accounts")
    browser.get("/cabinet")  # warm the code paths, then empty every object cache
    storage = db.storage
    loaded = []
    original = storage.loadBefore

    def counting(oid, tid):
        loaded.append(oid)
        return original(oid, tid)

    storage.loadBefore = counting
    try:
        db.cacheMinimize()
        started = time.perf_counter()
        browser.get("/cabinet")
        cold = time.perf_counter() - started
    finally:
        del storage.loadBefore
    assert light <= set(loaded), "the ledgers themselves are read"
    assert not heavy & set(loaded), "statements and payments are never read by the dashboard"
    started = time.perf_counter()
    for _ in range(5):
        browser.get("/cabinet")
    warm = (time.perf_counter() - started) / 5
    print("\ndashboard, %d accounts x %d months: cold cache %.0f ms (%d objects loaded), warm %.0f ms"
          % (ACCOUNTS, MONTHS, cold * 1000, len(loaded), warm * 1000))


def test_history_of_five_years(big):
    page = big.browser("many.accounts").get("/o/uk-dom/accounts/7700000/@@debt")
    assert page.text.count("@@debt-period?period=") == MONTHS
    started = time.perf_counter()
    for _ in range(5):
        big.browser("many.accounts").get("/o/uk-dom/accounts/7700000/@@debt")
    print("\nhistory page, %d months: %.0f ms" % (MONTHS, (time.perf_counter() - started) / 5 * 1000))
