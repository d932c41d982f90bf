"""Checking submitted values, with a clear Russian message per field.

Three outcomes per meter: an **error** (nothing is saved), a question that
needs **confirmation** (consumption above the organisation's ceiling; for
staff also a value below the previous one), or **warnings** stored with the
reading (archived meter, verification overdue, confirmed consumption).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from .i18n import Joined as _list
from .i18n import _
from .periods import months_between, period_title
from .readings import Reading, previous

NUMBER = re.compile(r"^[0-9]+(?:[.,][0-9]+)?$")
MAX_LENGTH = 30
#: A counter that went "down" by rolling past its last digit is plausible
#: when the implied consumption is under this share of its capacity.
ROLLOVER_SHARE = Decimal("0.1")


class BadValue(ValueError):
    pass


def parse_value(text, int_digits: int, frac_digits: int) -> Decimal:
    """A reading typed by a person: digits with an optional decimal point or
    comma (``12,5``), spaces ignored. Raises :class:`BadValue` with the
    message to show."""
    raw = str(text if text is not None else "").strip().replace("\u00a0", "").replace(" ", "")
    if not raw:
        raise BadValue(_("Введите показание"))
    if len(raw) > MAX_LENGTH:
        raise BadValue(_("Слишком длинное значение: у счётчика ${n} ${digits} до запятой",
                         mapping={"n": int_digits, "digits": _digits(int_digits)}))
    if raw[0] in "-−" and NUMBER.match(raw[1:]):
        raise BadValue(_("Показание не может быть отрицательным"))
    if not NUMBER.match(raw):
        raise BadValue(_("Введите число цифрами, например 123,45 — без букв, пробелов внутри и знаков «e», «+»"))
    whole, _sep, frac = raw.replace(",", ".").partition(".")
    whole_digits = len(whole.lstrip("0") or "0")
    if whole_digits > int_digits:
        raise BadValue(_("У счётчика ${n} ${digits} до запятой, а введено ${entered}",
                         mapping={"n": int_digits, "digits": _digits(int_digits), "entered": whole_digits}))
    frac = frac.rstrip("0")
    if len(frac) > frac_digits:
        if frac_digits == 0:
            raise BadValue(_("Счётчик показывает только целые числа: введите показание без дробной части"))
        raise BadValue(_("У счётчика ${n} ${digits} после запятой, а введено ${entered}",
                         mapping={"n": frac_digits, "digits": _digits(frac_digits), "entered": len(frac)}))
    return Decimal(raw.replace(",", "."))


def _digits(n: int) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return _("цифра")
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return _("цифры")
    return _("цифр")


def format_number(value: Decimal, quantum: Decimal | None = None) -> str:
    if quantum is not None:
        value = value.quantize(quantum)
    return format(value, "f").replace(".", ",")


@dataclass
class Entry:
    """One meter's values in a submission, and what the checks found."""
    meter: object
    texts: tuple                      # raw text per tariff, as posted
    period: int
    confirmed: bool = False
    values: tuple = ()
    errors: dict = field(default_factory=dict)   # tariff index (0-based) or None -> message
    warnings: list = field(default_factory=list)
    confirm: str = ""                 # the question the submitter must confirm

    @property
    def ok(self) -> bool:
        return not self.errors and (not self.confirm or self.confirmed)

    def error(self, message: str, tariff: int | None = None):
        self.errors.setdefault(tariff, message)

    def messages(self) -> list[str]:
        """Errors as full sentences naming the meter and the tariff."""
        labels = self.meter.tariff_labels
        out = []
        for tariff, message in sorted(self.errors.items(), key=lambda kv: -1 if kv[0] is None else kv[0]):
            where = self.meter.display_title
            if tariff is not None and len(labels) > 1 and tariff < len(labels):
                where = _("${meter}, тариф «${tariff}»", mapping={"meter": where, "tariff": labels[tariff]})
            out.append(_("${where}: ${message}", mapping={"where": where, "message": message}))
        return out


