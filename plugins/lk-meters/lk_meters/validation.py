"""Checking submitted values, with a clear message per field in the
submitter's language (``translate``: ``request.localizer.translate``;
Russian without it, e.g. for an importer).

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

from lk_platform.i18n import translate as russian
from lk_platform.util import periods

from .i18n import _
from .readings import Reading, previous

NUMBER = re.compile(r"^[0-9]+(?:[.,][0-9]+)?$")
MAX_LENGTH = 30
#: A counter that went "down" by rolling past its last digit is plausible
#: when the implied consumption is under this share of its capacity.
ROLLOVER_SHARE = Decimal("0.1")


class BadValue(ValueError):
    pass


def parse_value(text, int_digits: int, frac_digits: int, translate=russian) -> Decimal:
    """A reading typed by a person: digits with an optional decimal point or
    comma (``12,5``), spaces ignored. Raises :class:`BadValue` with the
    message to show, in ``translate``'s language."""
    t = translate
    raw = str(text if text is not None else "").strip().replace("\u00a0", "").replace(" ", "")
    if not raw:
        raise BadValue(t(_("Введите показание")))
    if len(raw) > MAX_LENGTH:
        raise BadValue(t(_("Слишком длинное значение: у счётчика ${n} ${digits} до запятой",
                           mapping={"n": int_digits, "digits": t(_digits(int_digits))})))
    if raw[0] in "-−" and NUMBER.match(raw[1:]):
        raise BadValue(t(_("Показание не может быть отрицательным")))
    if not NUMBER.match(raw):
        raise BadValue(t(_("Введите число цифрами, например 123,45 — без букв, пробелов внутри и знаков «e», «+»")))
    whole, _sep, frac = raw.replace(",", ".").partition(".")
    whole_digits = len(whole.lstrip("0") or "0")
    if whole_digits > int_digits:
        raise BadValue(t(_("У счётчика ${n} ${digits} до запятой, а введено ${entered}",
                           mapping={"n": int_digits, "digits": t(_digits(int_digits)), "entered": whole_digits})))
    frac = frac.rstrip("0")
    if len(frac) > frac_digits:
        if frac_digits == 0:
            raise BadValue(t(_("Счётчик показывает только целые числа: введите показание без дробной части")))
        raise BadValue(t(_("У счётчика ${n} ${digits} после запятой, а введено ${entered}",
                           mapping={"n": frac_digits, "digits": t(_digits(frac_digits)), "entered": len(frac)})))
    return Decimal(raw.replace(",", "."))


def _digits(n: int):
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
    """One meter's values in a submission, and what the checks found: the
    messages in ``translate``'s language (the submitter's), the warnings
    to store with the reading in Russian and, as shown to the submitter,
    in ``shown_warnings``."""
    meter: object
    texts: tuple                      # raw text per tariff, as posted
    period: int
    confirmed: bool = False
    translate: object = russian       # translation string -> text in the submitter's language
    values: tuple = ()
    errors: dict = field(default_factory=dict)   # tariff index (0-based) or None -> message
    warnings: list = field(default_factory=list)
    shown_warnings: list = field(default_factory=list)
    confirm: str = ""                 # the question the submitter must confirm

    @property
    def ok(self) -> bool:
        return not self.errors and (not self.confirm or self.confirmed)

    def error(self, message, tariff: int | None = None):
        """Note a problem (a translation string, or text already translated)."""
        self.errors.setdefault(tariff, self.translate(message))

    def warn(self, make):
        """Note a warning: ``make(translate)`` writes it in a language."""
        self.warnings.append(make(russian))
        self.shown_warnings.append(make(self.translate))

    def messages(self) -> list[str]:
        """Errors as full sentences naming the meter and the tariff."""
        t = self.translate
        labels = self.meter.tariff_labels
        out = []
        for tariff, message in sorted(self.errors.items(), key=lambda kv: -1 if kv[0] is None else kv[0]):
            where = self.meter.title(t)
            if tariff is not None and len(labels) > 1 and tariff < len(labels):
                where = t(_("${meter}, тариф «${tariff}»", mapping={"meter": where, "tariff": t(labels[tariff])}))
            out.append(t(_("${where}: ${message}", mapping={"where": where, "message": message})))
        return out


