"""Events this plugin fires through :func:`lk_platform.plugins.notify.notify`, so
other plugins (SMS, messengers, statistics) can react in ``lk_handle_event``
without importing this one: match on the class name or the attributes."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class AppealOpened:
    appeal: Any


@dataclass(frozen=True)
class AppealAnswered:
    """A public staff answer (never a staff note)."""
    appeal: Any
    message: Any


@dataclass(frozen=True)
class AppealStatusChanged:
    appeal: Any
    old: str
    new: str
