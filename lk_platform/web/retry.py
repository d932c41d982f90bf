"""A pause before pyramid_retry re-runs a request that lost a write conflict.

pyramid_retry re-runs at once. When one writer keeps committing to the same
object (a burst of saves, an import), the retried request, which must first
reload what the other wrote, starts the race again and loses again until its
attempts run out: measured on RelStorage with two app instances, 2 × 20 saves
of one account failed a request even with 10 immediate attempts. Exponential
back-off with jitter lets the loser outwait the burst, and keeps two losers
from retrying in lockstep. Only requests that conflicted ever wait.

A retried attempt gets a new request object and a (possibly different) ZODB
connection but the same WSGI environ, so nothing connection-bound may stay in
it: ``forget_attempt`` removes what a plugin may have cached there (the core
keeps its per-request caches on the request object).

Settings: ``lk.retry_backoff_ms`` (first pause, default 50) and
``lk.retry_backoff_max_ms`` (longest pause, default 1500); the number of
attempts is pyramid_retry's ``retry.attempts``.
"""
from __future__ import annotations

import logging
import random
import time

from persistent import Persistent

log = logging.getLogger(__name__)

#: environ keys that hold per-attempt state, dropped before every retry
PER_ATTEMPT_KEYS = ("lk.identity", "lk.principals")


def pause_seconds(attempt: int, base_ms: float, max_ms: float, rand=random.random) -> float:
    """Half the exponential step fixed, half random ("equal jitter")."""
    step = min(max_ms, base_ms * (2 ** attempt)) / 1000.0
    return step / 2 + rand() * step / 2


def backoff_before_retry(event):
    """``pyramid_retry.IBeforeRetry`` subscriber."""
    request = event.request
    settings = request.registry.settings
    attempt = request.environ.get("retry.attempt", 0)
    time.sleep(pause_seconds(attempt, float(settings.get("lk.retry_backoff_ms", 50)),
                             float(settings.get("lk.retry_backoff_max_ms", 1500))))


def _connection_bound(value, depth=0) -> bool:
    """Whether ``value`` is, or directly holds, a persistent object."""
    if isinstance(value, Persistent):
        return True
    if depth < 2:
        if isinstance(value, dict):
            return any(_connection_bound(k, depth + 1) or _connection_bound(v, depth + 1)
                       for k, v in list(value.items()))
        if isinstance(value, (list, tuple, set, frozenset)):
            return any(_connection_bound(v, depth + 1) for v in value)
    return False


def forget_attempt(event):
    """``pyramid_retry.IBeforeRetry`` subscriber: the discarded attempt's
    objects belong to its connection; a write to one in the next attempt
    would be lost (finding 5 of issue #9)."""
    environ = event.environ
    for key in [k for k, v in list(environ.items()) if k in PER_ATTEMPT_KEYS or _connection_bound(v)]:
        if key not in PER_ATTEMPT_KEYS:
            log.warning("dropping %r from the environ before a retry: it holds objects of the "
                        "discarded attempt's ZODB connection", key)
        del environ[key]
