"""Demo accruals: 36 months per demo account, some in debt, some overpaid,
bank details for the receipts, and idempotent. On any day: the demo is
built relative to each organisation's today."""
import datetime as dt
from decimal import Decimal

import pytest

from lk_debt import demo
from lk_platform.demo import load_demo
from lk_platform.model.accounts import Account
from lk_platform.util import periods


def state(platform):
    out = {}
    for slug in ("vodokanal", "uk-dom", "uk-dom-sever"):
        org = platform.organisations[slug]
        for number, ledger in org["debt_ledgers"].items():
            out[(slug, number)] = (tuple(ledger._statements.items()), tuple(ledger._payments.items()), ledger.rows)
        out[(slug, "periods")] = tuple(org["debt_periods"].keys())
        out[(slug, "settings")] = org.plugin_settings("debt")
    return out


@pytest.mark.calendar
def test_demo_history_is_plausible_and_idempotent(debt):
    with debt.db() as platform:
        before = state(platform)
        org = platform.organisations["vodokanal"]
        balances = {}
        for (slug, number), _value in before.items():
            if number in ("periods", "settings"):
                continue
            # Each organisation's last month is by its own clock (Moscow's 23:40 is past midnight in Yekaterinburg).
            today = platform.organisations[slug].now().date()
            last = periods.prev(periods.of_date(today))
            ledger = platform.organisations[slug]["debt_ledgers"][number]
            assert len(ledger.rows) == 36 and ledger.last_period == last
            assert ledger.rows[0].period == periods.add(last, -35)
            assert all(r.accrued_k > 0 for r in ledger.rows)
            paid = ledger.payments()
            assert paid and all(periods.first_day(periods.add(last, -34)) <= p.date <= today for p in paid), \
                "each month is paid in the next one, and no payment is in the future"
            balances[number] = ledger.balance
        assert any(b > 0 for b in balances.values()) and any(b < 0 for b in balances.values())
        assert balances["1000001"] > 0 and balances["2000001"] < 0  # ivanov: one of each
        # Who owes and who overpaid does not depend on the day: last month is paid by today whatever its date.
        expected = {"debtor": lambda b: b > 0, "punctual": lambda b: b == 0, "overpayer": lambda b: b < 0}
        assert {n: expected[style](balances[n]) for n, style in demo.STYLES.items()} == \
            {n: True for n in demo.STYLES}, balances
        penalties = sum(r.penalties_k for r in platform.organisations["vodokanal"]["debt_ledgers"]["1000001"].rows)
        assert penalties > 0
        settings = org.plugin_settings("debt")
        assert len(settings["settlement_account"]) == 20 and settings["due_day"] == 10
        assert len(before[("vodokanal", "periods")]) == 36
    with debt.db() as platform:
        load_demo(platform, debt.app.registry)
    with debt.db() as platform:
        assert state(platform) == before


def test_payment_day_is_never_in_the_future():
    assert demo.payment_day(202701, 15, dt.date(2027, 2, 20)) == dt.date(2027, 2, 15)   # the drawn day has passed
    assert demo.payment_day(202701, 15, dt.date(2027, 2, 1)) == dt.date(2027, 2, 1)     # not yet: paid today
    assert demo.payment_day(202712, 20, dt.date(2028, 1, 1)) == dt.date(2028, 1, 1)     # December's, on 1 January
    assert demo.payment_day(202802, 3, dt.date(2028, 2, 29)) is None                    # March has not begun


def test_who_owes_and_who_overpaid_is_the_same_on_every_day_of_a_month(debt):
    """The reference day is passed in: the same 36 months, built as of the
    1st, the 2nd, the 19th and the 31st of March 2027, end the same way."""
    signs = {}
    with debt.db() as platform:
        org = platform.organisations["uk-dom"]
        for style in ("debtor", "punctual", "overpayer"):
            for day in (1, 2, 19, 31):
                number = "9%s%02d" % ("dpo".index(style[0]), day)
                account = Account(number=number, holder="Проверка", street="Ленина", house="1", apartment=number,
                                  area=Decimal("50"), residents=2)
                org["accounts"].add(account, number)
                demo.fill_account(org, account, 202702, style=style, today=dt.date(2027, 3, day))
                ledger = org["debt_ledgers"][number]
                assert max(p.date for p in ledger.payments()) <= dt.date(2027, 3, day)
                signs.setdefault(style, set()).add((ledger.balance > 0) - (ledger.balance < 0))
    assert signs == {"debtor": {1}, "punctual": {0}, "overpayer": {-1}}
