"""The plugin's persistent classes: per-account ledgers, and the payments
and billing periods staff keep in the generated admin.

One persistent :class:`Ledger` per personal account, in the organisation's
``debt_ledgers`` folder keyed by account number. A period's
:class:`Statement` (its service lines) and each :class:`PaymentRecord` are
immutable records inside the ledger's BTrees, not catalogued objects: 100,000
accounts × 36 months × 8 services would be tens of millions of those.

Money is stored as integer kopecks (exact) and handed out as ``Decimal``. After every change the ledger recomputes its
derived figures: one :class:`PeriodRow` per period (opening balance = the
previous period's closing) and the current balance, so the dashboard reads
one small object per account.

Sign: a positive balance is a debt, a negative one an overpayment.

A :class:`Payment` object (entered by staff) is mirrored into its account's
ledger by ``payments.py``. Databases made before this module existed
pickled ``Ledger`` under ``lk_debt.ledger`` and ``Payment`` and
``BillingPeriod`` under ``lk_debt.content``: those modules stay, importing
the classes from here.
"""
from __future__ import annotations

import bisect
import datetime as dt
import struct
from decimal import Decimal
from typing import NamedTuple, Optional

from BTrees.IOBTree import IOBTree
from BTrees.LOBTree import LOBTree
from persistent import Persistent

from lk_platform.model.content import Content
from lk_platform.util import periods

from .money import kopecks, money, rub

#: the organisation's folders: ledgers by account number, the generated admin's payments and periods
LEDGERS = "debt_ledgers"
PAYMENTS = "debt_payments"
PERIODS = "debt_periods"


# Service names, suppliers and units repeat in every statement: one shared
# str object each makes the pickle memo store them once per ledger.
_interned: dict = {}


def _intern(text: str) -> str:
    if len(_interned) > 50000:
        _interned.clear()
    return _interned.setdefault(text, text)


class ServiceLine(NamedTuple):
    """One service in a period's statement (a row of the ЕПД)."""
    service: str
    supplier: str = ""
    unit: str = ""
    volume: Optional[Decimal] = None
    tariff: Optional[Decimal] = None
    accrued_k: int = 0          # начислено
    recalculation_k: int = 0    # перерасчёт (+/−)
    benefits_k: int = 0         # льготы, субсидии (reduce the amount)
    penalties_k: int = 0        # пени

    @classmethod
    def make(cls, service, supplier="", unit="", volume=None, tariff=None, accrued=0, recalculation=0,
             benefits=0, penalties=0):
        return cls(_intern(str(service).strip()), _intern(str(supplier or "").strip()),
                   _intern(str(unit or "").strip()), volume, tariff, kopecks(accrued or 0),
                   kopecks(recalculation or 0), kopecks(benefits or 0), kopecks(penalties or 0))

    @property
    def total_k(self) -> int:
        return self.accrued_k + self.recalculation_k - self.benefits_k + self.penalties_k

    accrued = property(lambda self: money(self.accrued_k))
    recalculation = property(lambda self: money(self.recalculation_k))
    benefits = property(lambda self: money(self.benefits_k))
    penalties = property(lambda self: money(self.penalties_k))
    total = property(lambda self: money(self.total_k))

    def as_form(self) -> dict:
        """Values for the staff form (LineSchema)."""
        return {"service": self.service, "supplier": self.supplier, "unit": self.unit,
                "volume": self.volume, "tariff": self.tariff, "accrued": self.accrued,
                "recalculation": self.recalculation, "benefits": self.benefits,
                "penalties": self.penalties}


class Statement(NamedTuple):
    """The accruals of one account for one period."""
    period: int
    lines: tuple = ()

    def _sum(self, attr):
        return sum(getattr(line, attr) for line in self.lines)

    accrued_k = property(lambda self: self._sum("accrued_k"))
    recalculation_k = property(lambda self: self._sum("recalculation_k"))
    benefits_k = property(lambda self: self._sum("benefits_k"))
    penalties_k = property(lambda self: self._sum("penalties_k"))
    total_k = property(lambda self: self._sum("total_k"))