def consumption(previous_value: Decimal, value: Decimal, capacity: Decimal) -> tuple[Decimal, bool]:
    """Consumption between two readings and whether the counter rolled over."""
    if value >= previous_value:
        return value - previous_value, False
    return capacity - previous_value + value, True


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def check_entry(entry: Entry, organisation, today: dt.date, ceilings: dict, staff: bool = False) -> Entry:
    """Fill ``entry.values``, ``errors``, ``confirm`` and ``warnings``."""
    meter = entry.meter
    t = entry.translate
    if len(entry.texts) != meter.tariffs:
        words = _("тариф") if meter.tariffs == 1 else (_("тарифа") if meter.tariffs < 5 else _("тарифов"))
        mapping = {"n": meter.tariffs, "tariffs": t(words), "sent": len(entry.texts)}
        if meter.tariffs > 1:
            mapping["names"] = ", ".join(t(label) for label in meter.tariff_labels)
            entry.error(_("у счётчика ${n} ${tariffs} (${names}), а передано значений: ${sent}", mapping=mapping))
        else:
            entry.error(_("у счётчика ${n} ${tariffs}, а передано значений: ${sent}", mapping=mapping))
        return entry
    values = []
    for i, text in enumerate(entry.texts):
        try:
            values.append(parse_value(text, meter.int_digits, meter.frac_digits, t).quantize(meter.quantum))
        except BadValue as exc:
            entry.error(exc.args[0], i)
    if entry.errors:
        return entry
    entry.values = tuple(values)

    base: Reading | None = previous(meter, entry.period)
    if base is not None and len(base.values) == len(values):
        base_values, base_months = base.values, max(1, periods.between(base.period, entry.period))

        def base_when(t):
            return t(_("за ${period}", mapping={"period": periods.label(base.period, t)}))
    else:
        base_values = meter.initial_values
        base_months = max(1, periods.between(periods.of_date(meter.installed), entry.period)) \
            if meter.installed else None

        def base_when(t):
            return t(_("начальное показание счётчика"))
    total = Decimal(0)
    lower = []   # questions for staff, each a function of the language
    for i, (value, before) in enumerate(zip(values, base_values)):
        used, rolled = consumption(before, value, meter.capacity)
        if rolled and used > meter.capacity * ROLLOVER_SHARE:
            numbers = {"value": format_number(value), "before": format_number(before, meter.quantum)}
            if staff:
                lower.append(lambda t, numbers=numbers: t(_("показание ${value} меньше предыдущего: ${before} (${when})",
                                                            mapping=dict(numbers, when=base_when(t)))))
            else:
                entry.error(_("показание ${value} меньше предыдущего: ${before} (${when}). Если счётчик заменили "
                              "или показание было передано с ошибкой, сообщите в организацию",
                              mapping=dict(numbers, when=base_when(t))), i)
            used = Decimal(0)
        total += used
    if entry.errors:
        return entry

    questions = list(lower)
    ceiling = ceilings.get(meter.resource)
    if ceiling and base_months is not None and total > ceiling * base_months:
        numbers = {"used": format_number(total, meter.quantum), "months": base_months, "ceiling": format_number(ceiling)}
        questions.append(lambda t: t(_("расход ${used} ${unit} за ${months} мес. больше обычного предела (${ceiling} "
                                       "${unit} в месяц)", mapping=dict(numbers, unit=t(meter.unit_label)))))
    if questions:
        def asked(t):
            return "; ".join(question(t) for question in questions)
        entry.confirm = asked(t)
        if entry.confirmed:
            entry.warn(lambda t: _capitalised(t(_("${question} — подтверждено при передаче",
                                                  mapping={"question": asked(t)}))))

    if meter.status == "archived":
        entry.warn(lambda t: t(_("Счётчик в архиве (выведен из эксплуатации)")))
    elif meter.status == "replaced":
        entry.warn(lambda t: t(_("Счётчик заменён на счётчик ID ${id}", mapping={"id": meter.replaced_by})
                               if meter.replaced_by else _("Счётчик заменён")))
    if meter.verification_expired(today):
        expired = meter.next_verification.strftime("%d.%m.%Y")
        entry.warn(lambda t: t(_("Срок поверки истёк ${date}", mapping={"date": expired})))
    return entry
