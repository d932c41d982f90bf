"""The plugin's persistent classes: an appeal (обращение) with its
correspondence and attached files, and an appeal category.

An appeal belongs to one personal account. Its messages are kept forever in
order, in an IOBTree of their own (adding one does not rewrite the others);
staff notes are messages with ``internal=True`` that residents never see.
Status changes follow :data:`TRANSITIONS` and each is recorded with who and
when. Every change reindexes the appeal, so the staff queue's indexes
(status, assignee, deadline, the text of all messages) stay current.

The methods here take the actor and the time explicitly and never send
mail or write the audit log: views (and the demo) do that around them.

Stored objects are pickled under their module path: appeals and messages
stored before this module existed load through ``lk_appeals.appeal``,
categories through ``lk_appeals.category``, files through
``lk_appeals.attachments``, which re-export these classes.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from BTrees.IOBTree import IOBTree
from persistent import Persistent
from pyramid.authorization import Allow
from pyramid.threadlocal import get_current_registry

from lk_platform.model.content import Content
from lk_platform.model.organisations import find_organisation
from lk_platform.util.files import StoredFile

from .i18n import _
from .roles import MANAGE, RIGHT

STATUSES = {
    "new": _("Новое"),
    "in_progress": _("В работе"),
    "waiting": _("Ждёт ответа жителя"),
    "resolved": _("Решено"),
    "closed": _("Закрыто"),
}
OPEN = ("new", "in_progress", "waiting")
DONE = ("resolved", "closed")

#: Moves staff may make. Closed is final: a new question is a new appeal.
TRANSITIONS = {
    "new": ("in_progress", "waiting", "resolved", "closed"),
    "in_progress": ("waiting", "resolved", "closed"),
    "waiting": ("in_progress", "resolved", "closed"),
    "resolved": ("in_progress", "closed"),
    "closed": (),
}
#: Moves a resident's action makes: replying to a question, reopening.
RESIDENT_TRANSITIONS = (("waiting", "in_progress"), ("resolved", "in_progress"))

SUBJECT_MAX = 200
TEXT_MAX = 5000
COMMENT_MAX = 1000


class AppealError(ValueError):
    """A refused action, with a message (a translation string) for the
    person who tried it: ``exc.message``."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class HistoryEntry:
    """One recorded change: ``kind`` is opened, status, assign, reopen or rating."""
    when: dt.datetime
    who: str
    who_name: str
    kind: str
    old: str = ""
    new: str = ""
    comment: str = ""

    @property
    def public(self) -> bool:
        return self.kind != "assign"


class Attachment(StoredFile):
    """One stored file (a checked :class:`lk_appeals.uploads.Upload`).
    ``message`` is the sequence number of the message it came with (its
    visibility follows the message's)."""

    def __init__(self, id: int, message: int, upload):
        super().__init__(upload.data, upload.filename, upload.content_type)
        self.id = id
        self.message = message


class Message(Persistent):
    def __init__(self, seq, when, author, author_name, text, staff=False, internal=False, attachments=()):
        self.seq = seq
        self.when = when
        self.author = author
        self.author_name = author_name
        self.text = text
        self.staff = staff
        self.internal = internal
        self.attachments = tuple(attachments)


