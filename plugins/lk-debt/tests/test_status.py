"""What is due and by when. Month arithmetic itself is the core's
(lk_platform.util.periods, tested in the core's tests/test_periods.py);
here only what the plugin adds to it."""
import datetime as dt

from lk_debt.status import balance_word, due_date
from lk_platform.util import periods


def test_due_date_is_in_the_following_month():
    assert due_date(202610, 10) == dt.date(2026, 11, 10)
    assert due_date(202612, 25) == dt.date(2027, 1, 25)
    assert due_date(202601, 31) == dt.date(2026, 2, 28)  # clamped to a day every month has


def test_the_period_texts_of_receipts_and_qr_codes_are_read_back():
    assert periods.parse(periods.compact(202603)) == 202603   # PaymPeriod of the QR code: 032026
    assert periods.parse("3/2026") == periods.parse("03.2026") == 202603
    assert periods.label(202603) == "март 2026"


def test_a_balance_is_named_by_its_sign():
    assert balance_word(100) == "Задолженность" and balance_word(-1) == "Переплата"
    assert balance_word(0) == "Задолженности нет"
    assert balance_word(100).domain == "lk_debt"
