"""The period report: appeals created in a date range, with times to the
first answer and to resolution, as CSV for Excel (semicolons, decimal
commas, UTF-8 with BOM or Windows-1251). Streamed in pages from the created
index. Staff notes are never part of it."""
from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import transaction

from lk_platform.dates import format_datetime

from .queue import period_query

COLUMNS = ("№", "Создано", "Лицевой счёт", "Адрес", "Житель", "Категория", "Тема", "Статус", "Исполнитель",
           "Первый ответ", "До первого ответа, раб. ч", "Срок первого ответа", "Первый ответ в срок",
           "Решено", "До решения, раб. дн.", "Срок решения", "Решено в срок", "Сообщений", "Оценка",
           "Комментарий к оценке")
BATCH = 500


def period_bounds(organisation, first: dt.date, last: dt.date):
    """``[start, end)`` in UTC for whole local days ``first``..``last``."""
    tz = organisation.tz
    start = dt.datetime.combine(first, dt.time(0), tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    return start.astimezone(dt.timezone.utc), end.astimezone(dt.timezone.utc)


def _number(value: Decimal | None) -> str:
    return "" if value is None else format(value, "f").replace(".", ",")


def _cell(value) -> str:
    """Text as Excel will not run it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _yes_no(done, due):
    if done is None or due is None:
        return ""
    return "да" if done <= due else "нет"


def row(appeal, organisation, calendar, names):
    """``names`` maps staff logins and ``role:<name>`` to what to show."""
    org = organisation
    first = appeal.first_answer_at
    resolved = appeal.resolved_at
    return [
        appeal.number, format_datetime(appeal.created, org), appeal.account, appeal.account_address,
        appeal.author_name, appeal.category_title, appeal.subject, appeal.status_title,
        names.get(appeal.assignee, appeal.assignee) if appeal.assignee else
        names.get("role:" + appeal.assignee_role, appeal.assignee_role),
        format_datetime(first, org) if first else "",
        _number(calendar.work_hours_between(appeal.created, first)) if first else "",
        format_datetime(appeal.due_first, org) if appeal.due_first else "",
        _yes_no(first, appeal.due_first),
        format_datetime(resolved, org) if resolved else "",
        _number(calendar.work_days_between(appeal.created, resolved)) if resolved else "",
        format_datetime(appeal.due_resolution, org) if appeal.due_resolution else "",
        _yes_no(resolved, appeal.due_resolution),
        appeal.message_count(), appeal.rating or "", appeal.rating_comment,
    ]


class _Zone:
    """Just the time zone, for formatting (no persistent object outlives the view)."""

    def __init__(self, tz):
        self.tz = tz


def stream(db, folder_oid, tz, calendar, start, end, staff_names, encoding="utf-8"):
    """Yield the CSV in encoded chunks, oldest appeal first.

    The response body is read after the request's ZODB connection is closed,
    so the rows come from a connection of their own, opened and closed here.
    """
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";")
    zone = _Zone(tz)

    def flush(bom=False):
        data = buf.getvalue().encode(encoding, errors="replace")
        buf.seek(0)
        buf.truncate()
        return (b"\xef\xbb\xbf" + data) if bom else data

    writer.writerow(COLUMNS)
    yield flush(bom=encoding == "utf-8")
    tm = transaction.TransactionManager()
    conn = db.open(tm)
    try:
        folder = conn.get(folder_oid)
        docids = period_query(folder, start, end).execute().ids
        ordered = list(folder.catalog["f_created"].sort(docids, raise_unsortable=False)) if docids else []
        for offset in range(0, len(ordered), BATCH):
            for docid in ordered[offset:offset + BATCH]:
                appeal = folder.resolve(docid)
                writer.writerow([_cell(v) for v in row(appeal, zone, calendar, staff_names)])
            yield flush()
            conn.cacheGC()
    finally:
        tm.abort()
        conn.close()
