"""Payments: a payment staff enter in the generated admin is mirrored into
its account's ledger (the ledger is what balances are computed from), in
the same transaction as the admin's change; and the payment channels'
titles."""
from __future__ import annotations

from lk_platform.model.events import ObjectAdded, ObjectModified, ObjectRemoved
from lk_platform.model.organisations import find_organisation

from .models import Payment, ledger_for
from .schemas import CHANNEL_TITLES


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


def on_event(organisation, event):
    """Keep the ledger in step with the admin's add, edit and delete of a payment."""
    obj = getattr(event, "object", None)
    if not isinstance(obj, Payment):
        return
    org = find_organisation(obj) or organisation
    if isinstance(event, ObjectAdded):
        post_payment(org, obj)
    elif isinstance(event, ObjectModified):
        previous = event.changes.get("account", (obj.account,))[0] or obj.account
        unpost_payment(org, obj, previous)
        post_payment(org, obj)
    elif isinstance(event, ObjectRemoved):
        unpost_payment(org, obj)


def channel_title(code: str):
    """A payment channel's title (a translation string), or its code when unknown."""
    return CHANNEL_TITLES.get(code, code)
