"""Login throttling: after repeated failures an account, and separately an
address, must wait, the wait doubling with each further failure. Password
reset mails are limited per target and per client address.

Counts live in ZODB (so every app process sees them) and are written only
on failures and reset requests, never on a normal request. Each entry knows
when it expires; expired ones are pruned as new ones are written and by
``lk prune`` (``lk_platform/model/expiry.py``).
"""
from __future__ import annotations

from dataclasses import dataclass

from lk_platform.model import expiry
from lk_platform.util.dates import timestamp

#: failures allowed before waiting starts, per login and per client address
ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 20
BASE_DELAY = 30          # seconds after the first failure over the limit
MAX_DELAY = 15 * 60
WINDOW = 60 * 60         # failures older than this are forgotten

#: password reset: mails per target login, and requests per client address,
#: within RESET_WINDOW (settings ``lk.reset_mails_per_login``,
#: ``lk.reset_requests_per_address``)
RESET_MAILS_PER_LOGIN = 3
RESET_REQUESTS_PER_ADDRESS = 10
RESET_WINDOW = 60 * 60

STORE = "throttle"


@dataclass(frozen=True)
class Failures:
    count: int
    last: float

    @property
    def expires(self) -> float:
        return self.last + WINDOW


@dataclass(frozen=True)
class Counter:
    """``count`` events in the fixed window that began at ``start``."""
    count: int
    start: float

    @property
    def expires(self) -> float:
        return self.start + RESET_WINDOW


def _key(kind, value):
    return (kind, (value or "").lower())


def wait_seconds(platform, login: str, address: str, now: float | None = None) -> int:
    """Seconds to wait before another attempt is allowed (0: go ahead)."""
    now = timestamp() if now is None else now
    longest = 0
    for kind, value, limit in (("login", login, ACCOUNT_LIMIT), ("addr", address, ADDRESS_LIMIT)):
        entry = platform.throttle.get(_key(kind, value))
        if entry is None or now - entry.last > WINDOW or entry.count < limit:
            continue
        delay = min(MAX_DELAY, BASE_DELAY * 2 ** (entry.count - limit))
        longest = max(longest, int(entry.last + delay - now) + 1)
    return max(0, longest)


def record_failure(platform, login: str, address: str, now: float | None = None):
    now = timestamp() if now is None else now
    for kind, value in (("login", login), ("addr", address)):
        if not value:
            continue
        key = _key(kind, value)
        entry = platform.throttle.get(key)
        count = 1 if entry is None or now - entry.last > WINDOW else entry.count + 1
        expiry.put(platform, STORE, key, Failures(count, now), now)


def record_success(platform, login: str):
    expiry.remove(platform, STORE, _key("login", login))


def _counted(platform, key, now) -> int:
    entry = platform.throttle.get(key)
    return entry.count if isinstance(entry, Counter) and entry.expires > now else 0


def _count(platform, key, now) -> int:
    entry = platform.throttle.get(key)
    fresh = not isinstance(entry, Counter) or entry.expires <= now
    counter = Counter(1, now) if fresh else Counter(entry.count + 1, entry.start)
    expiry.put(platform, STORE, key, counter, now)
    return counter.count


def allow_reset_mail(platform, target: str, address: str, per_login: int = RESET_MAILS_PER_LOGIN,
                     per_address: int = RESET_REQUESTS_PER_ADDRESS, now: float | None = None) -> bool:
    """Count a password reset request from ``address`` for ``target`` (the
    login asked for, whether or not a user has it) and say whether a mail may
    go. The answer and the writes depend only on the counts, never on whether
    the target exists: an address may ask ``per_address`` times per window,
    and a target gets at most ``per_login`` mails per window."""
    now = timestamp() if now is None else now
    address_key = _key("reset-addr", address)
    if _counted(platform, address_key, now) >= per_address:
        return False
    _count(platform, address_key, now)
    target_key = _key("reset", target)
    if _counted(platform, target_key, now) >= per_login:
        return False
    _count(platform, target_key, now)
    return True
