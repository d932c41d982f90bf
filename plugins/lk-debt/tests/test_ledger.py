"""The per-account ledger: chained balances, payment bucketing, storage."""
import datetime as dt
from decimal import Decimal

import pytest
import transaction
import ZODB
from ZODB.FileStorage import FileStorage

from lk_debt.models import Ledger, ServiceLine
from lk_debt.money import kopecks, money

D = Decimal


def line(service="Водоснабжение", accrued="100.00", **kw):
    return ServiceLine.make(service=service, supplier="ООО «Вода»", unit="м³", accrued=D(accrued), **kw)


def test_money_conversions_are_exact():
    assert kopecks(D("12.5")) == 1250 and kopecks(D("-0.01")) == -1 and money(123456) == D("1234.56")
    with pytest.raises(ValueError):
        kopecks(D("0.001"))


def test_opening_of_a_period_is_the_closing_of_the_previous():
    ledger = Ledger("1", opening=D("50.00"))
    ledger.set_statement(202601, [line(accrued="100.00"), line("Отопление", "200.00", benefits=D("20"))])
    ledger.set_statement(202602, [line(accrued="110.00", recalculation=D("-10"), penalties=D("1.50"))])
    ledger.set_statement(202603, [line(accrued="90.00")])
    ledger.add_payment(dt.date(2026, 2, 10), D("300.00"))
    jan, feb, mar = ledger.rows
    assert (jan.opening, jan.charged, jan.paid, jan.closing) == (D("50.00"), D("280.00"), D("0.00"), D("330.00"))
    assert (feb.opening, feb.charged, feb.paid, feb.closing) == (D("330.00"), D("101.50"), D("300.00"), D("131.50"))
    assert mar.opening == feb.closing and mar.closing == D("221.50")
    assert ledger.balance == D("221.50") and ledger.last_period == 202603
    assert ledger.services == ("Водоснабжение", "Отопление")


def test_correcting_an_old_period_rechains_every_later_one():
    ledger = Ledger("1")
    for period in (202601, 202602, 202603):
        ledger.set_statement(period, [line(accrued="100.00")])
    ledger.set_statement(202601, [line(accrued="150.00")])
    assert [r.closing for r in ledger.rows] == [D("150.00"), D("250.00"), D("350.00")]
    assert ledger.balance == D("350.00")


def test_payments_after_the_last_period_lower_the_balance_only():
    ledger = Ledger("1")
    ledger.set_statement(202610, [line(accrued="1000.00")])
    ledger.add_payment(dt.date(2026, 11, 5), D("400.00"))
    assert ledger.rows[-1].closing == D("1000.00")   # the October receipt is unchanged
    assert ledger.balance == D("600.00") and ledger.unbilled_paid_k == 40000
    assert [p.amount for p in ledger.payments_after_last()] == [D("400.00")]
    # November's statement arrives: the payment now counts in November
    ledger.set_statement(202611, [line(accrued="1000.00")])
    assert ledger.rows[-1].paid == D("400.00") and ledger.unbilled_paid_k == 0
    assert ledger.balance == D("1600.00")


def test_a_month_without_accruals_passes_its_payments_on():
    ledger = Ledger("1")
    ledger.set_statement(202601, [line()])
    ledger.set_statement(202604, [line()])
    ledger.add_payment(dt.date(2026, 2, 15), D("100.00"))   # no statement for February
    ledger.add_payment(dt.date(2025, 12, 1), D("5.00"))     # before the history starts
    assert [(r.period, r.paid) for r in ledger.rows] == [(202601, D("5.00")), (202604, D("100.00"))]
    assert ledger.payments_in(202604)[0].date == dt.date(2026, 2, 15)


def test_overpayment_is_a_negative_balance():
    ledger = Ledger("1")
    ledger.set_statement(202601, [line(accrued="100.00")])
    ledger.add_payment(dt.date(2026, 1, 20), D("250.00"))
    assert ledger.balance == D("-150.00")


