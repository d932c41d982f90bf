"""What a resident sees: live announcements addressed to their accounts,
urgent and pinned ones first, then the newest; and what they have read.

Everything is answered from the folder's indexes; only the page shown is
loaded. Read marks are written when the resident opens the list or an
announcement, never by the dashboard, so page views of many residents do
not all write to the database.
"""
from __future__ import annotations

from lk_platform.caching.rendercache import Until
from lk_platform.model.folders import FAMILY
from lk_platform.model.stamps import changes
from lk_platform.util.dates import timestamp

from .audience import account_tokens
from .models import CONTAINER, URGENT, ReadMarks  # ReadMarks: stored ones are pickled under this module's path

#: Urgent or pinned announcements are few; more than this are cut (oldest last).
MAX_TOP = 200


def folder_of(organisation):
    return organisation.get(CONTAINER) if organisation is not None else None


def _live_ids(folder, tokens, now):
    catalog = folder.catalog
    if "k_audience" not in catalog or "f_active_until" not in catalog:
        return None
    query = (catalog["k_audience"].any(sorted(tokens)) & catalog["f_publish_at"].le(now)
             & catalog["f_active_until"].gt(now))
    return query.execute().ids


def _by_newest(folder, docids, limit):
    index = folder.catalog["f_publish_at"]
    return list(index.sort(docids, reverse=True, limit=limit, raise_unsortable=False))


def visible(folder, accounts, now, offset=0, limit=20):
    """``(total, [Announcement])`` for holders of ``accounts``, one page."""
    if folder is None or not accounts:
        return 0, []
    ids = _live_ids(folder, account_tokens(accounts), now)
    if not ids:
        return 0, []
    catalog = folder.catalog
    top_ids = (catalog["f_importance"].any(list(URGENT)) | catalog["f_pinned"].eq(True)).execute().ids
    top_ids = FAMILY.IF.intersection(ids, top_ids) if top_ids else ()
    top = [folder.resolve(d) for d in _by_newest(folder, top_ids, MAX_TOP)] if top_ids else []
    top.sort(key=lambda a: (not a.urgent, not a.pinned))  # stable: newest first within each group
    total = len(ids)
    page = top[offset:offset + limit]
    if len(page) < limit:
        rest_ids = FAMILY.IF.difference(ids, top_ids) if top_ids else ids
        skip = max(0, offset - len(top))
        wanted = limit - len(page)
        rest = _by_newest(folder, rest_ids, skip + wanted)[skip:]
        page += [folder.resolve(d) for d in rest]
    return total, page


def is_visible(announcement, accounts, now) -> bool:
    return bool(accounts) and announcement.is_live(now) and bool(
        set(announcement.audience) & account_tokens(accounts))


# --- read marks (the persistent ReadMarks is in models) ------------------------------

def read_marks(folder, create=False):
    marks = getattr(folder, "read_marks", None)
    if marks is None and create:
        marks = folder.read_marks = ReadMarks()
    return marks


def unread_names(folder, login, announcements) -> set[str]:
    marks = read_marks(folder)
    if marks is None:
        return {a.__name__ for a in announcements}
    return marks.unread(login, announcements)


def unread_count(folder, accounts, login, now, newest=100) -> int:
    """How many of the ``newest`` live announcements for ``accounts``
    ``login`` has not opened (older ones are not counted: loading every
    live announcement on each dashboard view would not scale)."""
    if folder is None or not accounts:
        return 0
    ids = _live_ids(folder, account_tokens(accounts), now)
    if not ids:
        return 0
    marks = read_marks(folder)
    seen = marks.read(login) if marks is not None else None
    latest = [folder.resolve(d) for d in _by_newest(folder, ids, newest)]
    return sum(1 for a in latest if seen is None or a.__name__ not in seen)


def depends(folder, login):
    """What a dashboard showing ``login``'s announcements is made of: the
    folder, their read marks, and the next minute (a scheduled announcement
    appears, or expires, on time)."""
    marks = read_marks(folder)
    return [changes(folder), marks.counter(login) if marks is not None else folder,
            Until(int(timestamp()) // 60 * 60 + 60)]
