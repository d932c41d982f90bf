"""Answering a session's repeated request for a cached page before Pyramid runs.

A cabinet page costs far more in the framework around it (transaction,
connection, session cookie, traversal, security, view lookup) than in
reading it from :mod:`lk_platform.caching.pagecache`. So when the page cache stores
or serves a page for a logged-in session, it also files it here under the
exact request: host, scheme, path, query and the whole ``Cookie`` header
(the signed session cookie names the session, its user and CSRF token; the
language cookie the language). The next identical request is answered by
this WSGI middleware after checking, in a fresh ZODB connection, that:

- the login session still exists and is within its lifetime (logging out,
  a password change or blocking the user ends it at once);
- the session cookie is younger than its re-issue time (otherwise Pyramid
  runs and re-issues it, as it would have);
- every object the page depended on has the serial it had (the user, the
  context and its organisations with their role counters, the data the
  view named) and no time limit (the organisation's midnight...) passed.

Anything else, or any doubt, goes to Pyramid as usual. Pages whose
dependencies include values that cannot be re-checked this way (a missing
object, a plain value) are never filed here.
"""
from __future__ import annotations

import threading
import time

import transaction
from ZODB.POSException import POSKeyError

from lk_platform.caching import rendercache
from lk_platform.caching.rendercache import State, Until
from lk_platform.model import sessions
from lk_platform.model.platform import ROOT_KEY

KEY = "lk.edge.key"
_local = threading.local()


#: pages rendered and stored, served by the page cache, and served here
counts = {"served": 0, "rendered": 0, "edge": 0}

class Entry:
    __slots__ = ("db", "deps", "until", "renewed", "reissue", "digest", "login", "status", "headers", "body",
                 "cost")

    def __init__(self, **values):
        for name, value in values.items():
            setattr(self, name, value)
        self.cost = len(self.body) + 64 * len(self.deps) + 200


def request_key(environ):
    cookie = environ.get("HTTP_COOKIE")
    if environ.get("REQUEST_METHOD") != "GET" or not cookie:
        return None
    return ("edge", environ.get("wsgi.url_scheme"), environ.get("HTTP_HOST"), environ.get("SCRIPT_NAME", ""),
            environ.get("PATH_INFO"), environ.get("QUERY_STRING", ""), cookie)


def offer(request, stamp, status, headers, body):
    """File a page the page cache produced for ``request`` (see pagecache)."""
    key = request.environ.get(KEY)
    user = request.user
    token = request.session.get(sessions.SESSION_KEY)
    reissue = request.registry.lk.session_reissue
    if key is None or user is None or not token or reissue is None:
        return
    deps, until, db = [], None, None
    for item in stamp:
        if isinstance(item, State):
            db = db if db is not None else item[0]
            if item[0] is not db:
                return
            deps.append((item[1], item[2]))
        elif isinstance(item, Until):
            until = item.moment if until is None else min(until, item.moment)
        else:
            return          # a value this middleware could not re-check
    rendercache.put(key, Entry(db=db, deps=tuple(deps), until=until, renewed=request.session.renewed,
                               reissue=reissue, digest=sessions.digest(token), login=user.login, status=status,
                               headers=tuple(headers) + (("Content-Length", str(len(body))),), body=body),
                    replace=True)


class EdgeCache:
    """WSGI middleware in front of the Pyramid router (see the module's doc)."""

    def __init__(self, app, registry):
        self.app = app
        self.registry = registry
        self.db = registry.lk.database
        self._counts = counts

    def __call__(self, environ, start_response):
        key = request_key(environ)
        if key is not None:
            entry = rendercache.get(key)
            if entry is not None and self._fresh(entry):
                self._counts["edge"] += 1
                start_response(entry.status, list(entry.headers))
                return [entry.body]
            environ[KEY] = key
        return self.app(environ, start_response)

    def _fresh(self, entry) -> bool:
        now = time.time()
        if now - entry.renewed > entry.reissue or (entry.until is not None and now >= entry.until):
            return False
        tm = getattr(_local, "tm", None)
        if tm is None:
            tm = _local.tm = transaction.TransactionManager()
        conn = self.db.open(tm)
        try:
            if rendercache._db_token(self.db) is not entry.db:
                return False
            login = conn.root()[ROOT_KEY].login_sessions.get(entry.digest)
            if login is None or login.login != entry.login or now - login.created > sessions.LIFETIME:
                return False
            for oid, serial in entry.deps:
                obj = conn.get(oid)
                if obj._p_changed is None:
                    obj._p_activate()
                if obj._p_serial != serial:
                    return False
            return True
        except (KeyError, POSKeyError):
            return False
        finally:
            tm.abort()
            conn.close()
