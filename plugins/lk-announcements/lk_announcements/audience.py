"""Who an announcement is for: audience tokens and the targeting choices.

Targeting is stored as audience tokens in a keyword index, so "what may
this resident see" is one index query: the tokens of the resident's
accounts (organisation, building, street, services) against the tokens of
each announcement. The choices offered to staff (buildings, streets,
services) come from the organisation's accounts, read through their indexes.
"""
from __future__ import annotations

import re
from types import SimpleNamespace

from lk_platform.model.accounts import Account


def _norm(value) -> str:
    return " ".join(str(value or "").split()).lower()


def building_token(building_key: str) -> str:
    return "b:" + _norm(building_key)


def street_key(account) -> str:
    """Settlement and street: one street, even where two towns share a name."""
    return "%s|%s" % (account.settlement or "", account.street or "")


def street_token(key: str) -> str:
    return "s:" + _norm(key)


def service_token(service: str) -> str:
    return "svc:" + _norm(service)


def account_tokens(accounts) -> set[str]:
    """Every audience token that reaches a holder of ``accounts``."""
    tokens = {"all"}
    for account in accounts:
        tokens.add(building_token(account.building_key))
        if account.street:
            tokens.add(street_token(street_key(account)))
        for service in account.services or ():
            tokens.add(service_token(service))
    return tokens


# --- targeting choices, from the organisation's accounts --------------------

def _accounts_index(organisation, name, keyword=False):
    folder = organisation.get("accounts")
    if folder is None:
        return None, None
    key = ("k_" if keyword else "f_") + name
    if key not in folder.catalog:
        folder.ensure_indexes(keywords=(name,)) if keyword else folder.ensure_indexes(fields=(name,))
    return folder, folder.catalog[key]


def building_label(account) -> str:
    return Account.address.fget(SimpleNamespace(settlement=account.settlement, street=account.street,
                                                house=account.house, building=account.building, apartment=""))


def street_label(account) -> str:
    return Account.address.fget(SimpleNamespace(settlement=account.settlement, street=account.street,
                                                house="", building="", apartment=""))


def _sample_accounts(organisation):
    """One account per distinct building (read through the index, not by
    walking every account)."""
    folder, index = _accounts_index(organisation, "building_key")
    if index is None:
        return []
    out = []
    for value in index.unique_values():
        ids = index.eq(value).execute().ids
        for docid in ids:
            out.append(folder.resolve(docid))
            break
    return out


def building_choices(organisation):
    seen = {}
    for account in _sample_accounts(organisation):
        seen.setdefault(account.building_key, building_label(account))
    return sorted(seen.items(), key=lambda kv: _natural(kv[1]))


def street_choices(organisation):
    seen = {}
    for account in _sample_accounts(organisation):
        if account.street:
            seen.setdefault(street_key(account), street_label(account))
    return sorted(seen.items(), key=lambda kv: _natural(kv[1]))


def service_choices(organisation):
    _folder, index = _accounts_index(organisation, "services", keyword=True)
    if index is None:
        return []
    return [(s, s) for s in sorted(index.unique_values(), key=_natural) if isinstance(s, str) and s]


def _natural(text):
    """Sort "д. 9" before "д. 10"."""
    return [int(p) if p.isdigit() else p.lower() for p in re.split(r"(\d+)", text or "")]
