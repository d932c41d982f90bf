"""Whole cabinet pages, reused while nothing they show has changed.

A view opts in with ``lk_cache=depends`` in its ``view_config``, where
``depends(context, request)`` returns the persistent objects (and plain
hashable values) that its page is made of beyond what every page reads, or
None to render afresh this time::

    @view_config(context=Account, name="debt", renderer="...", lk_cache=lambda c, r: [ledger_for(...)])

What every page reads is added here: the context, the organisation and its
plugin settings, the user, the principals at the context, the address with
its query, locale, theme and the organisation's date. A page is served from
the cache only when all of those are in the same committed state as when it
was rendered (see :mod:`lk_platform.rendercache`). It is never cached when
it is not a 200 HTML answer to a GET, sets cookies, or when flash messages
wait to be shown; the CSRF token is left out of the cached copy and put back
per request, so one copy serves all the user's sessions.

A view whose page shows something else (another object, the time) must
name it in ``depends``; a view with side effects (read marks) must not opt
in. ``lk.page_cache = false`` in the settings turns the cache off.
"""
from __future__ import annotations

from pyramid.response import Response
from pyramid.settings import asbool

from . import rendercache

MARKS_KEY = "lk.page_cache.marks"

#: pages served from the cache and rendered for it, since start (for /health and tests)
counts = {"served": 0, "rendered": 0}


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
        stamp = rendercache.fingerprint(_common(context, request) + list(extra))
        if stamp is None:
            return view(context, request)
        api = request.api
        key = (stamp, ("page",) + view_key + (request.host_url, request.path_qs, api.locale, api.theme))
        found = rendercache.get(key)
        if found is None:
            request.environ[MARKS_KEY] = True
            try:
                response = view(context, request)
            finally:
                del request.environ[MARKS_KEY]
            if not _cacheable(response):
                return _filled(response, api)
            found = (response.status, [(k, v) for k, v in response.headerlist if k.lower() != "content-length"],
                     response.body)
            rendercache.put(key, found)
            counts["rendered"] += 1
        else:
            counts["served"] += 1
        status, headers, body = found
        return Response(status=status, headerlist=list(headers), body=_fill(body, api))

    return cached_view


lk_page_cache.options = ("lk_cache",)


def _common(context, request):
    from .dates import org_today
    from .security import principals_at
    org = request.organisation
    deps = [context, request.user, tuple(principals_at(request, context))]
    if org is not None:
        deps += [org, org._settings, org_today(org)]
    return deps


def _cacheable(response) -> bool:
    return (response.status_code == 200 and response.content_type == "text/html"
            and "Set-Cookie" not in response.headers)



def _fill(body: bytes, api) -> bytes:
    from .themes import CSRF_MARK
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
