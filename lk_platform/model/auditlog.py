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
