"""Export of a period's accepted readings for the billing system: CSV in
UTF-8 or Windows-1251 and XML (lxml, declared encoding), and the reverse
path — the billing system's verdict per reading. Column headers and words
are in the language of the one who exports (``translate``; Russian
without it); XML names are fixed, for machines.

The file is written inside the request's transaction (readings are marked
``exported`` in the same transaction) to a spooled temporary file, which
the response then streams: memory stays flat for 200,000 rows and nothing
reads the database after the transaction ends.
"""
from __future__ import annotations

import csv
import io
import tempfile
from decimal import Decimal

from lxml import etree

from lk_platform.i18n import translate as russian
from lk_platform.util import periods
from lk_platform.util.streaming import SheetWriter

from .i18n import _
from .meters import meters_folder
from .readings import change, current, now_ts, period_index
from .vocabulary import SOURCES, STATUSES, SUBMITTERS

ENCODINGS = {"utf-8": "utf-8", "cp1251": "cp1251"}
#: Characters Windows-1251 lacks that units and names use.
CP1251_FALLBACK = str.maketrans({"³": "3", "²": "2", "·": "*", "\u2009": " ", "\u00a0": " "})
MAX_TARIFFS = 4


def exportable(organisation, period: int, include_exported: bool = False, **filters):
    """``[(meter, reading)]`` of the period's current readings to export."""
    index = period_index(organisation, period)
    folder = meters_folder(organisation)
    if index is None or folder is None:
        return []
    statuses = ("accepted", "exported") if include_exported else ("accepted",)
    out = []
    for status in statuses:
        for meter_id in index.ids(status=status, **filters):
            meter = folder.get(str(meter_id))
            reading = current(meter, period) if meter is not None else None
            if reading is not None and reading.status == status:
                out.append((meter, reading))
    out.sort(key=lambda mr: mr[0].id)
    return out


def mark_exported(organisation, rows, who: str) -> int:
    stamp = now_ts()
    count = 0
    for meter, reading in rows:
        if reading.status != "exported":
            change(organisation, meter, reading, status="exported", changed=stamp, changed_by=who)
            count += 1
    return count


def _value(value: Decimal, comma: bool = True) -> str:
    text = format(value, "f")
    return text.replace(".", ",") if comma else text


def _row(organisation, meter, reading, t):
    account = meter.account_object()
    res = meter.resource_info
    values = [_value(v) for v in reading.values] + [""] * (MAX_TARIFFS - len(reading.values))
    return [meter.account, account.address if account is not None else "", t(res.title), res.code,
            t(meter.unit_label), meter.__name__, meter.serial, str(meter.tariffs), periods.short(reading.period), *values,
            organisation.localize(reading.submitted_at).strftime("%d.%m.%Y %H:%M"),
            t(SOURCES.get(reading.source, reading.source)), t(SUBMITTERS.get(reading.by_kind, reading.by_kind)),
            t(STATUSES.get(reading.status, reading.status))]


HEADER = [_("Лицевой счёт"), _("Адрес"), _("Ресурс"), _("Код ресурса"), _("Единица"), _("ID счётчика"),
          _("Заводской номер"), _("Тарифов"), _("Период")] + [
    _("Показание ${n}", mapping={"n": n}) for n in range(1, MAX_TARIFFS + 1)] + [
    _("Дата передачи"), _("Источник"), _("Кто передал"), _("Статус")]


def write_csv(organisation, rows, encoding: str = "utf-8", translate=russian):
    """A temporary file with the CSV (``;``-separated, decimal comma; UTF-8
    with a BOM so Excel recognises it), in ``translate``'s language."""
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    buf = io.StringIO()
    writer = SheetWriter(buf)

    def flush():
        text = buf.getvalue()
        buf.seek(0)
        buf.truncate()
        if encoding == "cp1251":
            out.write(text.translate(CP1251_FALLBACK).encode("cp1251", errors="replace"))
        else:
            out.write(text.encode("utf-8"))

    if encoding == "utf-8":
        out.write(b"\xef\xbb\xbf")
    writer.writerow([translate(title) for title in HEADER])
    for n, (meter, reading) in enumerate(rows, 1):
        writer.writerow(_row(organisation, meter, reading, translate))
        if n % 1000 == 0:
            flush()
    flush()
    out.seek(0)
    return out


