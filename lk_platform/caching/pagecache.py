"""Whole cabinet pages, reused while nothing they show has changed.

A view opts in with ``lk_cache=depends`` in its ``view_config``, where
``depends(context, request)`` returns the persistent objects that its page
is made of beyond what every page reads (and :class:`~lk_platform.caching.rendercache.Until`
for time), or None to render afresh this time::

    @view_config(context=Account, name="debt", renderer="...", lk_cache=lambda c, r: [ledger_for(...)])

What every page reads is added here: the context and its lineage's
organisations (with their change counters, which role changes move), the
organisation's plugin settings and containers, the user and every account
linked to them, and the end of the organisation's day; the key adds the principals, the address with its
query, locale and theme. A page is served from the cache only when all of
those are in the same committed state as when it was rendered (see
:mod:`lk_platform.caching.rendercache`). It is never cached when it is not a 200
HTML answer to a GET, sets cookies, or when flash messages wait to be shown;
the CSRF token is left out of the cached copy and put back per request, so
one copy serves all the user's sessions.

A cached page is served only through Pyramid: after traversal, the
permission check and the response policy, never before them. Every page
also depends on the platform's access counter (deletions, links, roles,
blocked users: :func:`lk_platform.model.stamps.touch_access`); a page with
a section left out because a plugin failed is never stored; keys are a
digest of the request's address, locale, theme and principals, and count
against the memory bound.

A view whose page shows something else (another object, the time) must
name it in ``depends``; a view with side effects (read marks) must not opt
in. ``lk.page_cache = false`` in the settings turns the cache off.
"""
from __future__ import annotations

import datetime as dt
import hashlib

from pyramid.response import Response
from pyramid.settings import asbool

from lk_platform.auth.security import principals_at
from lk_platform.caching import rendercache
from lk_platform.caching.rendercache import Until
from lk_platform.model.organisations import Organisation
from lk_platform.model.platform import get_platform
from lk_platform.model.stamps import access, changes
from lk_platform.plugins.manager import DEGRADED
from lk_platform.util.dates import utcnow

MARKS_KEY = "lk.page_cache.marks"

#: pages served from the cache and rendered for it, since start (for tests and benchmarks)
counts = {"served": 0, "rendered": 0}


#: Stands for the session's CSRF token in a cached page; filled in per request.
CSRF_MARK = "\ue000csrf\ue000"

def lk_page_cache(view, info):
    depends = info.options.get("lk_cache")
    if depends is None or not asbool(info.registry.settings.get("lk.page_cache", True)):
        return view
    view_key = (info.original_view.__module__, getattr(info.original_view, "__qualname__", repr(info.original_view)),
                info.options.get("name") or "")

    def cached_view(context, request):
        if request.method != "GET" or request.session.peek_flash():
            return view(context, request)
        extra = depends(context, request)
        if extra is None:
            return view(context, request)
        deps = _common(context, request) + list(extra)
        stamp = rendercache.fingerprint(deps)
        if stamp is None:
            return view(context, request)
        api = request.api
        key = (stamp, ("page",) + view_key + (_digest(request.host_url, request.path_qs, api.locale, api.theme,
                                                      *_principals(request, context)),))
        found = rendercache.get(key)
        if found is None:
            request.environ[MARKS_KEY] = True
            try:
                response = view(context, request)
            finally:
                del request.environ[MARKS_KEY]
            if not _cacheable(response) or request.environ.get(DEGRADED):
                return _filled(response, api)
            found = (response.status, [(k, v) for k, v in response.headerlist if k.lower() != "content-length"],
                     response.body)
            rendercache.put(key, found)
            counts["rendered"] += 1
        else:
            counts["served"] += 1
        status, headers, body = found
        body = _fill(body, api)
        return Response(status=status, headerlist=list(headers), body=body)

    return cached_view


lk_page_cache.options = ("lk_cache",)


def cached_answers() -> int:
    """Answers given from the cache since start."""
    return counts["served"]


def _digest(*parts) -> bytes:
    """16 bytes standing for the request's side of a key: bounded whatever
    the address's length, and unambiguous (lengths are part of the input)."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = str(part).encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.digest()


def _principals(request, context):
    return principals_at(request, context)


def _common(context, request):
    deps = [context, request.user, access(get_platform(request))]
    org = request.organisation
    node = context
    while node is not None:
        if isinstance(node, Organisation):
            deps += [node, changes(node), node._settings, node._containers]
        node = getattr(node, "__parent__", None)
    if org is not None:
        deps.append(Until(next_midnight(org)))
    return deps + _links(request)


def _links(request):
    """Every account the user is linked to, whether or not it is shown:
    which of them a page lists depends on the accounts' holders, delegates
    and rights, so a change to any of them must reach the page (a missing
    account stands as its folder's change counter)."""
    user = request.user
    if user is None or not user.accounts:
        return []
    orgs = get_platform(request).organisations
    deps = []
    for slug, number in user.accounts:
        org = orgs.get(slug)
        folder = org.get("accounts") if org is not None else None
        account = folder.get(number) if folder is not None else None
        deps.append(account if account is not None else changes(folder) if folder is not None else changes(orgs))
    return deps


def next_midnight(org) -> float:
    now = utcnow().astimezone(org.tz)
    midnight = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(), tzinfo=org.tz)
    return midnight.timestamp()


def _cacheable(response) -> bool:
    return (response.status_code == 200 and response.content_type == "text/html"
            and "Set-Cookie" not in response.headers)


def _fill(body: bytes, api) -> bytes:
    mark = CSRF_MARK.encode()
    if mark in body:
        body = body.replace(mark, api.csrf_token_value.encode())
    return body


def _filled(response, api):
    if response.content_type == "text/html" and response.body:
        response.body = _fill(response.body, api)
    return response


def marking(request) -> bool:
    """True while a page is being rendered for the cache (per-request
    values are then written as marks)."""
    return MARKS_KEY in request.environ
