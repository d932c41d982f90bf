"""Who works on appeals: the plugin's permissions and staff roles, the
delegation right a resident gives to let someone else write for an
account, and the staff an appeal may be routed to."""
from __future__ import annotations

from lk_platform.model.organisations import Organisation
from lk_platform.plugins.declarations import Role

from .i18n import _

#: answer appeals, change statuses and assignees, download the report
MANAGE = "appeals.manage"
#: edit categories: routes and deadlines
CONFIGURE = "appeals.configure"
#: The delegation right that lets a non-holder write appeals for an account.
RIGHT = "appeals.write"

ROLES = (
    Role("appeals_operator", _("Специалист по обращениям"), ("admin.view", MANAGE),
         description=_("Отвечает на обращения, меняет статусы и исполнителей, выгружает отчёт")),
    Role("appeals_head", _("Руководитель по обращениям"), ("admin.view", MANAGE, CONFIGURE),
         description=_("То же и настройка категорий, маршрутов и сроков")),
)


def staff_roles(registry):
    """Roles whose holders work on appeals (they have ``appeals.manage``)."""
    return [r for r in registry.lk.roles.values() if MANAGE in r.permissions]


def eligible_staff(organisation, registry):
    """``{login: roles}`` of staff who may work on the organisation's appeals,
    including the parent organisation's (their roles reach sub-organisations)."""
    wanted = {r.name for r in staff_roles(registry)}
    found = {}
    node = organisation
    while isinstance(node, Organisation):
        for login, roles in node.staff.items():
            roles = tuple(r for r in roles if r in wanted)
            if roles:
                found[login] = tuple(sorted(set(found.get(login, ())) | set(roles)))
        node = node.__parent__
    return dict(sorted(found.items()))


def roles_of(login, organisation):
    """The roles ``login`` holds at ``organisation`` and the organisations above it."""
    roles = set()
    node = organisation
    while isinstance(node, Organisation):
        roles.update(node.staff.get(login, ()))
        node = node.__parent__
    return sorted(roles)
