"""The audit log of staff actions: who, when, organisation, object, change.

Entries are keyed by negative nanosecond timestamps in an LOBTree, so plain
key order is newest first and pages come from a slice, not a sort.
"""
from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass

from BTrees.Length import Length
from BTrees.LOBTree import LOBTree
from persistent import Persistent


@dataclass(frozen=True)
class AuditEntry:
    when: dt.datetime
    who: str
    action: str
    target: str = ""
    title: str = ""
    changes: tuple = ()   # ((field, old, new), ...) as display strings
    organisation: str = ""
    address: str = ""


class AuditLog(Persistent):
    def __init__(self):
        self._entries = LOBTree()
        self._count = Length()

    def __len__(self):
        return self._count()

    def add(self, entry: AuditEntry):
        # The random low digits keep two entries of one nanosecond apart and
        # spread concurrent writers over buckets.
        key = -(time.time_ns() // 1000 * 1000 + random.randrange(1000))
        while key in self._entries:
            key -= 1
        self._entries[key] = entry
        self._count.change(1)

    def page(self, offset=0, limit=50, who=None, action=None):
        out = []
        skipped = 0
        for entry in self._entries.values():
            if who and entry.who != who:
                continue
            if action and not entry.action.startswith(action):
                continue
            if skipped < offset:
                skipped += 1
                continue
            out.append(entry)
            if len(out) >= limit:
                break
        return out


def _show(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(str(v) for v in value)
    text = str(value)
    return text if len(text) <= 200 else text[:197] + "..."


def audit(request, action: str, target=None, changes=None, organisation=None):
    """Record a staff action. ``changes`` is ``{field: (old, new)}``."""
    from .organisations import find_organisation
    from .platform import get_platform
    org = organisation if organisation is not None else (
        find_organisation(target) if target is not None else getattr(request, "organisation", None))
    who = request.environ.get("lk.actor") or request.authenticated_userid or "-"
    path = ""
    title = ""
    if target is not None:
        from pyramid.traversal import resource_path
        try:
            path = resource_path(target)
        except Exception:
            path = str(getattr(target, "__name__", ""))
        title = getattr(target, "display_title", "") or str(getattr(target, "__name__", "") or "")
    entry = AuditEntry(
        when=dt.datetime.now(dt.timezone.utc), who=who, action=action, target=path, title=title,
        changes=tuple((k, _show(o), _show(n)) for k, (o, n) in sorted((changes or {}).items())),
        organisation=org.slug if org is not None else "", address=request.client_addr or "")
    log = org.audit if org is not None else get_platform(request).audit
    log.add(entry)
    return entry
