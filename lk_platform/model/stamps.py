"""Change counters: a cheap "has anything about this changed?" for caches.

``touch(obj)`` bumps a counter kept beside ``obj`` (a
:class:`BTrees.Length.Length`, whose concurrent increments merge instead of
conflicting, so two residents' submissions never collide on it);
``changes(obj)`` returns that counter, whose committed serial names the last
change. Caches (:mod:`lk_platform.caching.rendercache`, :mod:`lk_platform.caching.pagecache`)
list it among what a page depends on. Folders touch themselves on every
add, remove and reindex; plugins touch an account when they change what
they store about it outside the account object (readings, for instance).

``touch_access(node)`` records a change to who may see what — a deletion,
an account linked or unlinked, a role granted or revoked, a user blocked —
on one counter of the whole platform (``access(platform)``), which every
cached page depends on: such changes are rare, and a page must never
outlive them.
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


ACCESS_ATTR = "_lk_access"


def _root(node):
    while getattr(node, "__parent__", None) is not None:
        node = node.__parent__
    return node


def touch_access(node):
    """Record a change to who may see what, anywhere below ``node``'s root."""
    root = _root(node)
    counter = getattr(root, ACCESS_ATTR, None)
    if counter is None:
        counter = Length()
        setattr(root, ACCESS_ATTR, counter)
    counter.change(1)


def access(platform):
    """The platform's access counter (the platform itself until the first change)."""
    counter = getattr(platform, ACCESS_ATTR, None)
    return counter if counter is not None else platform
