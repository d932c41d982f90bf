"""Files the organisation publishes (PDF, DOCX, XLSX, images), kept as ZODB blobs.

The kind is decided by the content, never by the name or the browser's
claimed type: a renamed executable is refused, and what we serve carries the
type we detected. Size is limited before anything is stored.
"""
from __future__ import annotations

import io
import os
import secrets
import zipfile

import colander
import deform
from persistent import Persistent
from ZODB.blob import Blob
from ZODB.interfaces import IBlobStorage

from lk_platform.dates import utcnow

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_SETTING = "announcements.max_document_bytes"

#: kind -> (title, extension, content type, shown inline in the browser)
KINDS = {
    "pdf": ("PDF", ".pdf", "application/pdf", True),
    "docx": ("Word", ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", False),
    "xlsx": ("Excel", ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", False),
    "png": ("PNG", ".png", "image/png", True),
    "jpeg": ("JPEG", ".jpg", "image/jpeg", True),
    "gif": ("GIF", ".gif", "image/gif", True),
    "webp": ("WebP", ".webp", "image/webp", True),
}
ACCEPT = ".pdf,.docx,.xlsx,.png,.jpg,.jpeg,.gif,.webp"


def detect_kind(data: bytes) -> str | None:
    """The kind of ``data`` judged by its content, or None."""
    if data.startswith(b"%PDF-") and b"%%EOF" in data[-2048:]:
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(b"PK\x03\x04"):
        # Only the directory is read: nothing is decompressed, so a zip bomb costs nothing.
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        if "[Content_Types].xml" not in names:
            return None
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    return None


def format_size(size: int) -> str:
    if size < 1024:
        return "%d Б" % size
    if size < 1024 * 1024:
        return "%d КБ" % max(1, round(size / 1024))
    return ("%.1f МБ" % (size / 1024 / 1024)).replace(".", ",")


def safe_filename(name: str, kind: str) -> str:
    """The uploaded name without folders or odd characters, with the
    extension of the detected kind."""
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    stem, _ext = os.path.splitext(base)
    stem = "".join(ch for ch in stem if ch.isalnum() or ch in " ._-()№«»")[:120].strip(" .") or "document"
    return stem + KINDS[kind][1]


class StoredFile(Persistent):
    """One uploaded file: the blob and what we know about it."""

    def __init__(self, data: bytes, filename: str, kind: str):
        self.blob = Blob()
        with self.blob.open("w") as f:
            f.write(data)
        self.kind = kind
        self.filename = safe_filename(filename, kind)
        self.size = len(data)
        self.uid = secrets.token_hex(8)
        self.uploaded = utcnow()

    @property
    def mimetype(self) -> str:
        return KINDS[self.kind][2]

    @property
    def inline(self) -> bool:
        return KINDS[self.kind][3]

    @property
    def kind_title(self) -> str:
        return KINDS[self.kind][0]

    @property
    def size_text(self) -> str:
        return format_size(self.size)

    def open(self):
        return self.blob.open("r")

    def __str__(self):
        return "%s (%s, %s)" % (self.filename, self.kind_title, format_size(self.size))


def blobs_supported(resource) -> bool:
    jar = getattr(resource, "_p_jar", None)
    return jar is not None and IBlobStorage.providedBy(jar.db().storage)


class ContextTmpStore(dict):
    """deform's upload temp store for one request. It also knows the file
    already stored on the edited object, so saving a form without choosing
    a new file keeps the old one (deform only sends its uid back)."""

    def __init__(self, context):
        super().__init__()
        current = getattr(context, "file", None)
        self.current = current if isinstance(current, StoredFile) else None

    def get(self, uid, default=None):
        if dict.__contains__(self, uid):
            return dict.__getitem__(self, uid)
        if self.current is not None and uid == self.current.uid:
            return {"uid": uid, "filename": self.current.filename, "mimetype": self.current.mimetype,
                    "size": self.current.size, "fp": None}
        return default

    def __contains__(self, uid):
        return self.get(uid) is not None

    def preview_url(self, uid):
        return None


@colander.deferred
def file_widget(node, kw):
    return deform.widget.FileUploadWidget(ContextTmpStore(kw.get("context")), accept=ACCEPT)


class DocumentFile(colander.SchemaType):
    """An uploaded document checked by content and size, deserialised into
    a :class:`StoredFile` (the form's existing file when none is chosen)."""

    def serialize(self, node, appstruct):
        if not isinstance(appstruct, StoredFile):
            return colander.null
        return {"uid": appstruct.uid, "filename": appstruct.filename, "mimetype": appstruct.mimetype,
                "size": appstruct.size}

    def deserialize(self, node, cstruct):
        if cstruct in (colander.null, None, ""):
            return colander.null
        if not isinstance(cstruct, dict):
            raise colander.Invalid(node, "Выберите файл")
        bindings = getattr(node, "bindings", None) or {}
        context = bindings.get("context")
        fp = cstruct.get("fp")
        if fp is None:
            current = getattr(context, "file", None)
            if isinstance(current, StoredFile) and cstruct.get("uid") == current.uid:
                return current
            return colander.null
        request = bindings.get("request")
        limit = DEFAULT_MAX_BYTES
        if request is not None:
            limit = int(request.registry.settings.get(MAX_SETTING, DEFAULT_MAX_BYTES))
        data = fp.read(limit + 1)
        if len(data) > limit:
            raise colander.Invalid(node, "Файл «%s» больше допустимого размера %s"
                                   % (cstruct.get("filename") or "", format_size(limit)))
        if not data:
            raise colander.Invalid(node, "Файл «%s» пуст" % (cstruct.get("filename") or ""))
        kind = detect_kind(data)
        if kind is None:
            raise colander.Invalid(node, "Файл «%s» не похож на PDF, DOCX, XLSX или изображение "
                                         "(PNG, JPEG, GIF, WebP) — проверено по содержимому"
                                   % (cstruct.get("filename") or ""))
        if context is not None and not blobs_supported(context):
            raise colander.Invalid(node, "Хранилище файлов не настроено (blobstorage); обратитесь к оператору")
        return StoredFile(data, cstruct.get("filename") or "", kind)
