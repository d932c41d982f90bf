"""Attachments of appeal messages: photos and PDF scans stored as ZODB blobs.

The type is told by the file's content (magic bytes), never by its name or
the browser's claim: an executable renamed ``photo.jpg`` is refused. Every
file of a message is read and checked before anything is stored.
"""
from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass

import filetype
from persistent import Persistent
from ZODB.blob import Blob

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILES = 5
#: detected MIME type -> (extensions the name may keep, extension given otherwise, label)
ALLOWED = {
    "image/jpeg": ((".jpg", ".jpeg"), ".jpg", "JPEG"),
    "image/png": ((".png",), ".png", "PNG"),
    "image/webp": ((".webp",), ".webp", "WEBP"),
    "application/pdf": ((".pdf",), ".pdf", "PDF"),
}
ACCEPT = ",".join(sorted(ALLOWED))
HINT = "Фото (JPEG, PNG, WEBP) или PDF, до %d файлов, каждый не больше %d МБ" % (
    MAX_FILES, MAX_FILE_BYTES // (1024 * 1024))


@dataclass(frozen=True)
class Upload:
    """A checked file, not yet stored."""
    filename: str
    content_type: str
    data: bytes


class Attachment(Persistent):
    """One stored file. ``message`` is the sequence number of the message it
    came with (its visibility follows the message's)."""

    def __init__(self, id: int, message: int, upload: Upload):
        self.id = id
        self.message = message
        self.filename = upload.filename
        self.content_type = upload.content_type
        self.size = len(upload.data)
        self.blob = Blob()
        with self.blob.open("w") as f:
            f.write(upload.data)

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    def open(self):
        return self.blob.open("r")


def detect_type(data: bytes) -> str | None:
    kind = filetype.guess(data[:8192])
    return kind.mime if kind is not None else None


def clean_filename(name: str, content_type: str) -> str:
    """The browser's file name without folders or control characters, with an
    extension that matches the detected type."""
    name = re.split(r"[\\/]", name or "")[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    name = name.strip().strip(".") or "файл"
    base, ext = os.path.splitext(name)
    keep, default_ext, _label = ALLOWED[content_type]
    if ext.lower() not in keep:
        base, ext = name, default_ext
    return base[:100] + ext.lower()


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
        content_type = detect_type(data)
        if content_type not in ALLOWED:
            errors.append("Файл «%s» не является фотографией (JPEG, PNG, WEBP) или документом PDF — "
                          "такие файлы не принимаются." % shown)
            continue
        uploads.append(Upload(clean_filename(item.filename, content_type), content_type, data))
    return (uploads if not errors else []), errors


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return ("%.1f МБ" % (size / 1024 / 1024)).replace(".", ",")
    if size >= 1024:
        return "%d КБ" % round(size / 1024)
    return "%d Б" % size
