"""Stored uploads: files kept as ZODB blobs, recognised by their content
(never by the name or the browser's claim), and served with safe headers.

Also a session-free temporary store for deform's FileUploadWidget: an upload
survives a form that failed validation elsewhere (the user need not choose
the file again), kept on disk under a name only the same browser session can
derive, and swept after an hour.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import tempfile
import unicodedata
import zipfile
from urllib.parse import quote

import colander
from deform.widget import filedict
from persistent import Persistent
from pyramid.response import FileIter, Response
from ZODB.blob import Blob
from ZODB.interfaces import IBlobStorage

from lk_platform.i18n import _
from lk_platform.util.dates import timestamp, utcnow

#: content type -> (magic test, usual extension)
_SIGNATURES = (
    ("image/png", lambda d: d.startswith(b"\x89PNG\r\n\x1a\n"), "png"),
    ("image/jpeg", lambda d: d.startswith(b"\xff\xd8\xff"), "jpg"),
    ("image/gif", lambda d: d[:6] in (b"GIF87a", b"GIF89a"), "gif"),
    ("image/webp", lambda d: d[:4] == b"RIFF" and d[8:12] == b"WEBP", "webp"),
    ("application/pdf", lambda d: d.startswith(b"%PDF-"), "pdf"),
)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: content type -> extensions a file name may keep (the first is given otherwise)
EXTENSIONS = {
    "image/png": (".png",), "image/jpeg": (".jpg", ".jpeg"), "image/gif": (".gif",),
    "image/webp": (".webp",), "application/pdf": (".pdf",), DOCX: (".docx",), XLSX: (".xlsx",),
}
#: raster images a browser shows safely (SVG is left out on purpose: it is a
#: document that can carry script)
IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")
CURRENT = "current"   # the uid under which a form shows the already stored file
TMP_LIFETIME = 3600
_UID = re.compile(r"^[A-Za-z0-9]{1,40}$")


def sniff(data: bytes) -> str | None:
    """The content type the bytes really are (of those we accept), or None:
    SVG, HTML, executables and any other ZIP are None. DOCX/XLSX are told
    from the whole ``data``, the rest from its first bytes."""
    for content_type, test, _ext in _SIGNATURES:
        if test(data[:16]):
            return content_type
    if data.startswith(b"PK\x03\x04"):
        return _office_type(data)
    return None


def _office_type(data: bytes) -> str | None:
    """DOCX or XLSX: a ZIP with the OOXML members. Only the directory is
    read (nothing is decompressed), so a zip bomb costs nothing."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def looks_like_markup(data: bytes) -> bool:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<?xml", b"<svg", b"<!doctype", b"<html"))


def format_size(size: int) -> str:
    if size < 1024:
        return "%d Б" % size
    if size >= 1024 * 1024:
        return ("%.1f МБ" % (size / 1048576)).replace(".", ",")
    return "%d КБ" % max(1, round(size / 1024))


class StoredFile(Persistent):
    """An uploaded file: name, sniffed content type, size and the bytes in a
    ZODB blob (kept out of the object cache and out of the pickles)."""

    def __init__(self, data: bytes, filename: str, content_type: str):
        self.filename = safe_filename(filename, content_type)
        self.content_type = content_type
        self.size = len(data)
        self.sha256 = hashlib.sha256(data).hexdigest()
        self.uploaded = utcnow()
        self.blob = Blob()
        with self.blob.open("w") as f:
            f.write(data)

    @property
    def is_image(self) -> bool:
        """A raster image a browser may show inline (never SVG)."""
        return self.content_type in IMAGE_TYPES

    @property
    def size_text(self) -> str:
        return format_size(self.size)

    @property
    def version(self) -> str:
        """Changes with the content: goes into URLs so caches may keep them."""
        return self.sha256[:16]

    def open(self):
        return self.blob.open("r")

    def read(self) -> bytes:
        with self.open() as f:
            return f.read()

    def __str__(self):   # what the audit log shows
        return "%s (%s)" % (self.filename, self.size_text)


def safe_filename(name: str, content_type: str | None = None, default: str = "file") -> str:
    """The browser's file name without folders, control or shell-special
    characters; with ``content_type``, ending in an extension of that type
    (``photo.JPEG`` stays ``photo.jpeg``, ``x.jpg`` of a PNG becomes ``x.jpg.png``)."""
    name = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>|*?:')
    name = name.strip(" .")[:120] or default
    keep = EXTENSIONS.get(content_type)
    if keep:
        base, ext = os.path.splitext(name)
        if ext.lower() in keep:
            return base + ext.lower()
        return name[:100] + keep[0]
    return name


def blobs_supported(persistent_obj) -> bool:
    """Whether the database ``persistent_obj`` lives in can keep blobs."""
    jar = getattr(persistent_obj, "_p_jar", None)
    return jar is not None and IBlobStorage.providedBy(jar.db().storage)


