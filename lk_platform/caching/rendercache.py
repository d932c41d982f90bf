"""A bounded, process-wide cache of rendered HTML (and other derived
values) keyed by the committed state of the persistent objects it was
derived from.

An object's state is its database, oid and serial (the id of the
transaction that last wrote it), so any committed change — in this process
or another one sharing the storage — makes old entries unreachable, and
they age out. Nothing is cached while a dependency is new or changed in
the running transaction. This is ZODB's answer to "Russian doll" caching:
a fragment names the objects it shows; a container that must invalidate
its readers when its members change keeps a counter object that every
change bumps (:class:`BTrees.Length.Length`, whose concurrent increments
merge instead of conflicting).

Size is bounded in bytes (``lk.render_cache_mb``, 64 MB by default), not
entries: a PDF is tens of kilobytes, a table a few.
"""
from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from dataclasses import dataclass

MAX_BYTES = 64 * 1024 * 1024

_entries: OrderedDict = OrderedDict()
_size = 0
_lock = threading.Lock()
_limit = MAX_BYTES
_counts = {"hits": 0, "misses": 0}


class State(tuple):
    """``(database, oid, serial)``: the committed state of a persistent object."""
    __slots__ = ()


def state(obj):
    """:class:`State` of a committed persistent object, else None."""
    jar = getattr(obj, "_p_jar", None)
    if jar is None or obj._p_oid is None:
        return None
    if obj._p_changed is None:          # a ghost: its serial is known once loaded
        obj._p_activate()
    if obj._p_changed:
        return None
    return State((_db_token(jar.db()), obj._p_oid, obj._p_serial))


def _db_token(db):
    # Not id(db): a closed database's id can be reused by the next one opened
    # (copies of one file share oids and serials, as in tests).
    token = getattr(db, "_lk_cache_token", None)
    if token is None:
        token = db._lk_cache_token = object()
    return token


@dataclass(frozen=True)
class Until:
    """A dependency on time: what was built stays valid until ``moment``
    (unix seconds), e.g. the organisation's midnight for a page that says
    "overdue", the next minute for scheduled announcements."""
    moment: float


def fingerprint(depends):
    """A hashable summary of ``depends`` (persistent objects and plain
    values), or None if any object is uncommitted or changed."""
    out = []
    for dep in depends:
        if hasattr(dep, "_p_jar"):
            s = state(dep)
            if s is None:
                return None
            out.append(s)
        else:
            out.append(dep)
    return tuple(out)


def cached(depends, key, build):
    """``build()``, or what it returned before for the same ``key`` while
    every object in ``depends`` keeps its committed state.

    ``depends`` is one persistent object or an iterable of them (plain
    hashable values may be mixed in); ``key`` says what was built from them
    (which view, filters, locale...)."""
    if hasattr(depends, "_p_jar"):
        depends = (depends,)
    stamp = fingerprint(depends)
    if stamp is None:
        return build()
    full = (stamp, key)
    found = get(full)
    if found is None:
        found = build()
        put(full, found)
    return found


def get(key):
    """The value stored under ``key`` (a fingerprint and what was built), or None."""
    with _lock:
        found = _entries.get(key)
        if found is not None:
            _entries.move_to_end(key)
            _counts["hits"] += 1
        else:
            _counts["misses"] += 1
        return found


def put(key, value, replace=False):
    global _size
    with _lock:
        if replace and key in _entries:
            _size -= _cost(_entries.pop(key)) + _key_cost(key)
        if key not in _entries:
            _entries[key] = value
            _size += _cost(value) + _key_cost(key)
            while _size > _limit and _entries:
                old, dropped = _entries.popitem(last=False)
                _size -= _cost(dropped) + _key_cost(old)


def _cost(value) -> int:
    if hasattr(value, "cost"):
        return value.cost
    if isinstance(value, dict):
        return sum(sys.getsizeof(v) for v in value.values())
    if isinstance(value, (tuple, list)):
        return sum(sys.getsizeof(v) for v in value)
    return sys.getsizeof(value)


def _key_cost(key) -> int:
    """The key's own size (its tuples and their items, two levels down):
    keys count against the bound as values do."""
    total = sys.getsizeof(key)
    for item in key if isinstance(key, tuple) else ():
        total += sys.getsizeof(item)
        for inner in item if isinstance(item, tuple) else ():
            total += sys.getsizeof(inner)
    return total


def configure(max_bytes: int):
    global _limit
    _limit = max(0, int(max_bytes))


def clear():
    global _size
    with _lock:
        _entries.clear()
        _size = 0
        _counts.update(hits=0, misses=0)


def stats() -> dict:
    with _lock:
        return {"entries": len(_entries), "bytes": _size, "limit": _limit, **_counts}
