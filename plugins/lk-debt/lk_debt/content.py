"""Catalogued content with a generated admin: payments registered by staff
and the organisation's billing periods. A payment object is mirrored into
its account's ledger (the ledger is what balances are computed from), in
the same transaction as the admin's change."""
from __future__ import annotations

from lk_platform.model.content import Content

from . import periods
from .i18n import RUSSIAN
from .ledger import ledger_for
from .schemas import CHANNEL_TITLES

PAYMENTS = "debt_payments"
PERIODS = "debt_periods"


class Payment(Content):
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
        from lk_platform.util.money import format_money
        when = self.date.strftime("%d.%m.%Y") if self.date else ""
        return "Платёж %s от %s, л/с %s" % (format_money(self.amount) if self.amount is not None else "",
                                             when, self.account)

    @property
    def ref(self):
        return "%s/%s" % (PAYMENTS, self.__name__)


class BillingPeriod(Content):
    type_name = "debt_period"
    searchable_fields = ("note",)
    period = None
    closed = False
    note = ""

    @property
    def display_title(self):
        return periods.label(self.period) if self.period else str(self.__name__)


def is_closed(organisation, period: int) -> bool:
    folder = organisation.get(PERIODS)
    found = folder.get(periods.iso(period)) if folder is not None else None
    return bool(found is not None and found.closed)


def post_payment(organisation, payment: Payment, account: str | None = None):
    """Write (or rewrite) ``payment`` into its account's ledger."""
    unpost_payment(organisation, payment, account)
    ledger = ledger_for(organisation, payment.account, create=True)
    ledger.add_payment(payment.date, payment.amount, channel=payment.channel, period=payment.period or 0,
                       ref=payment.ref, note=" ".join(p for p in (payment.document, payment.note) if p))


def unpost_payment(organisation, payment: Payment, account: str | None = None):
    ledger = ledger_for(organisation, account or payment.account)
    record = ledger.find_payment(payment.ref) if ledger is not None else None
    if record is not None:
        ledger.remove_payment(record.key)


def channel_title(code: str, t=RUSSIAN) -> str:
    """A payment channel's title; ``t``: the request's ``i18n.Words``."""
    title = CHANNEL_TITLES.get(code)
    return t(title) if title is not None else code
