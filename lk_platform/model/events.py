"""Events the core fires; plugins react through the ``lk_handle_event`` hook.

:func:`lk_platform.plugins.notify.notify` hands them to the plugins enabled
for the organisation, inside the request's transaction.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ObjectAdded:
    object: Any
    content_type: str


@dataclass(frozen=True)
class ObjectModified:
    object: Any
    content_type: str
    changes: dict


@dataclass(frozen=True)
class ObjectRemoved:
    object: Any
    content_type: str


@dataclass(frozen=True)
class UserLoggedIn:
    user: Any


@dataclass(frozen=True)
class AccountLinked:
    user: Any
    account: Any