class PaymentRecord(NamedTuple):
    """A payment received by the organisation."""
    key: int
    day: int                 # date.toordinal(): compact and ordered
    amount_k: int
    channel: str = ""
    period: int = 0          # the period the payer named (0: not named)
    ref: str = ""            # where it came from: "debt_payments/17", a bank's payment id...
    note: str = ""

    @property
    def date(self) -> dt.date:
        return dt.date.fromordinal(self.day)

    amount = property(lambda self: money(self.amount_k))

    @property
    def posted_period(self) -> int:
        return periods.of_date(self.date)


class PeriodRow(NamedTuple):
    """Derived totals of one period: what the history table and chart show."""
    period: int
    opening_k: int
    accrued_k: int
    recalculation_k: int
    benefits_k: int
    penalties_k: int
    paid_k: int
    closing_k: int

    @property
    def charged_k(self) -> int:
        return self.accrued_k + self.recalculation_k - self.benefits_k + self.penalties_k

    opening = property(lambda self: money(self.opening_k))
    accrued = property(lambda self: money(self.accrued_k))
    recalculation = property(lambda self: money(self.recalculation_k))
    benefits = property(lambda self: money(self.benefits_k))
    penalties = property(lambda self: money(self.penalties_k))
    paid = property(lambda self: money(self.paid_k))
    closing = property(lambda self: money(self.closing_k))
    charged = property(lambda self: money(self.charged_k))


