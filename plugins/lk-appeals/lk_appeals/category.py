"""Appeal categories: the organisation's own list, edited in the generated
admin. Each routes new appeals to a staff role or person and sets the SLA."""
from __future__ import annotations

import colander
import deform

from lk_platform.model.content import Content

MANAGE = "appeals.manage"

#: Seeded when the plugin is first enabled; the organisation edits them.
DEFAULT_CATEGORIES = (
    ("Перерасчёт платы", 16, 10),
    ("Ремонт и аварии", 4, 5),
    ("Замена или поверка счётчика", 16, 10),
    ("Качество услуг", 8, 10),
    ("Другое", 16, 10),
)


class Category(Content):
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


def staff_roles(registry):
    """Roles whose holders work on appeals (they have ``appeals.manage``)."""
    return [r for r in registry.lk.roles.values() if MANAGE in r.permissions]


def eligible_staff(organisation, registry):
    """``{login: roles}`` of staff who may work on the organisation's appeals,
    including the parent organisation's (their roles reach sub-organisations)."""
    wanted = {r.name for r in staff_roles(registry)}
    found = {}
    node = organisation
    from lk_platform.model.organisations import Organisation
    while isinstance(node, Organisation):
        for login, roles in node.staff.items():
            roles = tuple(r for r in roles if r in wanted)
            if roles:
                found[login] = tuple(sorted(set(found.get(login, ())) | set(roles)))
        node = node.__parent__
    return dict(sorted(found.items()))


@colander.deferred
def _role_widget(node, kw):
    values = [("", "— не назначать —")] + [(r.name, str(r.title)) for r in staff_roles(kw["request"].registry)]
    return deform.widget.SelectWidget(values=values)


@colander.deferred
def _role_validator(node, kw):
    return colander.OneOf([""] + [r.name for r in staff_roles(kw["request"].registry)])


def _staff_choices(kw):
    from lk_platform.model.platform import get_platform
    request = kw["request"]
    users = get_platform(request).users
    out = [("", "— не назначать —")]
    for login in eligible_staff(kw["organisation"], request.registry):
        user = users.get(login)
        out.append((login, "%s (%s)" % (user.display_title, login) if user is not None else login))
    return out


@colander.deferred
def _assignee_widget(node, kw):
    return deform.widget.SelectWidget(values=_staff_choices(kw))


@colander.deferred
def _assignee_validator(node, kw):
    return colander.OneOf([v for v, _t in _staff_choices(kw)])


class CategorySchema(colander.Schema):
    title = colander.SchemaNode(colander.String(), title="Название", validator=colander.Length(2, 100))
    description = colander.SchemaNode(
        colander.String(), title="Подсказка для жителя", missing="",
        widget=deform.widget.TextAreaWidget(rows=2), validator=colander.Length(max=500))
    default_role = colander.SchemaNode(
        colander.String(), title="Кому направлять: роль", missing="",
        widget=_role_widget, validator=_role_validator)
    default_assignee = colander.SchemaNode(
        colander.String(), title="Кому направлять: сотрудник (важнее роли)", missing="",
        widget=_assignee_widget, validator=_assignee_validator)
    sla_first_hours = colander.SchemaNode(
        colander.Integer(), title="Срок первого ответа, рабочих часов", default=16,
        validator=colander.Range(1, 2000, min_err="Не меньше 1 часа", max_err="Не больше 2000 часов"))
    sla_resolution_days = colander.SchemaNode(
        colander.Integer(), title="Срок решения, рабочих дней", default=10,
        validator=colander.Range(1, 365, min_err="Не меньше 1 дня", max_err="Не больше 365 дней"))
    order = colander.SchemaNode(colander.Integer(), title="Порядок в списке", missing=100,
                                validator=colander.Range(0, 10000))
    active = colander.SchemaNode(colander.Boolean(), title="Доступна жителям", missing=False, default=True)


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
        folder.add(Category(title=title, sla_first_hours=hours, sla_resolution_days=days, order=order * 10,
                            active=True, default_role="", default_assignee="", description=""))
    folder.appeals_seeded = True
