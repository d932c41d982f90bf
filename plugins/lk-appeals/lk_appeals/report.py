"""The period report: appeals created in a date range, with times to the
first answer and to resolution, as CSV for Excel (semicolons, decimal
commas, UTF-8 with BOM or Windows-1251). Streamed in pages from the created
index through the core's :mod:`lk_platform.util.streaming` (its own connection,
formula escaping). Staff notes are never part of it.

The header, statuses, "yes"/"no" and the plugin's own category titles are
written in the reader's language through ``translate`` (the view passes the
core's out-of-request translator: rows are written after it returned)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from lk_platform.i18n import translate as russian
from lk_platform.util.dates import format_datetime
from lk_platform.util.streaming import csv_response

from .i18n import _
from .queue import period_query

COLUMNS = (_("№"), _("Создано"), _("Лицевой счёт"), _("Адрес"), _("Житель"), _("Категория"), _("Тема"),
           _("Статус"), _("Исполнитель"), _("Первый ответ"), _("До первого ответа, раб. ч"),
           _("Срок первого ответа"), _("Первый ответ в срок"), _("Решено"), _("До решения, раб. дн."),
           _("Срок решения"), _("Решено в срок"), _("Сообщений"), _("Оценка"), _("Комментарий к оценке"))
YES, NO = _("да"), _("нет")


def period_bounds(organisation, first: dt.date, last: dt.date):
    """``[start, end)`` in UTC for whole local days ``first``..``last``."""
    tz = organisation.tz
    start = dt.datetime.combine(first, dt.time(0), tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    return start.astimezone(dt.timezone.utc), end.astimezone(dt.timezone.utc)


def _number(value: Decimal | None) -> str:
    return "" if value is None else format(value, "f").replace(".", ",")


def _yes_no(done, due):
    if done is None or due is None:
        return ""
    return YES if done <= due else NO


def row(appeal, organisation, calendar, names, translate=russian):
    """``names`` maps staff logins and ``role:<name>`` to what to show;
    ``translate`` turns the plugin's texts into the reader's language."""
    org = organisation
    first = appeal.first_answer_at
    resolved = appeal.resolved_at
    return [
        appeal.number, format_datetime(appeal.created, org), appeal.account, appeal.account_address,
        appeal.author_name, translate(appeal.category_label), appeal.subject, translate(appeal.status_title),
        names.get(appeal.assignee, appeal.assignee) if appeal.assignee else
        names.get("role:" + appeal.assignee_role, appeal.assignee_role),
        format_datetime(first, org) if first else "",
        _number(calendar.work_hours_between(appeal.created, first)) if first else "",
        format_datetime(appeal.due_first, org) if appeal.due_first else "",
        translate(_yes_no(first, appeal.due_first)),
        format_datetime(resolved, org) if resolved else "",
        _number(calendar.work_days_between(appeal.created, resolved)) if resolved else "",
        format_datetime(appeal.due_resolution, org) if appeal.due_resolution else "",
        translate(_yes_no(resolved, appeal.due_resolution)),
        appeal.message_count(), appeal.rating or "", appeal.rating_comment,
    ]


class _Zone:
    """Just the time zone, for formatting (no persistent object outlives the view)."""

    def __init__(self, tz):
        self.tz = tz


def report_response(folder, tz, calendar, start, end, staff_names, filename, encoding="utf-8", translate=russian):
    """The CSV of appeals created in ``[start, end)``, oldest first, as a
    streamed response (rows read after the view has returned)."""
    zone = _Zone(tz)

    def rows(own_folder):
        docids = period_query(own_folder, start, end).execute().ids
        if not docids:
            return
        for docid in own_folder.catalog["f_created"].sort(docids, raise_unsortable=False):
            yield row(own_folder.resolve(docid), zone, calendar, staff_names, translate)

    return csv_response(folder, filename, [translate(c) for c in COLUMNS], rows, encoding)
