"""colander types for what people type in Russian forms: decimal commas,
grouped thousands, dates as ДД.ММ.ГГГГ. Never silently rounded, never float."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import colander

from lk_platform.i18n import _


def _title(node):
    # A TranslationString title is translated inside the message's mapping
    # (lk_platform.i18n.localize, used by pages, forms and translate()).
    return node.title or node.name


class DecimalText(colander.Decimal):
    """A decimal number typed by a person: "12,5" and "1 234,56" are fine,
    "1e9", "NaN" and "абв" are refused, and so are more than ``places``
    digits after the comma (never rounded silently)."""

    def __init__(self, places=2, signed=False, integer_digits=12, quant=None):
        super().__init__()
        # Pads to a fixed number of places (48,5 -> 48.50); never rounds, since
        # ``places`` already refuses longer input.
        self.quantum = Decimal(quant) if quant else None
        self.places = places
        self.signed = signed
        sign = r"[-+−]?" if signed else r"\+?"
        whole = r"\d{1,%d}" % integer_digits
        self.pattern = re.compile(r"^%s%s(?:[.,]\d{1,%d})?$" % (sign, whole, places) if places else
                                  r"^%s%s$" % (sign, whole))

    def serialize(self, node, appstruct):
        if appstruct is colander.null or appstruct is None:
            return colander.null
        if not isinstance(appstruct, Decimal):
            raise colander.Invalid(node, _("«${field}»: не число", mapping={"field": _title(node)}))
        return format(appstruct, "f").replace(".", ",")

    def deserialize(self, node, cstruct):
        if cstruct is colander.null or cstruct is None:
            return colander.null
        text = str(cstruct).strip().replace("\u00a0", "").replace(" ", "").replace("\u202f", "")
        if not text:
            return colander.null
        if not self.pattern.match(text):
            if self.places and re.match(r"^[-+−]?\d+[.,]\d+$", text):
                msg = _("«${field}»: не больше ${n} знаков после запятой",
                        mapping={"field": _title(node), "n": self.places})
            elif not self.signed and text.startswith(("-", "−")):
                msg = _("«${field}»: не может быть отрицательным", mapping={"field": _title(node)})
            else:
                msg = _("«${field}»: введите число, например ${example}",
                        mapping={"field": _title(node), "example": "1234,56" if self.places else "12"})
            raise colander.Invalid(node, msg)
        try:
            value = Decimal(text.replace(",", ".").replace("−", "-"))
            return value.quantize(self.quantum) if self.quantum is not None else value
        except InvalidOperation:  # the pattern already excludes it
            raise colander.Invalid(node, _("«${field}»: введите число", mapping={"field": _title(node)}))


class DateText(colander.Date):
    """A date as <input type="date"> sends it (ГГГГ-ММ-ДД) or typed ДД.ММ.ГГГГ."""

    def deserialize(self, node, cstruct):
        if isinstance(cstruct, str) and re.match(r"^\d{1,2}\.\d{1,2}\.\d{4}$", cstruct.strip()):
            day, month, year = cstruct.strip().split(".")
            cstruct = "%s-%02d-%02d" % (year, int(month), int(day))
        try:
            return super().deserialize(node, cstruct)
        except colander.Invalid:
            raise colander.Invalid(node, _("«${field}»: неверная дата, например 05.11.2026",
                                           mapping={"field": _title(node)}))
