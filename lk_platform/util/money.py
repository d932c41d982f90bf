"""Money is Decimal, never float: parsing (decimal comma accepted) and display."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

KOPECK = Decimal("0.01")


def to_money(value) -> Decimal:
    """Decimal rounded to kopecks; raises ValueError on anything else."""
    if isinstance(value, float):
        raise TypeError("money must not be float")
    if isinstance(value, str):
        value = value.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        result = Decimal(value)
    except (InvalidOperation, TypeError):
        raise ValueError("not an amount: %r" % (value,))
    if not result.is_finite():
        raise ValueError("not an amount: %r" % (value,))
    return result.quantize(KOPECK, rounding=ROUND_HALF_UP)


def to_kopecks(value: Decimal) -> int:
    return int((to_money(value) * 100).to_integral_value())


def format_money(value, locale: str = "ru") -> str:
    if value is None:
        return ""
    value = to_money(value)
    sign = "−" if value < 0 else ""
    whole, _, frac = f"{abs(value):.2f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    if locale == "en":
        return sign + ",".join(groups) + "." + frac + " ₽"
    nbsp = "\u00a0"
    return sign + nbsp.join(groups) + "," + frac + nbsp + "₽"