def read_upload(value, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of an uploaded file (the extra byte tells
    that it is too large), leaving the file at its start for the next reader."""
    fp = value.get("fp") if value else None
    if fp is None:
        return b""
    fp.seek(0)
    data = fp.read(limit + 1)
    fp.seek(0)
    return data


class UploadCheck:
    """colander validator of a ``deform.FileData`` node: size and real type."""

    def __init__(self, max_bytes: int, types=IMAGE_TYPES):
        self.max_bytes = max_bytes
        self.types = tuple(types)

    def __call__(self, node, value):
        if not value or value.get("fp") is None:
            return  # nothing new chosen: the stored file stays
        data = read_upload(value, self.max_bytes)
        name = safe_filename(value.get("filename", ""))
        if not data:
            raise colander.Invalid(node, _("Файл «${name}» пустой", mapping={"name": name}))
        if len(data) > self.max_bytes:
            raise colander.Invalid(node, _("Файл «${name}» больше ${limit}", mapping={
                "name": name, "limit": format_size(self.max_bytes)}))
        found = sniff(data)
        if found not in self.types:
            kinds = ", ".join(t.split("/")[1].upper() for t in self.types)
            if looks_like_markup(data):
                raise colander.Invalid(node, _(
                    "Файл «${name}» — это SVG/HTML-документ: он может содержать скрипт, поэтому не "
                    "принимается. Сохраните картинку как ${kinds}.", mapping={"name": name, "kinds": kinds}))
            raise colander.Invalid(node, _("Файл «${name}» не является картинкой ${kinds}",
                                           mapping={"name": name, "kinds": kinds}))


def stored_from_upload(value, max_bytes: int) -> StoredFile:
    """A StoredFile from a validated upload (UploadCheck ran on it)."""
    data = read_upload(value, max_bytes)
    return StoredFile(data, value.get("filename", ""), sniff(data) or "application/octet-stream")


def current_value(stored: StoredFile | None):
    """What a form shows for an already stored file (``fp`` None = kept)."""
    if stored is None:
        return colander.null
    return filedict(uid=CURRENT, filename=stored.filename, mimetype=stored.content_type,
                    size=stored.size, fp=None, preview_url=None)


class UploadTmpStore:
    """deform's FileUploadTempStore without the session: uploads wait on disk
    under ``sha256(csrf token + uid)``, so only the same session finds them.
    ``current`` is the file already stored (shown under the uid ``current``)."""

    #: the theme's file_upload.pt tells the user the file need not be chosen again
    keeps_uploads = True

    def __init__(self, request, max_bytes: int, current: StoredFile | None = None):
        settings = request.registry.settings
        self.folder = settings.get("lk.upload_tmp_dir") or os.path.join(tempfile.gettempdir(), "lk-uploads")
        self.secret = request.session.get_csrf_token()
        self.max_bytes = max_bytes
        self.current = current
        self._seen = {}

    def _path(self, uid):
        digest = hashlib.sha256(("%s:%s" % (self.secret, uid)).encode()).hexdigest()
        return os.path.join(self.folder, digest)

    def __setitem__(self, uid, value):
        if uid == CURRENT or not _UID.match(uid or ""):
            return
        fp = value.get("fp")
        if fp is None or self._seen.get(uid) is fp:
            return
        os.makedirs(self.folder, mode=0o700, exist_ok=True)
        self._sweep()
        fp.seek(0)
        data = fp.read(self.max_bytes + 1)
        fp.seek(0)
        meta = {"filename": safe_filename(value.get("filename", "")), "mimetype": value.get("mimetype") or "",
                "size": len(data)}
        path = self._path(uid)
        with tempfile.NamedTemporaryFile(dir=self.folder, delete=False) as out:
            out.write(data)
        os.replace(out.name, path)
        with open(path + ".json", "w", encoding="utf-8") as out:
            json.dump(meta, out)
        self._seen[uid] = fp

    def get(self, uid, default=None):
        if uid == CURRENT:
            value = current_value(self.current)
            return default if value is colander.null else value
        if not _UID.match(uid or ""):
            return default
        path = self._path(uid)
        try:
            with open(path + ".json", encoding="utf-8") as f:
                meta = json.load(f)
            with open(path, "rb") as f:
                fp = io.BytesIO(f.read(self.max_bytes + 1))
        except (OSError, ValueError):
            return default
        return filedict(uid=uid, fp=fp, preview_url=None, **meta)

    def __getitem__(self, uid):
        value = self.get(uid)
        if value is None:
            raise KeyError(uid)
        return value

    def __contains__(self, uid):
        return self.get(uid) is not None

    def preview_url(self, uid):
        return None

    def _sweep(self):
        cutoff = timestamp() - TMP_LIFETIME
        try:
            names = os.listdir(self.folder)
        except OSError:
            return
        for name in names:
            path = os.path.join(self.folder, name)
            try:
                if os.path.getmtime(path) < cutoff:
                    os.remove(path)
            except OSError:
                pass


def file_response(request, stored: StoredFile, immutable: bool = False, max_age: int = 300,
                  attachment: bool = False, cache_control: str | None = None) -> Response:
    """Serve a stored file: the sniffed type, validators for 304s, and headers
    that stop a browser from running anything inside it. ``cache_control``
    replaces the public caching (e.g. ``"private, no-store"``)."""
    response = Response(content_type=stored.content_type, conditional_response=True)
    if stored.size <= 2 * 1024 * 1024:
        response.body = stored.read()
    else:
        response.app_iter = FileIter(stored.open())
        response.content_length = stored.size
    response.etag = stored.sha256
    response.last_modified = stored.uploaded
    if cache_control:
        response.cache_control = cache_control
    elif immutable:
        response.cache_control = "public, max-age=31536000, immutable"
    else:
        response.cache_control = "public, max-age=%d" % max_age
    response.headers["X-Content-Type-Options"] = "nosniff"
    if stored.content_type != "application/pdf":
        # Browsers' PDF viewers refuse to open under a sandbox policy.
        response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    ascii_name = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\;' else "_" for ch in stored.filename)
    response.headers["Content-Disposition"] = "%s; filename=\"%s\"; filename*=UTF-8''%s" % (
        "attachment" if attachment else "inline", ascii_name, quote(stored.filename, safe=""))
    return response
