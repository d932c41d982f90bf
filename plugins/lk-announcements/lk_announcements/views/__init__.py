"""The plugin's pages: ``resident`` (the residents' announcements, the
e-mail preference, the public pages and document downloads without login)
and ``staff`` (the mailing page and what staff are told when they save an
announcement). The generated admin does the rest for staff."""
from __future__ import annotations

from lk_platform.cabinet import user_accounts

from ..models import MANAGE


def resident_accounts(request, organisation):
    """The accounts the person holds in ``organisation`` (none when anonymous)."""
    if request.user is None:
        return []
    return user_accounts(request).get(organisation, [])


def is_staff(request, context) -> bool:
    return bool(request.has_permission(MANAGE, context))
