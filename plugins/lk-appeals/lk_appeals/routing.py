"""Routing new appeals: the organisation's categories (its own list, a
starting one seeded once), and opening an appeal, which its category
routes to a staff role or person and gives its SLA deadlines."""
from __future__ import annotations

from .i18n import _
from .models import Appeal, Category
from .queue import building_label, building_labels

#: Seeded when the plugin is first enabled; the organisation edits them.
#: Stored as the Russian text; pages show them through the catalog
#: (:func:`lk_appeals.models.category_label`).
DEFAULT_CATEGORIES = (
    (_("Перерасчёт платы"), 16, 10),
    (_("Ремонт и аварии"), 4, 5),
    (_("Замена или поверка счётчика"), 16, 10),
    (_("Качество услуг"), 8, 10),
    (_("Другое"), 16, 10),
)


def active_categories(organisation):
    folder = organisation.get("appeal_categories")
    if folder is None:
        return []
    # An organisation has tens of categories, not thousands: a full read is fine.
    found = [c for c in folder.values() if c.active]
    return sorted(found, key=lambda c: (c.order, c.title))


def seed_categories(organisation):
    """Give a new organisation a starting list, once (a list the admin later
    emptied stays empty)."""
    folder = organisation.container("appeal_categories", "appeal_category")
    if getattr(folder, "appeals_seeded", False):
        return
    for order, (title, hours, days) in enumerate(DEFAULT_CATEGORIES, 1):
        folder.add(Category(title=str(title), sla_first_hours=hours, sla_resolution_days=days, order=order * 10,
                            active=True, default_role="", default_assignee="", description=""))
    folder.appeals_seeded = True


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
