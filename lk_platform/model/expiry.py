"""Stores whose entries expire: login sessions, reset tokens, throttle counts.

Each store is an ``OOBTree`` on the platform (``Platform.expiring_stores``
names them). Beside each, ``platform.expiry[name]`` is an ``OOTreeSet`` of
``(expires, key)`` pairs, so the expired entries are the smallest pairs and
are found without a scan. Two ways remove them:

- **on write**: every :func:`put` also removes up to ``PRUNE_BATCH`` expired
  entries (a few O(log n) steps, never a scan), so a store written to
  regularly holds what is alive plus at most a handful more;
- **periodically**: :func:`prune_all` (``lk -c INI prune``, from cron) scans
  every store, removes the expired, and (re)builds the indexes, so entries
  written before the indexes existed, or deleted behind their back, are
  caught too.

A value knows when it expires: its ``expires`` attribute (a property of
``LoginSession`` and the throttle's counters), or, for a tuple, its last item
(reset tokens are ``(login, expires)``). A value that tells neither is kept.

Writes go through :func:`put` and :func:`remove`; a store changed directly
still works (stale index pairs are skipped when met, missing ones are added by
the next :func:`prune_all`).
"""
from __future__ import annotations

import random
from itertools import islice

from BTrees.OOBTree import OOBTree, OOTreeSet

from lk_platform.util.dates import timestamp

#: expired entries removed by each write to a store
PRUNE_BATCH = 8


def expires_of(value) -> float | None:
    found = getattr(value, "expires", None)
    if found is None and isinstance(value, tuple) and value:
        found = value[-1]
    if isinstance(found, bool) or not isinstance(found, (int, float)):
        return None
    return float(found)


def index_of(platform, name):
    """The ``(expires, key)`` set of store ``name`` (None before ``lk evolve``
    or ``lk prune`` made it in an older database)."""
    indexes = getattr(platform, "expiry", None)
    return indexes.get(name) if indexes is not None else None


def put(platform, name: str, key, value, now: float | None = None):
    """``store[key] = value``, indexed by its expiry; then prune a few."""
    store = getattr(platform, name)
    index = index_of(platform, name)
    if index is not None:
        old = store.get(key)
        if old is not None:
            _unindex(index, key, old)
        expires = expires_of(value)
        if expires is not None:
            index.insert((expires, key))
    store[key] = value
    prune_some(platform, name, now)


def remove(platform, name: str, key):
    """Delete ``key`` from the store (and its index pair); returns the old value."""
    old = getattr(platform, name).pop(key, None)
    index = index_of(platform, name)
    if old is not None and index is not None:
        _unindex(index, key, old)
    return old


def _unindex(index, key, value):
    expires = expires_of(value)
    if expires is not None and (expires, key) in index:
        index.remove((expires, key))


def prune_some(platform, name: str, now: float | None = None, limit: int = PRUNE_BATCH) -> int:
    """Remove up to ``limit`` expired entries of one store, oldest first."""
    index = index_of(platform, name)
    if index is None:
        return 0
    now = timestamp() if now is None else now
    try:
        oldest = index.minKey()[0]
    except ValueError:   # empty (len() of a BTree would walk all of it)
        return 0
    if oldest >= now:
        return 0
    # (t,) sorts before every (t, key): the pairs that expired before now.
    # Start at a random time among them (then wrap round), so two requests
    # pruning at once seldom pick the same entries (a write conflict).
    start = random.uniform(oldest, now)
    pairs = list(islice(index.keys(min=(start,), max=(now,), excludemax=True), limit))
    if len(pairs) < limit:
        pairs += islice(index.keys(max=(start,), excludemax=True), limit - len(pairs))
    store = getattr(platform, name)
    removed = 0
    for pair in pairs:
        index.remove(pair)
        expires, key = pair
        value = store.get(key)
        if value is not None and expires_of(value) == expires:   # else rewritten (or gone) since
            del store[key]
            removed += 1
    return removed


def prune_all(platform, now: float | None = None) -> dict:
    """Remove every expired entry of every store and (re)build the indexes.
    Returns ``{store name: entries removed}``. A scan: for ``lk prune``."""
    now = timestamp() if now is None else now
    if getattr(platform, "expiry", None) is None:
        platform.expiry = OOBTree()
    removed = {}
    for name in platform.expiring_stores:
        store = getattr(platform, name, None)
        if store is None:
            continue
        index = platform.expiry.get(name)
        if index is None:
            index = platform.expiry[name] = OOTreeSet()
        count = 0
        for key, value in list(store.items()):
            expires = expires_of(value)
            if expires is None:
                continue
            if expires < now:
                del store[key]
                count += 1
            elif (expires, key) not in index:
                index.insert((expires, key))
        for pair in list(index.keys()):
            expires, key = pair
            value = store.get(key)
            if expires < now or value is None or expires_of(value) != expires:
                index.remove(pair)
        removed[name] = count
    return removed


def expired_count(platform, name: str, now: float | None = None) -> int:
    """How many entries of a store have expired (a scan: for tests and reports)."""
    now = timestamp() if now is None else now
    return sum(1 for value in getattr(platform, name).values()
               if (expires_of(value) or float("inf")) < now)
