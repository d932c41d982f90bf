"""Attachments of appeal messages: photos and PDF scans stored as ZODB blobs.

The type is told by the file's content (the core's :func:`sniff`), never by
its name or the browser's claim: an executable renamed ``photo.jpg`` is
refused. Every file of a message is read and checked before anything is
stored. Storage and serving are the core's (:mod:`lk_platform.util.files`); the
limits and messages here are the plugin's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from lk_platform.util.files import StoredFile, safe_filename, sniff

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILES = 5
#: accepted content types (photos and PDF scans)
ALLOWED = ("image/jpeg", "image/png", "image/webp", "application/pdf")
ACCEPT = ",".join(sorted(ALLOWED))
HINT = "Фото (JPEG, PNG, WEBP) или PDF, до %d файлов, каждый не больше %d МБ" % (
    MAX_FILES, MAX_FILE_BYTES // (1024 * 1024))


@dataclass(frozen=True)
class Upload:
    """A checked file, not yet stored."""
    filename: str
    content_type: str
    data: bytes


class Attachment(StoredFile):
    """One stored file. ``message`` is the sequence number of the message it
    came with (its visibility follows the message's)."""

    def __init__(self, id: int, message: int, upload: Upload):
        super().__init__(upload.data, upload.filename, upload.content_type)
        self.id = id
        self.message = message


def read_uploads(fields, already: int = 0):
    """``(uploads, errors)`` from the form's file fields. Errors are Russian
    sentences naming the file; with any error nothing should be stored."""
    uploads, errors = [], []
    files = [f for f in fields if getattr(f, "filename", None)]
    if len(files) + already > MAX_FILES:
        errors.append("Можно приложить не больше %d файлов, выбрано %d." % (MAX_FILES, len(files) + already))
        return [], errors
    for item in files:
        shown = re.split(r"[\\/]", item.filename)[-1][:100]
        data = item.file.read(MAX_FILE_BYTES + 1)
        if not data:
            errors.append("Файл «%s» пустой." % shown)
            continue
        if len(data) > MAX_FILE_BYTES:
            errors.append("Файл «%s» больше %d МБ — уменьшите фото или разделите документ." % (
                shown, MAX_FILE_BYTES // (1024 * 1024)))
            continue
        content_type = sniff(data)
        if content_type not in ALLOWED:
            errors.append("Файл «%s» не является фотографией (JPEG, PNG, WEBP) или документом PDF — "
                          "такие файлы не принимаются." % shown)
            continue
        uploads.append(Upload(safe_filename(item.filename, content_type, default="файл"), content_type, data))
    return (uploads if not errors else []), errors
