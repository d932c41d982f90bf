"""Payment QR codes in the "ST00012" format of GOST R 56042-2014.

The text is ``ST0001`` + an encoding digit + a separator + ``Key=Value``
pairs joined by that separator. The standard has no escaping: a value may
not contain the separator, so when one does (a payee named "ООО «A|B»") we
pick another separator that occurs in no value, as the standard asks.
"""
from __future__ import annotations

import functools
import io
import re
from decimal import Decimal
from typing import Mapping

from .i18n import _

HEADER = "ST0001"
#: encoding digit -> Python codec
ENCODINGS = {"1": "cp1251", "2": "utf-8", "3": "koi8-r"}
#: separator candidates, the usual one first; none is a letter, digit or '='
SEPARATORS = "|#;^~@!$%&*+:/\\_"
#: required keys, in the order the standard lists them
REQUIRED = ("Name", "PersonalAcc", "BankName", "BIC", "CorrespAcc")
#: maximum lengths the standard gives for the keys we write
MAX_LENGTH = {"Name": 160, "PersonalAcc": 20, "BankName": 45, "BIC": 9, "CorrespAcc": 20,
              "PayeeINN": 12, "KPP": 9, "Purpose": 210, "PersAcc": 30, "PaymPeriod": 7,
              "PayerAddress": 210, "LastName": 60, "TechCode": 2, "Sum": 18, "AddAmount": 18}
_DIGITS = {"PersonalAcc": (20,), "BIC": (9,), "CorrespAcc": (20,), "PayeeINN": (10, 12), "KPP": (9,)}
_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
_SPACES = re.compile(r"\s+")


class PaymentQRError(ValueError):
    """The fields cannot make a valid payment QR code: ``str()`` is the
    Russian message, ``message`` the same as a translation string (for the
    reader's language)."""

    def __init__(self, message):
        super().__init__(message.interpolate())
        self.message = message


def _clean(value) -> str:
    # Line breaks would split the text in some readers; the standard's values are single-line.
    return _SPACES.sub(" ", str(value)).strip()


def _amount(key, value) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise PaymentQRError(_("${key}: сумма в копейках должна быть целым числом", mapping={"key": key}))
    if isinstance(value, Decimal) and value != value.to_integral_value():
        raise PaymentQRError(_("${key}: сумма в копейках должна быть целым числом", mapping={"key": key}))
    if value < 0:
        raise PaymentQRError(_("${key}: сумма не может быть отрицательной", mapping={"key": key}))
    return str(int(value))


def normalise(fields: Mapping[str, object]) -> dict:
    """Checked, cleaned values in the standard's order; empty optional ones dropped."""
    out = {}
    for key in REQUIRED:
        value = _clean(fields.get(key) or "")
        if not value:
            raise PaymentQRError(_("Не заполнен обязательный реквизит ${key}", mapping={"key": key}))
        out[key] = value
    for key, value in fields.items():
        if key in REQUIRED:
            continue
        if not _KEY.match(key):
            raise PaymentQRError(_("Недопустимое имя реквизита ${key}", mapping={"key": repr(key)}))
        if value is None or value == "":
            continue
        out[key] = _amount(key, value) if key in ("Sum", "AddAmount") else _clean(value)
    for key, value in out.items():
        if key in _DIGITS and (not value.isdigit() or len(value) not in _DIGITS[key]):
            count = _DIGITS[key]
            raise PaymentQRError(_("${key}: нужно ${count} цифр", mapping={"key": key, "count": count[0]})
                                 if len(count) == 1 else _("${key}: нужно ${count} или ${other} цифр", mapping={
                                     "key": key, "count": count[0], "other": count[1]}))
        limit = MAX_LENGTH.get(key)
        if limit and len(value) > limit:
            if key in ("Name", "Purpose", "PayerAddress", "BankName"):
                out[key] = value[:limit].rstrip()
            else:
                raise PaymentQRError(_("${key}: не длиннее ${limit} знаков", mapping={"key": key, "limit": limit}))
    return out


def choose_separator(values) -> str:
    for candidate in SEPARATORS:
        if not any(candidate in value for value in values):
            return candidate
    raise PaymentQRError(_("Не удалось выбрать разделитель: каждый допустимый символ встречается в реквизитах"))


def build(fields: Mapping[str, object], encoding: str = "2") -> str:
    """The QR text for ``fields`` (``Sum`` and ``AddAmount`` in kopecks, int)."""
    if encoding not in ENCODINGS:
        raise PaymentQRError(_("Неизвестная кодировка ${encoding}", mapping={"encoding": repr(encoding)}))
    values = normalise(fields)
    separator = choose_separator(values.values())
    text = HEADER + encoding + separator + separator.join("%s=%s" % kv for kv in values.items())
    try:
        text.encode(ENCODINGS[encoding])
    except UnicodeEncodeError as exc:
        raise PaymentQRError(_("Символ ${char} не представим в кодировке ${encoding}", mapping={
            "char": repr(exc.object[exc.start]), "encoding": ENCODINGS[encoding]}))
    return text


def payload(fields: Mapping[str, object], encoding: str = "2") -> bytes:
    """The bytes a QR code carries (byte mode, no ECI, as bank apps expect)."""
    return build(fields, encoding).encode(ENCODINGS[encoding])


def parse(data) -> dict:
    """``{key: value}`` from a QR text or its bytes; raises PaymentQRError."""
    if isinstance(data, (bytes, bytearray)):
        head = bytes(data[:8]).decode("ascii", errors="replace")
        if not head.startswith(HEADER) or len(head) < 8 or head[6] not in ENCODINGS:
            raise PaymentQRError(_("Это не платёжный QR-код ST0001"))
        data = bytes(data).decode(ENCODINGS[head[6]])
    text = str(data)
    if not text.startswith(HEADER) or len(text) < 8 or text[6] not in ENCODINGS:
        raise PaymentQRError(_("Это не платёжный QR-код ST0001"))
    separator = text[7]
    out = {}
    for part in text[8:].split(separator):
        key, eq, value = part.partition("=")
        if not eq or not _KEY.match(key):
            raise PaymentQRError(_("Испорченная пара ${pair}", mapping={"pair": repr(part[:40])}))
        out[key] = value
    missing = [k for k in REQUIRED if not out.get(k)]
    if missing:
        raise PaymentQRError(_("Нет обязательных реквизитов: ${keys}", mapping={"keys": ", ".join(missing)}))
    return out


@functools.lru_cache(maxsize=256)
def png(data: bytes, scale: int = 6) -> bytes:
    """A PNG of the QR code for ``data`` (error correction M, as the standard recommends).
    Cached: the HTML receipt and its PDF carry the same code, and choosing the
    mask in pure Python costs tens of milliseconds."""
    import segno
    code = segno.make(data, error="m", micro=False, boost_error=False)
    out = io.BytesIO()
    code.save(out, kind="png", scale=scale, border=4)
    return out.getvalue()
