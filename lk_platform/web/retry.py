"""A pause before pyramid_retry re-runs a request that lost a write conflict.

pyramid_retry re-runs at once. When one writer keeps committing to the same
object (a burst of saves, an import), the retried request, which must first
reload what the other wrote, starts the race again and loses again until its
attempts run out: measured on RelStorage with two app instances, 2 × 20 saves
of one account failed a request even with 10 immediate attempts. Exponential
back-off with jitter lets the loser outwait the burst, and keeps two losers
from retrying in lockstep. Only requests that conflicted ever wait.

Settings: ``lk.retry_backoff_ms`` (first pause, default 50) and
``lk.retry_backoff_max_ms`` (longest pause, default 1500); the number of
attempts is pyramid_retry's ``retry.attempts``.
"""
from __future__ import annotations

import random
import time


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