class Ledger(Persistent):
    """Statements and payments of one account, with cached derived figures.

    Storage is packed: a statement is one string (its lines as tab-separated
    fields, service/supplier/unit as indexes into the ledger's name table),
    a payment one string, the rows one bytes value. Pickling then handles a
    few objects per statement instead of ten per line, which keeps the bulk
    fill fast and the database small; the records above are decoded on read
    (and kept in volatile caches until the ledger changes).
    """
    __name__ = None
    __parent__ = None

    def __init__(self, number: str, opening=0):
        self.number = number
        self.opening_k = kopecks(opening)   # balance before the first period
        self._statements = IOBTree()        # period -> packed lines (str)
        self._payments = LOBTree()          # key (day, serial) -> packed payment (str)
        self._names = ()                    # service, supplier and unit names the lines refer to
        self._serial = 0
        self._rows = b""                    # packed PeriodRow per period, oldest first
        self.services: tuple = ()           # distinct service names, sorted
        self.balance_k = self.opening_k     # now: last closing minus later payments
        self.unbilled_paid_k = 0            # paid after the last period
        self.last_period = 0
        self.version = 0

    # -- reading ---------------------------------------------------------------
    @property
    def display_title(self):
        return "Лицевой счёт %s" % self.number

    balance = property(lambda self: money(self.balance_k))
    opening = property(lambda self: money(self.opening_k))

    @property
    def rows(self) -> tuple:
        """PeriodRow per period, oldest first."""
        rows = getattr(self, "_v_rows", None)
        if rows is None:
            rows = self._v_rows = tuple(PeriodRow._make(r) for r in _ROW.iter_unpack(self._rows))
        return rows

    @property
    def last_row(self) -> PeriodRow | None:
        rows = self.rows
        return rows[-1] if rows else None

    def row(self, period: int) -> PeriodRow | None:
        rows = self.rows
        index = bisect.bisect_left(rows, (period,))
        if index < len(rows) and rows[index].period == period:
            return rows[index]
        return None

    def rows_between(self, first: int | None = None, last: int | None = None):
        rows = self.rows
        lo = bisect.bisect_left(rows, (first,)) if first else 0
        hi = bisect.bisect_right(rows, (last, float("inf"))) if last else len(rows)
        return rows[lo:hi]

    def has_statements(self) -> bool:
        return bool(self._statements)

    def periods(self, first: int | None = None, last: int | None = None) -> list:
        return list(self._statements.keys(first, last))

    def statement(self, period: int) -> Statement | None:
        cache = self._statement_cache()
        found = cache.get(period)
        if found is None:
            packed = self._statements.get(period)
            if packed is None:
                return None
            found = cache[period] = Statement(period, _unpack_lines(packed, self._names))
        return found

    def statements(self, first: int | None = None, last: int | None = None):
        """Statements from ``first`` to ``last`` (inclusive), oldest first."""
        return [self.statement(p) for p in self._statements.keys(first, last)]

    def payments(self, reverse: bool = False) -> list:
        records = [_unpack_payment(key, packed) for key, packed in self._payments.items()]
        return records[::-1] if reverse else records

    def payments_in(self, period: int):
        """Payments counted in ``period``'s row (see :meth:`recompute`)."""
        periods_list = list(self._statements.keys())
        return [p for p in self.payments() if _bucket(periods_list, p.posted_period) == period]

    def payments_after_last(self):
        periods_list = list(self._statements.keys())
        return [p for p in self.payments() if _bucket(periods_list, p.posted_period) is None]

    def find_payment(self, ref: str):
        for record in self.payments():
            if record.ref == ref:
                return record
        return None

    def _changed(self):
        # Any change rewrites the ledger object itself, even one whose
        # recompute comes later: its serial then names its state (lk_platform.caching.rendercache).
        self._p_changed = True

    def _statement_cache(self) -> dict:
        cache = getattr(self, "_v_statements", None)
        if cache is None:
            cache = self._v_statements = {}
        return cache

    # -- changing --------------------------------------------------------------
    def set_statement(self, period: int, lines, recompute=True) -> Statement:
        if not periods.is_valid(period):
            raise ValueError("bad period %r" % (period,))
        lines = tuple(lines)
        packed = self._pack_lines(lines)
        statement = Statement(period, lines)
        if self._statements.get(period) != packed:
            self._changed()
            self._statements[period] = packed
            self._statement_cache()[period] = statement  # packing is lossless: no need to decode again
            if recompute:
                self.recompute()
        return statement

    def remove_statement(self, period: int):
        if period in self._statements:
            self._changed()
            del self._statements[period]
            self._statement_cache().pop(period, None)
            self.recompute()

    def set_opening(self, amount):
        value = kopecks(amount)
        if value != self.opening_k:
            self.opening_k = value
            self.recompute()

    def add_payment(self, day: dt.date, amount, channel="", period=0, ref="", note="", recompute=True):
        amount_k = kopecks(amount)
        if amount_k <= 0:
            raise ValueError("a payment must be positive")
        self._serial += 1
        key = day.toordinal() * 1_000_000 + self._serial % 1_000_000
        while key in self._payments:
            key += 1
        record = PaymentRecord(key, day.toordinal(), amount_k, _intern(_one_line(channel)), period or 0,
                               _one_line(ref), _one_line(note))
        self._changed()
        self._payments[key] = _pack_payment(record)
        if recompute:
            self.recompute()
        return record

    def remove_payment(self, key: int, recompute=True):
        self._changed()
        packed = self._payments.pop(key, None)
        if packed is not None and recompute:
            self.recompute()
        return _unpack_payment(key, packed) if packed is not None else None

    def _pack_lines(self, lines) -> str:
        index = getattr(self, "_v_name_index", None)
        if index is None or len(index) != len(self._names):
            index = self._v_name_index = {name: i for i, name in enumerate(self._names)}
        added = []
        out = []
        for line in lines:
            refs = []
            for name in (line.service, line.supplier, line.unit):
                found = index.get(name)
                if found is None:
                    found = index[name] = len(self._names) + len(added)
                    added.append(name)
                refs.append(found)
            volume, tariff = line.volume, line.tariff
            out.append("%d\t%d\t%d\t%s\t%s\t%d\t%d\t%d\t%d" % (
                refs[0], refs[1], refs[2], "" if volume is None else format(volume, "f"),
                "" if tariff is None else format(tariff, "f"),
                line.accrued_k, line.recalculation_k, line.benefits_k, line.penalties_k))
        if added:
            self._names = self._names + tuple(added)
        return "\n".join(out)

    def recompute(self):
        """Rebuild rows and balance from the statements and payments.

        A payment counts in the first period, from its own month on, that has
        a statement (a month without accruals passes it on to the next one);
        payments after the last period lower the current balance only.
        """
        self._changed()
        periods_list = list(self._statements.keys())
        paid = {}
        unbilled = 0
        for _key, packed in self._payments.items():
            day, amount_k = _payment_day_amount(packed)
            target = _bucket(periods_list, periods.of_date(dt.date.fromordinal(day)))
            if target is None:
                unbilled += amount_k
            else:
                paid[target] = paid.get(target, 0) + amount_k
        packed_rows = []
        balance = self.opening_k
        services = set()
        for period in periods_list:
            statement = self.statement(period)
            acc = rec = ben = pen = 0
            for line in statement.lines:
                acc += line.accrued_k
                rec += line.recalculation_k
                ben += line.benefits_k
                pen += line.penalties_k
                services.add(line.service)
            period_paid = paid.get(period, 0)
            closing = balance + acc + rec - ben + pen - period_paid
            packed_rows.append(_ROW.pack(period, balance, acc, rec, ben, pen, period_paid, closing))
            balance = closing
        rows = b"".join(packed_rows)
        # Unchanged values are not written again (a write is a conflict risk).
        if rows != self._rows:
            self._rows = rows
            self._v_rows = None
        services = tuple(sorted(services))
        if services != self.services:
            self.services = services
        if self.balance_k != balance - unbilled:
            self.balance_k = balance - unbilled
        if self.unbilled_paid_k != unbilled:
            self.unbilled_paid_k = unbilled
        last = periods_list[-1] if periods_list else 0
        if self.last_period != last:
            self.last_period = last
        self.version += 1