def write_xml(organisation, period: int, rows, encoding: str = "utf-8"):
    """A temporary file with the XML, written incrementally by lxml."""
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    xml_encoding = "windows-1251" if encoding == "cp1251" else "UTF-8"
    created = organisation.now().replace(microsecond=0).isoformat()
    with etree.xmlfile(out, encoding=xml_encoding) as xf:
        xf.write_declaration()
        attrs = {"organisation": organisation.slug, "inn": organisation.inn or "", "period": periods.iso(period),
                 "created": created, "count": str(len(rows))}
        with xf.element("MeterReadings", attrs):
            for meter, reading in rows:
                account = meter.account_object()
                el = etree.Element("Reading", {
                    "id": "%s-%d" % (meter.__name__, reading.key), "account": meter.account,
                    "meterId": meter.__name__, "serial": meter.serial, "resource": meter.resource,
                    "unit": meter.unit_label, "tariffs": str(meter.tariffs),
                    "submitted": organisation.localize(reading.submitted_at).isoformat(),
                    "source": reading.source, "submittedBy": reading.by_kind})
                if account is not None:
                    etree.SubElement(el, "Address").text = account.address
                for n, value in enumerate(reading.values, 1):
                    v = etree.SubElement(el, "Value", {"tariff": str(n)})
                    label = meter.tariff_label(n - 1)
                    if label:
                        v.set("name", russian(label))   # the tariff's name as on the meter
                    v.text = _value(value, comma=False)
                for warning in reading.warnings:
                    etree.SubElement(el, "Warning").text = warning
                xf.write(el)
    out.seek(0)
    return out


# -- the billing system's answer ---------------------------------------------

class BillingFileError(ValueError):
    pass


def read_billing_answers(organisation, data: bytes, translate=russian):
    """Parse a CSV ``ID счётчика;Период (ММ.ГГГГ);approved|declined;текст``.
    Every line is checked before any is applied: returns
    ``([(meter, reading, status, text)], [error messages])``, the messages
    in ``translate``'s language."""
    t = translate
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    folder = meters_folder(organisation)
    found, errors = [], []
    for lineno, row in enumerate(csv.reader(io.StringIO(text), delimiter=";"), 1):
        if not row or not any(c.strip() for c in row):
            continue
        if lineno == 1 and not row[0].strip().isdigit():
            continue  # a header line
        if len(row) < 3:
            errors.append(t(_("Строка ${line}: нужно не меньше трёх полей (ID счётчика; период; результат)",
                              mapping={"line": lineno})))
            continue
        meter_id, period_text, status = row[0].strip(), row[1].strip(), row[2].strip().lower()
        note = row[3].strip()[:500] if len(row) > 3 else ""
        meter = folder.get(meter_id) if folder is not None and meter_id.isdigit() else None
        period = periods.parse_or_none(period_text)
        if meter is None:
            errors.append(t(_("Строка ${line}: счётчик с ID «${id}» не найден",
                              mapping={"line": lineno, "id": meter_id[:20]})))
            continue
        if period is None:
            errors.append(t(_("Строка ${line}: период «${period}» не распознан (нужно ММ.ГГГГ)",
                              mapping={"line": lineno, "period": period_text[:20]})))
            continue
        status = {"approved": "approved", "принято": "approved", "declined": "declined",
                  "отклонено": "declined"}.get(status)
        if status is None:
            errors.append(t(_("Строка ${line}: результат должен быть approved или declined", mapping={"line": lineno})))
            continue
        reading = current(meter, period)
        if reading is None:
            errors.append(t(_("Строка ${line}: у счётчика ${id} нет показания за ${period}",
                              mapping={"line": lineno, "id": meter_id, "period": period_text})))
            continue
        found.append((meter, reading, status, note))
    return found, errors
