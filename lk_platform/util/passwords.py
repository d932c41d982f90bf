"""Password hashing (argon2id at the OWASP minimum) and the password policy
(OWASP ASVS level 2: 12–128 characters, not a known common password)."""
from __future__ import annotations

import functools
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from lk_platform.i18n import _

MIN_LENGTH = 12
MAX_LENGTH = 128

# OWASP's minimum for argon2id: 19 MiB, 2 iterations, 1 lane.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Verified against when the login is unknown, so timing does not tell.
_DUMMY = _hasher.hash("dummy password for timing")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY, password) and bool(stored)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    try:
        return _hasher.check_needs_rehash(stored)
    except InvalidHashError:
        return True


@functools.cache
def common_passwords() -> frozenset:
    """zxcvbn's list of leaked passwords plus our own list of passwords common
    in Russian-speaking countries (keyboard walks in both layouts)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS
    words = set(FREQUENCY_LISTS.get("passwords", ()))
    text = resources.files("lk_platform").joinpath("data/common-passwords.txt").read_text("utf-8")
    words.update(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))
    return frozenset(words)


def password_problems(password: str, login: str = "", name: str = "") -> list:
    """Translatable reasons the password is refused (empty when it is fine)."""
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        return [_("Пароль должен быть не короче ${n} символов", mapping={"n": MIN_LENGTH})]
    if len(password) > MAX_LENGTH:
        return [_("Пароль должен быть не длиннее ${n} символов", mapping={"n": MAX_LENGTH})]
    lowered = password.lower()
    if lowered in common_passwords() or len(set(lowered)) <= 2:
        return [_("Этот пароль слишком распространён, выберите другой")]
    if login and len(login) >= 4 and login.lower() in lowered:
        return [_("Пароль не должен содержать логин")]
    return []
