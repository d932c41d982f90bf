"""CSV for spreadsheets: the one guarded writer, and streamed downloads
that keep memory flat.

Every CSV the platform writes goes through :class:`SheetWriter`, which
neutralises cells a spreadsheet would run as a formula (CSV injection); a
test fails on any other ``csv.writer`` in the core or a bundled plugin.

A streamed body is read after pyramid_zodbconn has closed the request's
connection, so rows come from a connection of their own, opened here,
garbage-collected between batches and closed at the end.
"""
from __future__ import annotations

import csv
import io

import transaction
from pyramid.response import Response

#: cells starting with these are formulas to spreadsheet programs
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA) and not _is_number(text):
        return "'" + text
    return text


class SheetWriter:
    """``csv.writer`` (``;``-separated, as Russian Excel opens it) whose every
    cell goes through :func:`safe_cell`."""

    def __init__(self, buf, delimiter=";", lineterminator="\r\n"):
        self._writer = csv.writer(buf, delimiter=delimiter, lineterminator=lineterminator)

    def writerow(self, row):
        self._writer.writerow([safe_cell(v) for v in row])


def _is_number(text):
    try:
        float(text.replace(",", "."))
        return True
    except ValueError:
        return False


def csv_chunks(obj, header, rows, encoding="utf-8", batch=500):
    """Yield encoded CSV: ``header``, then ``rows(own_obj)`` where ``own_obj``
    is ``obj`` loaded in a fresh connection."""
    buf = io.StringIO()
    writer = SheetWriter(buf)

    def flush(bom=False):
        data = buf.getvalue().encode(encoding, errors="replace")
        buf.seek(0)
        buf.truncate()
        return (b"\xef\xbb\xbf" + data) if bom else data

    writer.writerow(header)
    yield flush(bom=encoding == "utf-8")
    db = obj._p_jar.db()
    tm = transaction.TransactionManager()
    conn = db.open(tm)
    try:
        own = conn.get(obj._p_oid)
        for n, row in enumerate(rows(own), 1):
            writer.writerow(row)
            if n % batch == 0:
                yield flush()
                conn.cacheGC()
        yield flush()
    finally:
        tm.abort()
        conn.close()


def csv_response(obj, filename, header, rows, encoding="utf-8"):
    encoding = "cp1251" if encoding in ("cp1251", "windows-1251") else "utf-8"
    response = Response(app_iter=csv_chunks(obj, header, rows, encoding), content_type="text/csv",
                        charset=encoding)
    response.content_disposition = 'attachment; filename="%s"' % filename
    return response