_ROW = struct.Struct("<8q")


def _one_line(text) -> str:
    return " ".join(str(text or "").split())


def _unpack_lines(packed: str, names: tuple) -> tuple:
    if not packed:
        return ()
    lines = []
    for text in packed.split("\n"):
        s, u, n, volume, tariff, acc, rec, ben, pen = text.split("\t")
        lines.append(ServiceLine(names[int(s)], names[int(u)], names[int(n)],
                                 Decimal(volume) if volume else None, Decimal(tariff) if tariff else None,
                                 int(acc), int(rec), int(ben), int(pen)))
    return tuple(lines)


def _pack_payment(record: PaymentRecord) -> str:
    return "%d\t%d\t%s\t%d\t%s\t%s" % (record.day, record.amount_k, record.channel, record.period,
                                       record.ref, record.note)


def _unpack_payment(key: int, packed: str) -> PaymentRecord:
    day, amount, channel, period, ref, note = packed.split("\t")
    return PaymentRecord(key, int(day), int(amount), _intern(channel), int(period), ref, note)


def _payment_day_amount(packed: str):
    day, amount, _rest = packed.split("\t", 2)
    return int(day), int(amount)


def _bucket(periods_list, month):
    index = bisect.bisect_left(periods_list, month)
    return periods_list[index] if index < len(periods_list) else None


# -- the generated admin's content ------------------------------------------------

class Payment(Content):
    """A payment staff entered by hand (a catalogued object in ``debt_payments``)."""
    type_name = "debt_payment"
    searchable_fields = ("account", "document", "note")
    account = ""
    date = None
    amount = None
    channel = "cash"
    period = None
    document = ""
    note = ""

    @property
    def display_title(self):
        # Language-neutral: the audit log stores it, and pages show it after the type's translated title.
        when = self.date.strftime("%d.%m.%Y") if self.date else ""
        return "%s · %s · № %s" % (rub(self.amount) if self.amount is not None else "", when, self.account)

    @property
    def ref(self):
        return "%s/%s" % (PAYMENTS, self.__name__)


class BillingPeriod(Content):
    """A billing period of the organisation, open or closed (in ``debt_periods``, keyed ГГГГ-ММ)."""
    type_name = "debt_period"
    searchable_fields = ("note",)
    period = None
    closed = False
    note = ""

    @property
    def display_title(self):
        return periods.short(self.period) if self.period else str(self.__name__)


# -- where they live ------------------------------------------------------------------

def create_folders(organisation):
    """The plugin's folders in ``organisation`` (when the plugin is enabled for it)."""
    organisation.container(PAYMENTS, "debt_payment")
    organisation.container(PERIODS, "debt_period")
    organisation.container(LEDGERS)


def ledgers(organisation):
    """The organisation's folder of ledgers (created on enable), or None."""
    return organisation.get(LEDGERS)


def ledger_for(organisation, number: str, create: bool = False) -> Ledger | None:
    folder = organisation.get(LEDGERS)
    if folder is None:
        if not create:
            return None
        folder = organisation.container(LEDGERS)
    ledger = folder.get(number)
    if ledger is None and create:
        ledger = Ledger(number)
        folder.add(ledger, number)
    return ledger


def is_closed(organisation, period: int) -> bool:
    """Whether staff closed ``period`` (its accruals are then corrected by recalculation only)."""
    folder = organisation.get(PERIODS)
    found = folder.get(periods.iso(period)) if folder is not None else None
    return bool(found is not None and found.closed)
