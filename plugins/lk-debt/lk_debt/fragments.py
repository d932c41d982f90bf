"""A bounded, process-wide cache of what pages render from a ledger (the
history tables and chart, a receipt's PDF).

An entry is keyed by the ledger's committed state — its database, oid and
serial (the id of the transaction that last wrote it; every change to a
ledger rewrites the ledger object) — so a change makes old entries
unreachable and they age out. A ledger changed in the running transaction
is never cached. Size is bounded in bytes, not entries: a PDF is tens of
kilobytes, a table a few.
"""
from __future__ import annotations

import sys
import threading
from collections import OrderedDict

MAX_BYTES = 64 * 1024 * 1024

_entries: OrderedDict = OrderedDict()
_size = 0
_lock = threading.Lock()


def _state(ledger):
    jar = getattr(ledger, "_p_jar", None)
    if jar is None or ledger._p_changed or ledger._p_oid is None:
        return None
    return id(jar.db()), ledger._p_oid, ledger._p_serial


def cached(ledger, key, build):
    """``build()``, or what it returned before for the same ledger state and ``key``."""
    global _size
    state = _state(ledger)
    if state is None:
        return build()
    full = (state, key)
    with _lock:
        found = _entries.get(full)
        if found is not None:
            _entries.move_to_end(full)
            return found
    value = build()
    with _lock:
        if full not in _entries:
            _entries[full] = value
            _size += _cost(value)
            while _size > MAX_BYTES and _entries:
                _old, dropped = _entries.popitem(last=False)
                _size -= _cost(dropped)
    return value


def _cost(value) -> int:
    if isinstance(value, dict):
        return sum(sys.getsizeof(v) for v in value.values())
    return sys.getsizeof(value)


def clear():
    global _size
    with _lock:
        _entries.clear()
        _size = 0