class Appeal(Content):
    type_name = "appeal"

    account = ""
    account_address = ""
    building = ""
    author = ""
    author_name = ""
    category = ""
    category_title = ""
    subject = ""
    status = "new"
    assignee = ""
    assignee_role = ""
    created = None
    updated = None
    first_answer_at = None
    resolved_at = None
    closed_at = None
    sla_first_hours = 0
    sla_resolution_days = 0
    due_first = None
    due_resolution = None
    deadline = None
    public_count = 0      # messages residents see, kept so lists need not load them
    rating = None
    rating_comment = ""
    rated_at = None
    history: tuple = ()

    def __init__(self, **values):
        self._messages = IOBTree()
        self._attachments = IOBTree()
        super().__init__(**values)

    # -- reading ------------------------------------------------------------
    @property
    def number(self) -> str:
        return self.__name__ or ""

    @property
    def display_title(self) -> str:
        return "№ %s: %s" % (self.number, self.subject)

    @property
    def status_title(self):
        """The status's name, a translation string (rendered in the reader's language)."""
        return STATUSES.get(self.status, self.status)

    @property
    def category_label(self):
        """The category's title to show: the plugin's own starting categories
        in the reader's language, an organisation's own titles as written."""
        return category_label(self.category_title)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def owner(self) -> str:
        """Who the appeal waits on, for the queue's assignee filter."""
        if self.assignee:
            return "user:" + self.assignee
        if self.assignee_role:
            return "role:" + self.assignee_role
        return "none"

    def messages(self, internal: bool = False):
        """The correspondence in order; staff notes only if ``internal``."""
        return [m for m in self._messages.values() if internal or not m.internal]

    def last_message(self, internal: bool = False):
        for seq in reversed(list(self._messages.keys())):
            message = self._messages[seq]
            if internal or not message.internal:
                return message
        return None

    def message_count(self, internal: bool = False) -> int:
        return len(self._messages) if internal else self.public_count

    def attachment(self, id: int):
        return self._attachments.get(id)

    def attachments_of(self, message):
        return [self._attachments[i] for i in message.attachments if i in self._attachments]

    def visible_history(self, internal: bool = False):
        return [h for h in self.history if internal or h.public]

    @property
    def searchable_text(self) -> str:
        parts = [self.subject, self.account, self.author_name, self.account_address, self.category_title]
        parts += [m.text for m in self._messages.values()]
        return " ".join(p for p in parts if p)

    # -- who may see it -------------------------------------------------------
    def account_object(self):
        org = find_organisation(self)
        folder = org.get("accounts") if org is not None else None
        return folder.get(self.account) if folder is not None else None

    def resident_logins(self) -> tuple:
        """The author and whoever may now write appeals for the account."""
        logins = {self.author} if self.author else set()
        account = self.account_object()
        if account is not None:
            logins.update(account.holders)
            logins.update(login for login, rights in account.delegates if RIGHT in rights)
        return tuple(sorted(logins))

    @property
    def __acl__(self):
        acl = [(Allow, "user:" + login, ("appeal.view", "appeal.act", "appeal.file"))
               for login in self.resident_logins()]
        lk = getattr(get_current_registry(), "lk", None)
        roles = lk.roles if lk is not None else {}
        acl += [(Allow, "role:" + r.name, ("appeal.file",)) for r in roles.values() if MANAGE in r.permissions]
        return acl

    # -- changes --------------------------------------------------------------
    def _record(self, when, who, who_name, kind, old="", new="", comment=""):
        self.history = self.history + (HistoryEntry(when, who, who_name, kind, old, new, comment),)

    def refresh_deadline(self):
        """The SLA deadline running now: the first answer's until there is
        one, then the resolution's; none while the resident is asked or after."""
        if self.status not in ("new", "in_progress"):
            deadline = None
        elif self.first_answer_at is None:
            deadline = self.due_first
        else:
            deadline = self.due_resolution
        if deadline != self.deadline:
            self.deadline = deadline

    def reindex(self):
        folder = self.__parent__
        if folder is not None:
            folder.reindex(self)

    def add_message(self, when, author, author_name, text, uploads=(), staff=False, internal=False):
        """Append a message with its files (already checked)."""
        if self.status == "closed" and not internal:
            raise AppealError(_("Обращение закрыто — писать в нём нельзя. Если вопрос остался, "
                                "создайте новое обращение."))
        seq = (self._messages.maxKey() + 1) if len(self._messages) else 1
        ids = []
        next_id = (self._attachments.maxKey() + 1) if len(self._attachments) else 1
        for upload in uploads:
            self._attachments[next_id] = Attachment(next_id, seq, upload)
            ids.append(next_id)
            next_id += 1
        message = Message(seq, when, author, author_name, text, staff=staff, internal=internal, attachments=ids)
        self._messages[seq] = message
        if not internal:
            self.public_count += 1
        if staff and not internal and self.first_answer_at is None:
            self.first_answer_at = when
        self.updated = when
        self.refresh_deadline()
        self.reindex()
        return message

    def can_move(self, new: str, by_resident: bool = False) -> bool:
        if by_resident:
            return (self.status, new) in RESIDENT_TRANSITIONS
        return new in TRANSITIONS.get(self.status, ())

    def set_status(self, when, who, who_name, new, comment="", by_resident=False, kind="status"):
        if new not in STATUSES:
            raise AppealError(_("Неизвестный статус «${status}».", mapping={"status": new}))
        if new == self.status:
            return False
        if not self.can_move(new, by_resident):
            raise AppealError(_("Из статуса «${old}» нельзя перейти в «${new}».",
                                mapping={"old": self.status_title, "new": STATUSES[new]}))
        old = self.status
        self.status = new
        if new == "resolved":
            self.resolved_at = when
        elif new == "closed":
            self.closed_at = when
            if self.resolved_at is None:
                self.resolved_at = when
        elif old == "resolved":
            self.resolved_at = None
        self.updated = when
        self._record(when, who, who_name, kind, old, new, comment)
        self.refresh_deadline()
        self.reindex()
        return True

    def assign(self, when, who, who_name, assignee="", role=""):
        if (assignee, role) == (self.assignee, self.assignee_role):
            return False
        # Recorded as a login or "role:<name>"; pages show names (entries
        # of older versions hold "роль <name>" and are shown as they are).
        old = self.assignee or (("role:" + self.assignee_role) if self.assignee_role else "")
        self.assignee, self.assignee_role = assignee, role
        self.updated = when
        self._record(when, who, who_name, "assign", old, assignee or (("role:" + role) if role else ""))
        self.reindex()
        return True

    def reopen_until(self, reopen_days: int):
        """Until when the resident may reopen a resolved appeal, or None."""
        if self.status != "resolved" or self.resolved_at is None:
            return None
        return self.resolved_at + dt.timedelta(days=reopen_days)

    def reopen(self, when, who, who_name, text, reopen_days, calendar, uploads=()):
        until = self.reopen_until(reopen_days)
        if until is None:
            raise AppealError(_("Возобновить можно только решённое обращение.") if self.status != "closed" else
                              _("Обращение закрыто — возобновить его нельзя. Создайте новое обращение."))
        if when > until:
            raise AppealError(_("Срок, в который можно возобновить обращение (${days} дн. после решения), истёк. "
                                "Создайте новое обращение.", mapping={"days": reopen_days}))
        self.set_status(when, who, who_name, "in_progress", comment=text[:200], by_resident=True, kind="reopen")
        # A reopened appeal gets a fresh resolution term.
        self.due_resolution = calendar.add_work_days(when, self.sla_resolution_days or 1)
        self.add_message(when, who, who_name, text, uploads)

    def rate(self, when, who, who_name, score: int, comment: str = ""):
        if self.status not in DONE:
            raise AppealError(_("Оценить можно только решённое или закрытое обращение."))
        if self.rating is not None:
            raise AppealError(_("Обращение уже оценено."))
        if not isinstance(score, int) or not 1 <= score <= 5:
            raise AppealError(_("Оценка — число от 1 до 5."))
        self.rating = score
        self.rating_comment = comment
        self.rated_at = when
        self._record(when, who, who_name, "rating", "", str(score), comment)
        self.reindex()


def category_label(title: str):
    """``title`` as a translation string of the plugin's domain: the titles
    the plugin seeds (msgids of its catalog) read in the reader's language,
    any other title stays as the organisation wrote it."""
    return _(title) if title else title


class Category(Content):
    """An appeal category: the organisation's own list, edited in the
    generated admin. Each routes new appeals to a staff role or person and
    sets the SLA."""
    type_name = "appeal_category"
    searchable_fields = ("title", "description")

    title = ""
    description = ""
    default_role = ""
    default_assignee = ""
    sla_first_hours = 16
    sla_resolution_days = 10
    order = 100
    active = True

    @property
    def label(self):
        return category_label(self.title)
