"""Server-side login sessions.

The signed session cookie only carries a random token; the token's digest
maps to a LoginSession in ZODB. Logging out (or blocking the user, or
resetting the password) deletes the entry, so a copied cookie stops working
at once. Entries are written at login and logout only; expired ones are
pruned as new ones are written and by ``lk prune`` (``model/expiry.py``).
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from lk_platform.model import expiry
from lk_platform.util.dates import timestamp

SESSION_KEY = "lk.login"
#: an absolute lifetime; idle expiry is the cookie's max_age
LIFETIME = 14 * 24 * 3600


@dataclass(frozen=True)
class LoginSession:
    login: str
    created: float
    address: str = ""

    @property
    def expires(self) -> float:
        return self.created + LIFETIME


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(request, platform, login: str) -> str:
    """Log ``login`` in: a fresh session (new id, new CSRF token) and a new
    server-side entry."""
    request.session.invalidate()
    token = secrets.token_urlsafe(32)
    now = timestamp()
    expiry.put(platform, "login_sessions", digest(token), LoginSession(login, now, request.client_addr or ""), now)
    request.session[SESSION_KEY] = token
    request.session.new_csrf_token()
    return token


def end(request, platform):
    token = request.session.get(SESSION_KEY)
    if token:
        expiry.remove(platform, "login_sessions", digest(token))
    request.session.invalidate()


def lookup(request, platform):
    """The LoginSession of the request, or None."""
    token = request.session.get(SESSION_KEY)
    if not token or not isinstance(token, str):
        return None
    entry = platform.login_sessions.get(digest(token))
    if entry is None or timestamp() - entry.created > LIFETIME:
        return None
    return entry


def end_all_for(platform, login: str):
    """Log a user out everywhere (blocked, password changed). A scan, but a
    rare staff action over a table that expired entries are pruned from."""
    now = timestamp()
    for key, entry in list(platform.login_sessions.items()):
        if entry.login == login or now - entry.created > LIFETIME:
            expiry.remove(platform, "login_sessions", key)