def test_removing_payments_and_statements_recomputes():
    ledger = Ledger("1")
    ledger.set_statement(202601, [line(accrued="100.00")])
    ledger.set_statement(202602, [line(accrued="100.00")])
    record = ledger.add_payment(dt.date(2026, 2, 1), D("100.00"), ref="debt_payments/7")
    assert ledger.find_payment("debt_payments/7") == record
    ledger.remove_payment(record.key)
    assert ledger.balance == D("200.00") and ledger.find_payment("debt_payments/7") is None
    ledger.remove_statement(202602)
    assert ledger.balance == D("100.00") and ledger.last_period == 202601


def test_a_payment_must_be_positive_and_a_period_valid():
    ledger = Ledger("1")
    with pytest.raises(ValueError):
        ledger.add_payment(dt.date(2026, 1, 1), D("0"))
    with pytest.raises(ValueError):
        ledger.set_statement(202613, [line()])


def test_rows_between_and_row():
    ledger = Ledger("1")
    for period in (202511, 202512, 202601, 202602):
        ledger.set_statement(period, [line()])
    assert [r.period for r in ledger.rows_between(202512, 202601)] == [202512, 202601]
    assert [r.period for r in ledger.rows_between(202601, None)] == [202601, 202602]
    assert [r.period for r in ledger.rows_between(None, 202511)] == [202511]
    assert ledger.row(202512).period == 202512 and ledger.row(202603) is None


def test_unchanged_statement_is_not_written_again():
    ledger = Ledger("1")
    ledger.set_statement(202601, [line()])
    version = ledger.version
    ledger.set_statement(202601, [line()])
    assert ledger.version == version


def test_ledger_survives_a_real_filestorage(tmp_path):
    db = ZODB.DB(FileStorage(str(tmp_path / "Data.fs")))
    try:
        conn = db.open()
        ledger = Ledger("1000001", opening=D("10.00"))
        conn.root()["ledger"] = ledger
        ledger.set_statement(202601, [line(volume=D("3.125"), tariff=D("48.9000"), accrued="152.81")])
        ledger.add_payment(dt.date(2026, 1, 9), D("162.81"), channel="bank", period=202601, ref="bank-1")
        transaction.commit()
        conn.close()
        db.close()
        db = ZODB.DB(FileStorage(str(tmp_path / "Data.fs")))
        conn = db.open()
        loaded = conn.root()["ledger"]
        statement = loaded.statement(202601)
        assert statement.lines[0].volume == D("3.125") and statement.lines[0].tariff == D("48.9000")
        assert statement.lines[0].accrued == D("152.81") and loaded.balance == D("0.00")
        assert loaded.payments_in(202601)[0].channel == "bank"
        conn.close()
    finally:
        db.close()


def test_rendered_fragments_follow_the_committed_state(tmp_path):
    from lk_platform.caching import rendercache
    db = ZODB.DB(FileStorage(str(tmp_path / "Data.fs")))
    try:
        tm = transaction.TransactionManager()
        conn = db.open(tm)
        ledger = Ledger("1")
        conn.root()["ledger"] = ledger
        ledger.set_statement(202601, [line()])
        tm.commit()
        calls = []

        def build():
            calls.append(1)
            return "table with %s" % ledger.balance

        assert rendercache.cached(ledger, "history", build) == "table with 100.00"
        assert rendercache.cached(ledger, "history", build) == "table with 100.00" and len(calls) == 1
        ledger.add_payment(dt.date(2026, 1, 5), D("40.00"))
        # changed in this transaction: never served from (or put into) the cache
        assert rendercache.cached(ledger, "history", build) == "table with 60.00" and len(calls) == 2
        tm.commit()
        assert rendercache.cached(ledger, "history", build) == "table with 60.00" and len(calls) == 3
        assert rendercache.cached(ledger, "history", build) == "table with 60.00" and len(calls) == 3
        # a bulk change whose recompute is still to come is a change too
        ledger.set_statement(202602, [line()], recompute=False)
        assert ledger._p_changed
        tm.abort()
        conn.close()
    finally:
        db.close()
