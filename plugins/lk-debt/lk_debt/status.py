"""What a resident owes on an account now, and by when: read from the
ledger's cached figures only (one small object per account)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from lk_platform.util import periods

from .i18n import _
from .models import Ledger, ledger_for
from .money import money
from .schemas import settings_of

ZERO = Decimal("0.00")


def due_date(period: int, due_day: int) -> dt.date:
    """Payment for a period is due on ``due_day`` of the following month
    (the 10th by default, as the Housing Code has it)."""
    following = periods.next_(period)
    return dt.date(following // 100, following % 100, max(1, min(28, int(due_day))))


def balance_word(kopecks: int):
    """What a balance is called (a translation string)."""
    if kopecks > 0:
        return _("Задолженность")
    if kopecks < 0:
        return _("Переплата")
    return _("Задолженности нет")


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
    def period_iso(self) -> str:
        return periods.iso(self.last_period) if self.last_period else ""


def status_for(organisation, account, settings=None, today=None) -> DebtStatus | None:
    ledger = ledger_for(organisation, account.number)
    if ledger is None:
        return None
    settings = settings if settings is not None else settings_of(organisation)
    balance = ledger.balance
    last = ledger.last_period
    due = due_date(last, settings["due_day"]) if last else None
    today = today or organisation.now().date()
    row = ledger.last_row
    return DebtStatus(
        account=account, ledger=ledger, balance=balance, due=max(balance, ZERO), overpaid=max(-balance, ZERO),
        last_period=last, due_date=due,
        overdue=bool(balance > 0 and due is not None and today > due),
        last_charged=money(row.charged_k) if row is not None else ZERO)


def request_statuses(request, organisation, accounts):
    """Statuses of ``accounts``, computed once per request (the summary and
    the widget both need them), and the organisation's settings."""
    cache = request.__dict__.setdefault("_lk_debt_statuses", {})
    settings_cache = request.__dict__.setdefault("_lk_debt_settings", {})
    settings = settings_cache.get(organisation.__name__)
    if settings is None:
        settings = settings_cache[organisation.__name__] = settings_of(organisation)
    out = []
    for account in accounts:
        key = (organisation.__name__, account.number)
        if key not in cache:
            cache[key] = status_for(organisation, account, settings)
        out.append(cache[key])
    return out, settings


def summary(status: DebtStatus | None) -> dict:
    """The account's figures for the cabinet's summary line.

    The keys are totalled across accounts by key: translation strings
    equal to their Russian msgid, so the totals match in any language and
    the cabinet page shows them translated."""
    if status is None:
        return {}
    out = {_("Задолженность"): status.due}
    if status.overpaid:
        out[_("Переплата")] = status.overpaid
    if status.due and status.due_date is not None:
        when = status.due_date.strftime("%d.%m.%Y")
        out[_("Оплатить до")] = _("${date} (просрочено)", mapping={"date": when}) if status.overdue else when
    return out
