"""Meters in an organisation: the ``meters`` folder (catalogued on account,
resource, building, status and next verification date), the buildings
that have meters, and an account's meters.

The :class:`~.models.Meter` itself is in :mod:`.models`; its readings live
inside it, in ``meter.history`` (see :mod:`.readings`), so a resident's
form touches only their own meters' records.
"""
from __future__ import annotations

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree

from lk_platform.caching import rendercache

# Meters stored before the class moved to .models were pickled under this
# module's path: importing it here keeps such databases loading.
from .models import Meter  # noqa: F401  (stored objects are pickled under this path)

CONTAINER = "meters"
#: Field indexes of the meters folder (beyond the admin's columns).
INDEXED = ("account", "resource", "building", "status", "next_verification", "serial")


def meters_folder(organisation):
    return organisation.get(CONTAINER) if organisation is not None else None


def ensure_meter_indexes(organisation):
    folder = organisation.container(CONTAINER, "meter")
    folder.ensure_indexes(fields=INDEXED, text=True)
    if getattr(folder, "buildings", None) is None:
        # building key (lower case, as indexed) -> address of the building, for
        # filters and window overrides without resolving meters per request.
        folder.buildings = OOBTree()
    return folder


def note_building(organisation, meter):
    """Remember the meter's building and its address (after add or edit)."""
    folder = meters_folder(organisation)
    account = meter.account_object()
    if folder is None or account is None:
        return
    if getattr(folder, "buildings", None) is None:
        folder.buildings = OOBTree()
    key = account.building_key.lower()
    title = building_title(account)
    if folder.buildings.get(key) != title:
        folder.buildings[key] = title
        if getattr(folder, "buildings_version", None) is None:
            folder.buildings_version = Length()
        folder.buildings_version.change(1)


def buildings_stamp(organisation):
    """A key that changes whenever the list of buildings does (the stored
    version counter's committed state), or None when it cannot be cached."""
    folder = meters_folder(organisation)
    version = getattr(folder, "buildings_version", None) if folder is not None else None
    return rendercache.state(version) if version is not None else None


def building_title(account) -> str:
    parts = [account.settlement, account.street, account.house and "д. " + account.house,
             account.building and "корп. " + account.building]
    return ", ".join(p for p in parts if p)


def known_buildings(organisation) -> list[tuple[str, str]]:
    """``[(building key, address)]`` of the buildings that have meters."""
    folder = meters_folder(organisation)
    found = getattr(folder, "buildings", None) if folder is not None else None
    return sorted(found.items(), key=lambda kv: kv[1]) if found else []


def meters_of_account(organisation, number: str) -> list[Meter]:
    """The account's meters through the catalog (never a scan of the folder)."""
    folder = meters_folder(organisation)
    if folder is None or "f_account" not in folder.catalog:
        return []
    docids = folder.catalog["f_account"].eq(str(number).lower()).execute().ids
    return sorted((folder.resolve(d) for d in docids), key=lambda m: m.id)