def consumption(previous_value: Decimal, value: Decimal, capacity: Decimal) -> tuple[Decimal, bool]:
    """Consumption between two readings and whether the counter rolled over."""
    if value >= previous_value:
        return value - previous_value, False
    return capacity - previous_value + value, True


def check_entry(entry: Entry, organisation, today: dt.date, ceilings: dict, staff: bool = False) -> Entry:
    """Fill ``entry.values``, ``errors``, ``confirm`` and ``warnings``."""
    meter = entry.meter
    if len(entry.texts) != meter.tariffs:
        words = _("тариф") if meter.tariffs == 1 else (_("тарифа") if meter.tariffs < 5 else _("тарифов"))
        mapping = {"n": meter.tariffs, "tariffs": words, "sent": len(entry.texts)}
        if meter.tariffs > 1:
            mapping["names"] = _list(meter.tariff_labels)
            entry.error(_("у счётчика ${n} ${tariffs} (${names}), а передано значений: ${sent}", mapping=mapping))
        else:
            entry.error(_("у счётчика ${n} ${tariffs}, а передано значений: ${sent}", mapping=mapping))
        return entry
    values = []
    for i, text in enumerate(entry.texts):
        try:
            values.append(parse_value(text, meter.int_digits, meter.frac_digits).quantize(meter.quantum))
        except BadValue as exc:
            entry.error(exc.args[0], i)
    if entry.errors:
        return entry
    entry.values = tuple(values)

    base: Reading | None = previous(meter, entry.period)
    if base is not None and len(base.values) == len(values):
        base_values, base_when, base_months = base.values, _("за ${period}", mapping={
            "period": period_title(base.period)}), \
            max(1, months_between(base.period, entry.period))
    else:
        base_values, base_when = meter.initial_values, _("начальное показание счётчика")
        base_months = max(1, months_between(meter.installed.year * 100 + meter.installed.month, entry.period)) \
            if meter.installed else None
    total = Decimal(0)
    lower = []
    for i, (value, before) in enumerate(zip(values, base_values)):
        used, rolled = consumption(before, value, meter.capacity)
        if rolled and used > meter.capacity * ROLLOVER_SHARE:
            mapping = {"value": format_number(value), "before": format_number(before, meter.quantum),
                       "when": base_when}
            if staff:
                lower.append(_("показание ${value} меньше предыдущего: ${before} (${when})", mapping=mapping))
            else:
                entry.error(_("показание ${value} меньше предыдущего: ${before} (${when}). Если счётчик заменили "
                              "или показание было передано с ошибкой, сообщите в организацию", mapping=mapping), i)
            used = Decimal(0)
        total += used
    if entry.errors:
        return entry

    questions = []
    if lower:
        questions.extend(lower)
    ceiling = ceilings.get(meter.resource)
    if ceiling and base_months is not None and total > ceiling * base_months:
        questions.append(_("расход ${used} ${unit} за ${months} мес. больше обычного предела (${ceiling} ${unit} "
                           "в месяц)", mapping={"used": format_number(total, meter.quantum), "unit": meter.unit_label,
                                                "months": base_months, "ceiling": format_number(ceiling)}))
    if questions:
        entry.confirm = _list(questions, "; ")
        if entry.confirmed:
            entry.warnings.append(_("${question} — подтверждено при передаче", mapping={"question": entry.confirm},
                                    ).capitalised())

    if meter.status == "archived":
        entry.warnings.append(_("Счётчик в архиве (выведен из эксплуатации)"))
    elif meter.status == "replaced":
        entry.warnings.append(_("Счётчик заменён на счётчик ID ${id}", mapping={"id": meter.replaced_by})
                              if meter.replaced_by else _("Счётчик заменён"))
    if meter.verification_expired(today):
        entry.warnings.append(_("Срок поверки истёк ${date}", mapping={
            "date": meter.next_verification.strftime("%d.%m.%Y")}))
    return entry

