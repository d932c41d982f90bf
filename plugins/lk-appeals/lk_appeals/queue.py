"""Finding appeals through the folder's catalog: the staff queue's filters
and full-text search, and a resident's own appeals. Nothing here walks the
folder; every filter is an index lookup."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from BTrees.OOBTree import OOBTree
from hypatia.text.parsetree import ParseError

from lk_platform.util.paging import page_number

from .models import OPEN, STATUSES

#: Field indexes (``f_<name>``) the appeals folder keeps, plus the text index.
INDEX_FIELDS = ("status", "category", "owner", "account", "author", "building", "created", "deadline",
                "updated")
SORTS = {"deadline": ("deadline", False), "created": ("created", True), "updated": ("updated", True)}
PAGE_SIZE = 25
_OPERATORS = {"and", "or", "not"}


def ensure_indexes(folder):
    folder.ensure_indexes(fields=INDEX_FIELDS, text=True)


@dataclass(frozen=True)
class QueueFilter:
    status: str = "open"      # open, all, or a status
    category: str = ""
    assignee: str = ""        # "", "me", "none", or a staff login
    due: str = ""             # "", "overdue", "soon"
    building: str = ""
    q: str = ""
    sort: str = "deadline"
    page: int = 1

    @classmethod
    def from_params(cls, params):
        status = params.get("status", "open")
        if status not in STATUSES and status not in ("open", "all"):
            status = "open"
        sort = params.get("sort", "deadline")
        page = page_number(params)
        return cls(status=status, category=params.get("category", "")[:40],
                   assignee=params.get("assignee", "")[:80],
                   due=params.get("due", "") if params.get("due") in ("overdue", "soon") else "",
                   building=params.get("building", "")[:300], q=params.get("q", "").strip()[:200],
                   sort=sort if sort in SORTS else "deadline", page=page)

    def params(self, **changes) -> dict:
        values = replace(self, **changes)
        out = {k: getattr(values, k) for k in ("status", "category", "assignee", "due", "building", "q", "sort")}
        out["page"] = values.page
        return {k: v for k, v in out.items() if v not in ("", None) and not (k == "page" and v == 1)}


def text_terms(search: str) -> str:
    """A safe query for the text index: words only, prefix-matched."""
    words = [w for w in re.findall(r"\w+", search.lower()) if w not in _OPERATORS][:10]
    return " ".join(w + "*" if len(w) > 2 else w for w in words)


def _and(conditions):
    query = conditions[0]
    for cond in conditions[1:]:
        query = query & cond
    return query


def staff_query(folder, flt: QueueFilter, *, login, roles, now, soon_until):
    """The hypatia query for ``flt`` (None means everything)."""
    cat = folder.catalog
    conditions = []
    if flt.status == "open":
        conditions.append(cat["f_status"].any(list(OPEN)))
    elif flt.status in STATUSES:
        conditions.append(cat["f_status"].eq(flt.status))
    if flt.category:
        conditions.append(cat["f_category"].eq(flt.category))
    if flt.assignee == "me":
        conditions.append(cat["f_owner"].any(["user:" + login] + ["role:" + r for r in roles]))
    elif flt.assignee == "none":
        # No person yet: routed to a role only, or to nobody.
        unassigned = [v for v in cat["f_owner"].unique_values() if not v.startswith("user:")]
        conditions.append(cat["f_owner"].any(unassigned or ["none"]))
    elif flt.assignee:
        conditions.append(cat["f_owner"].eq("user:" + flt.assignee.lower()))
    if flt.due == "overdue":
        conditions.append(cat["f_deadline"].lt(now))
    elif flt.due == "soon":
        conditions.append(cat["f_deadline"].inrange(now, soon_until))
    if flt.building:
        conditions.append(cat["f_building"].eq(flt.building.lower()))
    terms = text_terms(flt.q)
    if terms:
        conditions.append(cat["text"].contains(terms))
    return _and(conditions) if conditions else None


def run(folder, query, sort="deadline", offset=0, limit=PAGE_SIZE):
    """``(total, [appeals])`` for a query, sorted by an index; appeals with
    no value for the sort field (no running deadline) come last."""
    from lk_platform.model.folders import FAMILY
    try:
        docids = query.execute().ids if query is not None else FAMILY.IF.TreeSet(folder._names.keys())
    except ParseError:
        return 0, []
    total = len(docids)
    field, reverse = SORTS.get(sort, SORTS["deadline"])
    index = folder.catalog["f_" + field]
    wanted = offset + limit
    ordered = list(index.sort(docids, reverse=reverse, limit=wanted, raise_unsortable=False)) if total else []
    if len(ordered) < wanted:
        seen = set(ordered)
        rest = [d for d in docids if d not in seen]
        if field != "created":
            # Without a running deadline: newest first.
            rest = list(folder.catalog["f_created"].sort(rest, reverse=True, limit=wanted - len(ordered),
                                                          raise_unsortable=False)) if rest else []
        ordered += rest[:wanted - len(ordered)]
    return total, [folder.resolve(d) for d in ordered[offset:offset + limit]]


def count(folder, query) -> int:
    try:
        return len(query.execute().ids)
    except ParseError:
        return 0


def resident_query(folder, login, account_numbers, open_only=False):
    """Appeals the resident wrote or may see for their accounts."""
    cat = folder.catalog
    query = cat["f_author"].eq(login.lower())
    if account_numbers:
        query = query | cat["f_account"].any([n.lower() for n in account_numbers])
    if open_only:
        query = query & cat["f_status"].any(list(OPEN))
    return query


def period_query(folder, start: dt.datetime, end: dt.datetime):
    """Appeals created in ``[start, end)``."""
    return folder.catalog["f_created"].inrange(start, end, excludemax=True)


def building_label(account) -> str:
    """The building's address as the queue's filter shows it (address data, as stored)."""
    parts = [account.settlement, account.street, account.house and "д. " + account.house,
             account.building and "корп. " + account.building]
    return ", ".join(p for p in parts if p)


def building_labels(folder):
    """``{building key (lower case): address}`` for the queue's building filter."""
    labels = getattr(folder, "appeal_buildings", None)
    if labels is None:
        labels = folder.appeal_buildings = OOBTree()
    return labels


def open_for_dashboard(folder, login, accounts, right, limit=5):
    """What the resident's dashboard widget shows: their newest open appeals
    at the organisation, or None when there is nothing to offer (no
    appeals folder, or no account they may write appeals for)."""
    mine = [a for a in accounts if a.has_right(login, right)]
    if folder is None or not mine or "f_author" not in folder.catalog:
        return None
    query = resident_query(folder, login, [a.number for a in mine], open_only=True)
    total, appeals = run(folder, query, sort="updated", limit=limit)
    return {"appeals": appeals, "total": total, "folder": folder, "can_open": any(not a.closed for a in mine)}
