"""Recording a staff action in the audit log of its organisation (or the platform's)."""
from __future__ import annotations

import datetime as dt

from pyramid.traversal import resource_path

from lk_platform.model.auditlog import AuditEntry
from lk_platform.model.organisations import find_organisation
from lk_platform.model.platform import get_platform


def _show(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(str(v) for v in value)
    text = str(value)
    return text if len(text) <= 200 else text[:197] + "..."


def audit(request, action: str, target=None, changes=None, organisation=None):
    """Record a staff action. ``changes`` is ``{field: (old, new)}``."""
    org = organisation if organisation is not None else (
        find_organisation(target) if target is not None else getattr(request, "organisation", None))
    who = request.environ.get("lk.actor") or request.authenticated_userid or "-"
    path = ""
    title = ""
    if target is not None:
        try:
            path = resource_path(target)
        except Exception:
            path = str(getattr(target, "__name__", ""))
        title = getattr(target, "display_title", "") or str(getattr(target, "__name__", "") or "")
    entry = AuditEntry(
        when=dt.datetime.now(dt.timezone.utc), who=who, action=action, target=path, title=title,
        changes=tuple((k, _show(o), _show(n)) for k, (o, n) in sorted((changes or {}).items())),
        organisation=org.slug if org is not None else "", address=request.client_addr or "")
    log = org.audit if org is not None else get_platform(request).audit
    log.add(entry)
    return entry
