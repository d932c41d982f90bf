"""An appeal (обращение) and its correspondence.

An appeal belongs to one personal account. Its messages are kept forever in
order, in an IOBTree of their own (adding one does not rewrite the others);
staff notes are messages with ``internal=True`` that residents never see.
Status changes follow :data:`TRANSITIONS` and each is recorded with who and
when. Every change reindexes the appeal, so the staff queue's indexes
(status, assignee, deadline, the text of all messages) stay current.

The functions here take the actor and the time explicitly and never send
mail or write the audit log: views (and the demo) do that around them.
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

from .attachments import Attachment
from .category import MANAGE

STATUSES = {
    "new": "Новое",
    "in_progress": "В работе",
    "waiting": "Ждёт ответа жителя",
    "resolved": "Решено",
    "closed": "Закрыто",
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

#: The delegation right that lets a non-holder write appeals for an account.
RIGHT = "appeals.write"

SUBJECT_MAX = 200
TEXT_MAX = 5000
COMMENT_MAX = 1000


class AppealError(ValueError):
    """A refused action, with a message for the person who tried it."""


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
    def status_title(self) -> str:
        return STATUSES.get(self.status, self.status)

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
            raise AppealError("Обращение закрыто — писать в нём нельзя. Если вопрос остался, "
                              "создайте новое обращение.")
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
            raise AppealError("Неизвестный статус «%s»." % new)
        if new == self.status:
            return False
        if not self.can_move(new, by_resident):
            raise AppealError("Из статуса «%s» нельзя перейти в «%s»." % (self.status_title, STATUSES[new]))
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
        old = self.assignee or (("роль " + self.assignee_role) if self.assignee_role else "")
        self.assignee, self.assignee_role = assignee, role
        self.updated = when
        self._record(when, who, who_name, "assign", old, assignee or (("роль " + role) if role else ""))
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
            raise AppealError("Возобновить можно только решённое обращение." if self.status != "closed" else
                              "Обращение закрыто — возобновить его нельзя. Создайте новое обращение.")
        if when > until:
            raise AppealError("Срок, в который можно возобновить обращение (%d дн. после решения), истёк. "
                              "Создайте новое обращение." % reopen_days)
        self.set_status(when, who, who_name, "in_progress", comment=text[:200], by_resident=True, kind="reopen")
        # A reopened appeal gets a fresh resolution term.
        self.due_resolution = calendar.add_work_days(when, self.sla_resolution_days or 1)
        self.add_message(when, who, who_name, text, uploads)

    def rate(self, when, who, who_name, score: int, comment: str = ""):
        if self.status not in DONE:
            raise AppealError("Оценить можно только решённое или закрытое обращение.")
        if self.rating is not None:
            raise AppealError("Обращение уже оценено.")
        if not isinstance(score, int) or not 1 <= score <= 5:
            raise AppealError("Оценка — число от 1 до 5.")
        self.rating = score
        self.rating_comment = comment
        self.rated_at = when
        self._record(when, who, who_name, "rating", "", str(score), comment)
        self.reindex()


def open_appeal(folder, *, when, account, author, category, subject, text, uploads=(), calendar):
    """Create an appeal in ``folder`` with its first message; routed and
    given deadlines by its category. Everything was validated before."""
    appeal = Appeal(
        account=account.number, account_address=account.address, building=account.building_key,
        author=author.login, author_name=author.display_title,
        category=category.__name__, category_title=category.title, subject=subject,
        status="new", assignee=category.default_assignee or "",
        assignee_role="" if category.default_assignee else (category.default_role or ""),
        created=when, updated=when,
        sla_first_hours=category.sla_first_hours, sla_resolution_days=category.sla_resolution_days,
        due_first=calendar.add_work_hours(when, category.sla_first_hours),
        due_resolution=calendar.add_work_days(when, category.sla_resolution_days))
    folder.add(appeal)
    appeal._record(when, author.login, author.display_title, "opened", "", "new")
    appeal.add_message(when, author.login, author.display_title, text, uploads)
    labels = building_labels(folder)
    key = (account.building_key or "").lower()
    if key and key not in labels:
        labels[key] = building_label(account)
    return appeal


def building_label(account) -> str:
    parts = [account.settlement, account.street, account.house and "д. " + account.house,
             account.building and "корп. " + account.building]
    return ", ".join(p for p in parts if p)


def building_labels(folder):
    """``{building key (lower case): address}`` for the queue's building filter."""
    from BTrees.OOBTree import OOBTree
    labels = getattr(folder, "appeal_buildings", None)
    if labels is None:
        labels = folder.appeal_buildings = OOBTree()
    return labels
