"""Files the organisation publishes (PDF, DOCX, XLSX, images): the form
field that takes them. Storage, type detection by content and serving are
the core's (:mod:`lk_platform.util.files`); what is plugin-specific here is
which kinds are accepted, the size limit setting and the messages (in the
staff member's language: sizes too, since the public page shows them to
readers of either language).
"""
from __future__ import annotations

import colander
import deform

from lk_platform.util.files import (
    CURRENT,
    DOCX,
    IMAGE_TYPES,
    XLSX,
    StoredFile,
    UploadTmpStore,
    blobs_supported,
    current_value,
    read_upload,
    sniff,
)

from .i18n import _
from .sanitiser import translator_of

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_SETTING = "announcements.max_document_bytes"

#: accepted content type -> what the public page calls it
KIND_TITLES = {
    "application/pdf": "PDF", DOCX: "Word", XLSX: "Excel",
    "image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WebP",
}
#: shown in the browser; Word and Excel files are downloaded
INLINE_TYPES = ("application/pdf",) + IMAGE_TYPES
ACCEPT = ".pdf,.docx,.xlsx,.png,.jpg,.jpeg,.gif,.webp"


def size_text(size: int):
    """``2 КБ`` / ``2 KB``: a file's size for people, as a translation string."""
    if size < 1024:
        return _("${size} Б", mapping={"size": size})
    if size >= 1024 * 1024:
        whole, tenth = divmod(round(size / 104857.6), 10)
        return _("${whole},${tenth} МБ", mapping={"whole": whole, "tenth": tenth})
    return _("${size} КБ", mapping={"size": max(1, round(size / 1024))})


def max_bytes(request) -> int:
    if request is None:
        return DEFAULT_MAX_BYTES
    return int(request.registry.settings.get(MAX_SETTING, DEFAULT_MAX_BYTES))


@colander.deferred
def file_widget(node, kw):
    context = kw.get("context")
    current = getattr(context, "file", None)
    store = UploadTmpStore(kw["request"], max_bytes(kw["request"]),
                           current=current if isinstance(current, StoredFile) else None)
    return deform.widget.FileUploadWidget(store, accept=ACCEPT)


class DocumentFile(colander.SchemaType):
    """An uploaded document checked by content and size, deserialised into
    a :class:`StoredFile` (the form's existing file when none is chosen)."""

    def serialize(self, node, appstruct):
        if not isinstance(appstruct, StoredFile):
            return colander.null
        return current_value(appstruct)

    def deserialize(self, node, cstruct):
        if cstruct in (colander.null, None, ""):
            return colander.null
        if not isinstance(cstruct, dict):
            raise colander.Invalid(node, _("Выберите файл"))
        bindings = getattr(node, "bindings", None) or {}
        context = bindings.get("context")
        name = cstruct.get("filename") or ""
        if cstruct.get("fp") is None:
            current = getattr(context, "file", None)
            if isinstance(current, StoredFile) and cstruct.get("uid") == CURRENT:
                return current
            return colander.null
        limit = max_bytes(bindings.get("request"))
        data = read_upload(cstruct, limit)
        if len(data) > limit:
            size = translator_of(node)(size_text(limit))
            raise colander.Invalid(node, _("Файл «${name}» больше допустимого размера ${size}",
                                           mapping={"name": name, "size": size}))
        if not data:
            raise colander.Invalid(node, _("Файл «${name}» пуст", mapping={"name": name}))
        content_type = sniff(data)
        # A published PDF must be whole: an upload cut short has no end marker.
        if content_type not in KIND_TITLES or content_type == "application/pdf" and b"%%EOF" not in data[-2048:]:
            raise colander.Invalid(node, _("Файл «${name}» не похож на PDF, DOCX, XLSX или изображение "
                                           "(PNG, JPEG, GIF, WebP) — проверено по содержимому", mapping={"name": name}))
        if context is not None and not blobs_supported(context):
            raise colander.Invalid(node, _("Хранилище файлов не настроено (blobstorage); обратитесь к оператору"))
        return StoredFile(data, name, content_type)
