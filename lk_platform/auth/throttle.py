"""Login throttling: after repeated failures an account, and separately an
address, must wait, the wait doubling with each further failure.

Counts live in ZODB (so every app process sees them) and are written only
on failures, never on a normal request.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

#: failures allowed before waiting starts, per login and per client address
ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 20
BASE_DELAY = 30          # seconds after the first failure over the limit
MAX_DELAY = 15 * 60
WINDOW = 60 * 60         # failures older than this are forgotten


@dataclass(frozen=True)
class Failures:
    count: int
    last: float


def _key(kind, value):
    return (kind, (value or "").lower())


def wait_seconds(platform, login: str, address: str, now: float | None = None) -> int:
    """Seconds to wait before another attempt is allowed (0: go ahead)."""
    now = time.time() if now is None else now
    longest = 0
    for kind, value, limit in (("login", login, ACCOUNT_LIMIT), ("addr", address, ADDRESS_LIMIT)):
        entry = platform.throttle.get(_key(kind, value))
        if entry is None or now - entry.last > WINDOW or entry.count < limit:
            continue
        delay = min(MAX_DELAY, BASE_DELAY * 2 ** (entry.count - limit))
        longest = max(longest, int(entry.last + delay - now) + 1)
    return max(0, longest)


def record_failure(platform, login: str, address: str, now: float | None = None):
    now = time.time() if now is None else now
    for kind, value in (("login", login), ("addr", address)):
        if not value:
            continue
        key = _key(kind, value)
        entry = platform.throttle.get(key)
        count = 1 if entry is None or now - entry.last > WINDOW else entry.count + 1
        platform.throttle[key] = Failures(count, now)


def record_success(platform, login: str):
    platform.throttle.pop(_key("login", login), None)
