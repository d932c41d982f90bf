"""Finding 5 of issue #9, kept fixed:

    **Identity across retries**: the logged-in user object (and principals)
    is cached in the WSGI environ (see lk_platform/auth/security.py: environ
    keys like "lk.identity"), which pyramid_retry reuses for the retried
    attempt; after a ZODB ConflictError the retried attempt holds an object
    from another attempt's connection and its writes are silently lost.

The identity and the principals are now cached on the request object (one
per attempt), and a ``pyramid_retry.IBeforeRetry`` subscriber drops anything
connection-bound a plugin may still have left in the environ. The tests force
a real ConflictError on the first attempt of a request that writes to the
user object and check that the retried attempt's write lands.
"""
from __future__ import annotations

import pytest
import transaction
from persistent import Persistent
from pyramid.interfaces import IContextFound
from pyramid.request import Request
from pyramid_retry import BeforeRetry
from pyramid_zodbconn import ZODBConnectionClosed

from lk_platform.model.platform import ROOT_KEY
from lk_platform.testing import DB, Browser, close_app, make_settings


@pytest.fixture
def lk_demo(lk_demo_copy):
    return lk_demo_copy


def connection_bound(value, depth=0):
    """Whether ``value`` is (or directly holds) a persistent object."""
    if isinstance(value, Persistent) or getattr(value, "_p_jar", None) is not None:
        return True
    if depth < 2 and isinstance(value, dict):
        return any(connection_bound(v, depth + 1) for v in list(value.keys()) + list(value.values()))
    if depth < 2 and isinstance(value, (list, tuple, set, frozenset)):
        return any(connection_bound(v, depth + 1) for v in value)
    return False


class ConflictOnFirstAttempt:
    """Makes the first attempt of ``path`` lose a real write conflict on the
    user ``login``: once traversal has found the view, another connection
    commits a change to that user. When the first attempt's connection goes
    back to the pool, another worker thread (simulated: a connection opened
    with its own transaction manager and held) takes it, as happens under
    waitress with several threads, so the retried attempt gets a different
    connection."""

    def __init__(self, app, path, login):
        self.db = app.registry.lk.database
        self.path, self.login = path, login
        self.attempts = []
        self.held = None
        app.registry.registerHandler(self.context_found, (IContextFound,))
        app.registry.registerHandler(self.connection_closed, (ZODBConnectionClosed,))

    def ours(self, request):
        return request.path_info == self.path

    def context_found(self, event):
        request = event.request
        if not self.ours(request):
            return
        attempt = request.environ.get("retry.attempt", 0)
        self.attempts.append(attempt)
        if attempt == 0:
            tm = transaction.TransactionManager()
            conn = self.db.open(tm)
            try:
                tm.begin()
                conn.root()[ROOT_KEY].users[self.login].phone = "+7 900 000-00-01"
                tm.commit()
            finally:
                conn.close()

    def connection_closed(self, event):
        if self.ours(event.request) and event.request.environ.get("retry.attempt") == 0:
            tm = transaction.TransactionManager()
            self.held = (tm, self.db.open(tm))

    def release(self):
        if self.held is not None:
            tm, conn = self.held
            tm.abort()
            conn.close()


def test_the_retried_attempt_writes_to_its_own_user_object(lk_demo):
    b = Browser(lk_demo)
    assert b.login("petrova").status_int == 303
    race = ConflictOnFirstAttempt(lk_demo, "/language", "petrova")
    try:
        response = b.post_csrf("/language", {"language": "en", "next": "/cabinet"})
    finally:
        race.release()
    assert response.status_int == 303
    assert race.attempts == [0, 1], "the first attempt must have lost a conflict and been retried"
    with DB(lk_demo) as platform:
        user = platform.users["petrova"]
        assert user.phone == "+7 900 000-00-01"   # the concurrent writer's change
        assert user.locale == "en"                # and the retried attempt's, not lost
    assert not [k for k, v in response.request.environ.items() if connection_bound(v)]


def test_no_connection_bound_objects_stay_in_the_environ(lk_demo):
    """After pages that compute identities, principals, menus, the page cache
    and the admin, nothing in the environ belongs to a ZODB connection."""
    b = Browser(lk_demo)
    assert b.login("petrova").status_int == 303
    staff = Browser(lk_demo)
    assert staff.login("admin.vodokanal").status_int == 303
    for client, path in ((b, "/cabinet"), (b, "/cabinet"), (staff, "/o/vodokanal/@@admin"),
                         (staff, "/o/vodokanal/accounts/@@admin"), (b, "/login")):
        response = client.get(path, expect_errors=True)
        assert response.status_int < 500, path
        leaked = [k for k, v in response.request.environ.items() if connection_bound(v)]
        assert not leaked, (path, leaked)


def test_before_retry_drops_connection_bound_values(tmp_path):
    """The IBeforeRetry subscriber make_app installs removes what a plugin
    may have cached in the environ from the discarded attempt's connection,
    and keeps plain values."""
    from lk_platform.app import make_app
    app = make_app(make_settings(tmp_path, **{"lk.retry_backoff_ms": "0", "lk.retry_backoff_max_ms": "0"}))
    try:
        with DB(app) as platform:
            request = Request.blank("/", environ={"retry.attempt": 0})
            request.registry = app.registry
            request.environ.update({"plugin.user": platform.users, "plugin.cache": {"k": (platform,)},
                                    "lk.actor": "cli:someone", "lk.identity": platform})
            app.registry.notify(BeforeRetry(request, Exception("conflict")))
            assert "plugin.user" not in request.environ
            assert "plugin.cache" not in request.environ
            assert "lk.identity" not in request.environ
            assert request.environ["lk.actor"] == "cli:someone"
    finally:
        close_app(app)
