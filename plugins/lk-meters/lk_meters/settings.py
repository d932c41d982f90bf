"""The organisation's settings of the plugin (edited through the core's
settings page from :func:`.schemas.settings_schema`): a typed reader with
defaults, tolerant of values saved by an older version, and the resources
the organisation measures (the built-in ones and its own)."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import colander

from .vocabulary import RESOURCES, Resource

PLUGIN = "meters"


def _decimal(value):
    if value is None or value == "" or value is colander.null:
        return None
    try:
        found = Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        return None
    return found if found.is_finite() and found >= 0 else None


def _int_day(value):
    try:
        day = int(value)
    except (TypeError, ValueError):
        return None
    return day if 1 <= day <= 31 else None


@dataclass(frozen=True)
class MeterSettings:
    window_start: int | None = None                        # days of the month; None: open every day
    window_end: int | None = None
    ceilings: dict = field(default_factory=dict)           # resource code -> Decimal per month
    extra_resources: tuple[Resource, ...] = ()
    auto_accept: bool = False
    remind_window: bool = True
    remind_verification: bool = True
    verification_notice_days: int = 30


def meter_settings(organisation) -> MeterSettings:
    raw = organisation.plugin_settings(PLUGIN) if organisation is not None else {}
    start, end = _int_day(raw.get("window_start")), _int_day(raw.get("window_end"))
    if start is None or end is None:
        start = end = None
    ceilings = {}
    for code in RESOURCES:
        value = _decimal(raw.get("ceiling_" + code))
        if value:
            ceilings[code] = value
    extras = []
    for item in raw.get("extra_resources") or ():
        try:
            code, title, unit = str(item["code"]), str(item["title"]), str(item["unit"])
        except (KeyError, TypeError):
            continue
        if code in RESOURCES:
            continue
        extras.append(Resource(code, title, unit, title))
        ceiling = _decimal(item.get("ceiling"))
        if ceiling:
            ceilings[code] = ceiling
    days = raw.get("verification_notice_days")
    return MeterSettings(
        window_start=start, window_end=end, ceilings=ceilings, extra_resources=tuple(extras),
        auto_accept=bool(raw.get("auto_accept", False)), remind_window=bool(raw.get("remind_window", True)),
        remind_verification=bool(raw.get("remind_verification", True)),
        verification_notice_days=days if isinstance(days, int) and 1 <= days <= 365 else 30)


def resources_of(organisation) -> dict[str, Resource]:
    """The built-in resources plus the organisation's own (settings)."""
    found = dict(RESOURCES)
    if organisation is not None:
        for extra in meter_settings(organisation).extra_resources:
            found.setdefault(extra.code, extra)
    return found
