"""Change counters: a cheap "has anything about this changed?" for caches.

``touch(obj)`` bumps a counter kept beside ``obj`` (a
:class:`BTrees.Length.Length`, whose concurrent increments merge instead of
conflicting, so two residents' submissions never collide on it);
``changes(obj)`` returns that counter, whose committed serial names the last
change. Caches (:mod:`lk_platform.caching.rendercache`, :mod:`lk_platform.caching.pagecache`)
list it among what a page depends on. Folders touch themselves on every
add, remove and reindex; plugins touch an account when they change what
they store about it outside the account object (readings, for instance).
"""
from __future__ import annotations

from BTrees.Length import Length

ATTR = "_lk_changes"


def touch(obj):
    """Record that something about ``obj`` changed."""
    counter = getattr(obj, ATTR, None)
    if counter is None:
        counter = Length()
        setattr(obj, ATTR, counter)
    counter.change(1)


def changes(obj):
    """``obj``'s change counter or, while nothing was ever recorded, ``obj``
    itself (the first touch adds the counter to it, which changes it); None
    for None."""
    if obj is None:
        return None
    counter = getattr(obj, ATTR, None)
    return counter if counter is not None else obj
