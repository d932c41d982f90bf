"""Dates are timezone-aware and shown in the organisation's zone."""
from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

DEFAULT_TZ = ZoneInfo("Europe/Moscow")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def timestamp() -> float:
    """Unix seconds now: the one clock of the stores that expire (sessions,
    tokens, throttles). Tests pin it with time-machine."""
    return time.time()


def org_tz(organisation):
    return organisation.tz if organisation is not None else DEFAULT_TZ


def org_today(organisation) -> dt.date:
    """Today in the organisation's zone."""
    return utcnow().astimezone(org_tz(organisation)).date()


def format_date(value, organisation=None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.astimezone(org_tz(organisation)).date()
    return value.strftime("%d.%m.%Y")


def format_datetime(value, organisation=None) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        raise ValueError("naive datetime")
    return value.astimezone(org_tz(organisation)).strftime("%d.%m.%Y %H:%M")
