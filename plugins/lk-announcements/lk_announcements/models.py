"""The plugin's stored objects: announcements, public pages and documents,
and the residents' read marks; the names of the folders that hold them.

Announcements store their targeting as audience tokens (:mod:`.audience`)
in a keyword index, so "what may this resident see" is one index query.
Datetimes are stored in UTC: ZoneInfo zones do not pickle into ZODB, and the
organisation's zone is applied when shown or edited.

Stored objects are pickled under their module path: the old modules
``announcements``, ``public`` and ``feed`` import these classes so objects
stored before they moved here still load.
"""
from __future__ import annotations

import datetime as dt

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree, OOTreeSet
from persistent import Persistent

from lk_platform.model.content import Content
from lk_platform.util.files import StoredFile

from .audience import building_token, service_token, street_token
from .documents import INLINE_TYPES, KIND_TITLES, size_text
from .i18n import _
from .sanitiser import SanitisedBody

#: the plugin's name (entry point, view predicate, settings) and its permission
PLUGIN = "announcements"
MANAGE = "announcements.manage"

#: folders inside each organisation
CONTAINER = "announcements"
PAGES = "public_pages"
DOCUMENTS = "public_documents"

IMPORTANCE = (
    ("normal", _("Обычное")),
    ("urgent", _("Срочное")),
    ("outage", _("Авария или отключение")),
)
URGENT = ("urgent", "outage")

TARGETS = (
    ("all", _("Вся организация")),
    ("buildings", _("Отдельные дома")),
    ("streets", _("Отдельные улицы")),
    ("service", _("Получатели услуги")),
)
TARGET_FIELDS = {"buildings": "target_buildings", "streets": "target_streets", "service": "target_services"}

#: kind, title, order on the public page
SECTIONS = (
    ("contacts", _("Контакты"), 10),
    ("schedule", _("Режим работы"), 20),
    ("tariffs", _("Тарифы"), 30),
    ("documents", _("Документы"), 40),
    ("other", _("Информация"), 50),
)
SECTION_TITLES = {k: t for k, t, _o in SECTIONS}

# Stands for "never expires" in the expiry index (None would not be indexed).
NEVER = dt.datetime(9999, 12, 31, tzinfo=dt.timezone.utc)

# Fields and keywords indexed in the announcements folder.
INDEX_FIELDS = ("publish_at", "active_until", "importance", "pinned", "mail_pending")
INDEX_KEYWORDS = ("audience",)


