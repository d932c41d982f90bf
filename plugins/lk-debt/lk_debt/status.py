"""What a resident owes on an account now, and by when: read from the
ledger's cached figures only (one small object per account)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from . import periods
from .ledger import Ledger, ledger_for, money
from .schemas import settings_of

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class DebtStatus:
    account: object
    ledger: Ledger
    balance: Decimal          # > 0 debt, < 0 overpayment
    due: Decimal              # what to pay (never negative)
    overpaid: Decimal         # never negative
    last_period: int          # 0 when there are no accruals yet
    due_date: dt.date | None
    overdue: bool
    last_charged: Decimal     # accrued in the last period, net of benefits

    @property
    def period_label(self) -> str:
        return periods.label(self.last_period) if self.last_period else ""

    @property
    def period_iso(self) -> str:
        return periods.iso(self.last_period) if self.last_period else ""


def status_for(organisation, account, settings=None, today=None) -> DebtStatus | None:
    ledger = ledger_for(organisation, account.number)
    if ledger is None:
        return None
    settings = settings if settings is not None else settings_of(organisation)
    balance = ledger.balance
    last = ledger.last_period
    due_date = periods.due_date(last, settings["due_day"]) if last else None
    today = today or organisation.now().date()
    row = ledger.last_row
    return DebtStatus(
        account=account, ledger=ledger, balance=balance, due=max(balance, ZERO), overpaid=max(-balance, ZERO),
        last_period=last, due_date=due_date,
        overdue=bool(balance > 0 and due_date is not None and today > due_date),
        last_charged=money(row.charged_k) if row is not None else ZERO)
