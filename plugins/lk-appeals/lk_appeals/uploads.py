"""Files residents and staff attach to appeal messages: photos and PDF
scans, checked before anything is stored and then kept as ZODB blobs
(:class:`lk_appeals.models.Attachment`).

The type is told by the file's content (the core's :func:`sniff`), never by
its name or the browser's claim: an executable renamed ``photo.jpg`` is
refused. Every file of a message is read and checked before anything is
stored. Storage and serving are the core's (:mod:`lk_platform.util.files`); the
limits and messages here are the plugin's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from lk_platform.util.files import safe_filename, sniff

from .i18n import _

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_MB = MAX_FILE_BYTES // (1024 * 1024)
MAX_FILES = 5
#: accepted content types (photos and PDF scans)
ALLOWED = ("image/jpeg", "image/png", "image/webp", "application/pdf")
ACCEPT = ",".join(sorted(ALLOWED))
HINT = _("Фото (JPEG, PNG, WEBP) или PDF, до ${files} файлов, каждый не больше ${mb} МБ",
         mapping={"files": MAX_FILES, "mb": MAX_MB})


@dataclass(frozen=True)
class Upload:
    """A checked file, not yet stored."""
    filename: str
    content_type: str
    data: bytes


def read_uploads(fields, already: int = 0):
    """``(uploads, errors)`` from the form's file fields. Errors are
    translation strings naming the file; with any error nothing should be
    stored."""
    uploads, errors = [], []
    files = [f for f in fields if getattr(f, "filename", None)]
    if len(files) + already > MAX_FILES:
        errors.append(_("Можно приложить не больше ${most} файлов, выбрано ${chosen}.",
                        mapping={"most": MAX_FILES, "chosen": len(files) + already}))
        return [], errors
    for item in files:
        shown = re.split(r"[\\/]", item.filename)[-1][:100]
        data = item.file.read(MAX_FILE_BYTES + 1)
        if not data:
            errors.append(_("Файл «${name}» пустой.", mapping={"name": shown}))
            continue
        if len(data) > MAX_FILE_BYTES:
            errors.append(_("Файл «${name}» больше ${mb} МБ — уменьшите фото или разделите документ.",
                            mapping={"name": shown, "mb": MAX_MB}))
            continue
        content_type = sniff(data)
        if content_type not in ALLOWED:
            errors.append(_("Файл «${name}» не является фотографией (JPEG, PNG, WEBP) или документом PDF — "
                            "такие файлы не принимаются.", mapping={"name": shown}))
            continue
        uploads.append(Upload(safe_filename(item.filename, content_type, default="файл"), content_type, data))
    return (uploads if not errors else []), errors