def to_utc(moment: dt.datetime) -> dt.datetime:
    """Stored datetimes are UTC: ZoneInfo zones do not pickle into ZODB, and
    the organisation's zone is applied when shown or edited."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(dt.timezone.utc)


class Announcement(SanitisedBody, Content):
    type_name = "announcement"
    searchable_fields = ("title", "body_text")

    title = ""
    body = ""
    importance = "normal"
    pinned = False
    target = "all"
    target_buildings: tuple = ()
    target_streets: tuple = ()
    target_services: tuple = ()
    publish_at = None
    expire_at = None
    notify_email = False
    notified_at = None     # when the e-mail went out (never twice)
    notified_count = 0

    def set_values(self, values: dict) -> dict:
        for name in ("publish_at", "expire_at"):
            if isinstance(values.get(name), dt.datetime):
                values = dict(values, **{name: to_utc(values[name])})
        for name in TARGET_FIELDS.values():
            if name in values:
                values = dict(values, **{name: tuple(sorted(values[name] or ()))})
        return super().set_values(values)

    @property
    def urgent(self) -> bool:
        return self.importance in URGENT

    @property
    def importance_title(self):
        return dict(IMPORTANCE).get(self.importance, self.importance)

    @property
    def audience(self) -> tuple:
        if self.target == "buildings":
            return tuple(sorted({building_token(k) for k in self.target_buildings}))
        if self.target == "streets":
            return tuple(sorted({street_token(k) for k in self.target_streets}))
        if self.target == "service":
            return tuple(sorted({service_token(k) for k in self.target_services}))
        return ("all",)

    @property
    def active_until(self):
        return self.expire_at or NEVER

    @property
    def mail_pending(self):
        """True while an e-mail is wanted and not yet sent (None is not indexed)."""
        return True if self.notify_email and self.notified_at is None else None

    def is_live(self, now) -> bool:
        return self.publish_at is not None and self.publish_at <= now < self.active_until

    def status(self, now):
        if self.publish_at is None or self.publish_at > now:
            return _("Запланировано")
        if self.active_until <= now:
            return _("Снято с публикации")
        return _("Опубликовано")


class PublicPage(SanitisedBody, Content):
    """A page of the organisation's public page (contacts, schedule, ...):
    shown without login while published."""
    type_name = "public_page"
    searchable_fields = ("title", "body_text")
    title = ""
    section = "other"
    body = ""
    order = 100
    published = True

    @property
    def section_title(self):
        return SECTION_TITLES.get(self.section, self.section)


class PublicDocument(Content):
    """A file the organisation publishes; downloadable without login while published."""
    type_name = "public_document"
    searchable_fields = ("title", "description")
    title = ""
    description = ""
    file = None   # StoredFile
    order = 100
    published = True

    @property
    def downloadable(self) -> bool:
        return isinstance(self.file, StoredFile)

    @property
    def kind_title(self) -> str:
        return KIND_TITLES.get(self.file.content_type, "") if self.downloadable else ""

    @property
    def size_text(self):
        return size_text(self.file.size) if self.downloadable else ""

    @property
    def inline(self) -> bool:
        """PDF and pictures open in the browser; Word and Excel are downloaded."""
        return self.downloadable and self.file.content_type in INLINE_TYPES


class ReadMarks(Persistent):
    """Per login, the names of announcements the person has opened. Each
    person's set is its own persistent object, so residents reading at the
    same time do not conflict with each other. Names of deleted
    announcements stay behind harmlessly: folder names are never reused."""

    def __init__(self):
        self._by_login = OOBTree()

    _counters = None   # login -> Length moved whenever marks are added (for caches)

    def counter(self, login):
        """What a page showing ``login``'s unread marks depends on: their
        counter, or this object until the first mark (which changes it)."""
        found = self._counters.get(login) if self._counters is not None else None
        return found if found is not None else self

    def read(self, login) -> OOTreeSet | None:
        return self._by_login.get(login)

    def unread(self, login, announcements) -> set[str]:
        seen = self._by_login.get(login) if login else None
        return {a.__name__ for a in announcements if seen is None or a.__name__ not in seen}

    def mark(self, login, names) -> int:
        """Record ``names`` as read; returns how many were new (nothing is
        written when all were read already)."""
        if not login:
            return 0
        seen = self._by_login.get(login)
        new = [n for n in names if seen is None or n not in seen]
        if not new:
            return 0
        if seen is None:
            seen = self._by_login[login] = OOTreeSet()
        seen.update(new)
        if self._counters is None:
            self._counters = OOBTree()
        counter = self._counters.get(login)
        if counter is None:
            counter = self._counters[login] = Length()
            self._p_changed = True      # a new counter: pages that listed this object see it
        counter.change(1)
        return len(new)


def create_containers(organisation):
    """The plugin's folders, indexes and read marks in ``organisation``
    (idempotent: run whenever the plugin is enabled)."""
    folder = organisation.container(CONTAINER, "announcement")
    folder.ensure_indexes(fields=INDEX_FIELDS, keywords=INDEX_KEYWORDS, text=True)
    if getattr(folder, "read_marks", None) is None:
        folder.read_marks = ReadMarks()
    organisation.container(PAGES, "public_page").ensure_indexes(fields=("order", "published"), text=True)
    organisation.container(DOCUMENTS, "public_document").ensure_indexes(fields=("order", "published"), text=True)
    accounts = organisation.get("accounts")
    if accounts is not None:
        # Targeting by building/street and by service is answered from these.
        accounts.ensure_indexes(fields=("building_key",), keywords=("services",))
