"""Money: integer kopecks inside, ``Decimal`` outside, and its display in
pages. Integer arithmetic only: the history table formats hundreds of
amounts per request, and this is several times faster than going through
Decimal (same output as the core's ``format_money``)."""
from __future__ import annotations

from decimal import Decimal

NBSP = "\u00a0"


def money(kopecks: int) -> Decimal:
    return Decimal(kopecks).scaleb(-2)


def kopecks(value) -> int:
    """Decimal (already validated, at most 2 places) -> int kopecks."""
    value = Decimal(value)
    result = value.scaleb(2)
    if result != result.to_integral_value():
        raise ValueError("more than two decimal places: %s" % value)
    return int(result)


def rub(kopecks, sign_plus: bool = False) -> str:
    """``123456`` -> ``1 234,56 ₽`` (non-breaking spaces, minus sign −)."""
    if kopecks is None:
        return ""
    if isinstance(kopecks, Decimal):
        kopecks = int(kopecks.scaleb(2).to_integral_value())
    sign = "−" if kopecks < 0 else ("+" if sign_plus and kopecks > 0 else "")
    whole, frac = divmod(abs(kopecks), 100)
    return "%s%s,%02d%s₽" % (sign, format(whole, ",").replace(",", NBSP), frac, NBSP)


def number(value) -> str:
    """A Decimal volume or tariff with a decimal comma, trailing zeros kept as entered."""
    if value is None:
        return ""
    return format(value, "f").replace(".", ",")
