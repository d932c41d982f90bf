"""lk_platform.caching.rendercache and lk_platform.model.stamps on a real (in-memory) ZODB."""
import transaction
import ZODB
from persistent.mapping import PersistentMapping
from ZODB.MappingStorage import MappingStorage

from lk_platform.caching import rendercache
from lk_platform.model.stamps import changes, touch


def test_entries_follow_the_committed_state_of_every_dependency():
    db = ZODB.DB(MappingStorage())
    tm = transaction.TransactionManager()
    conn = db.open(tm)
    try:
        root = conn.root()
        root["a"], root["b"] = PersistentMapping(x=1), PersistentMapping(y=2)
        new = PersistentMapping()
        calls = []

        def build():
            calls.append(1)
            return "%s/%s" % (root["a"]["x"], root["b"]["y"])
        deps = [root["a"], root["b"], "ru"]
        # not yet committed: built every time, never stored
        assert rendercache.cached(deps, "k", build) == "1/2" and rendercache.cached(deps, "k", build) == "1/2"
        assert len(calls) == 2
        tm.commit()
        assert rendercache.cached(deps, "k", build) == "1/2" and rendercache.cached(deps, "k", build) == "1/2"
        assert len(calls) == 3
        assert rendercache.cached(deps, "other key", build) == "1/2" and len(calls) == 4
        root["b"]["y"] = 5                       # changed, uncommitted: built, not stored
        assert rendercache.cached(deps, "k", build) == "1/5" and len(calls) == 5
        tm.commit()
        conn.cacheMinimize()                     # ghosts: their serial is read on activation
        assert rendercache.cached(deps, "k", build) == "1/5" and len(calls) == 6
        assert rendercache.cached(deps, "k", build) == "1/5" and len(calls) == 6
        assert rendercache.cached([root["a"], root["b"], "en"], "k", build) == "1/5" and len(calls) == 7
        assert rendercache.cached([new], "k", build) and len(calls) == 8    # never stored: no oid
        assert rendercache.cached([new], "k", build) and len(calls) == 9
    finally:
        tm.abort()
        conn.close()
        db.close()


def test_a_touched_counter_invalidates_without_rewriting_its_owner():
    db = ZODB.DB(MappingStorage())
    tm = transaction.TransactionManager()
    conn = db.open(tm)
    try:
        root = conn.root()
        root["account"] = account = PersistentMapping()
        tm.commit()
        assert changes(account) is account     # no counter yet: the object stands for itself
        touch(account)                           # the first touch adds the counter to its owner
        tm.commit()
        serial = account._p_serial
        counter = changes(account)
        calls = []
        assert rendercache.cached([account, counter], "k", lambda: calls.append(1) or len(calls)) == 1
        assert rendercache.cached([account, counter], "k", lambda: calls.append(1) or len(calls)) == 1
        touch(account)
        tm.commit()
        assert account._p_serial == serial      # the owner itself was not written again
        assert rendercache.cached([account, counter], "k", lambda: calls.append(1) or len(calls)) == 2
    finally:
        tm.abort()
        conn.close()
        db.close()


def test_size_is_bounded_in_bytes():
    rendercache.clear()
    old = rendercache.stats()["limit"]
    rendercache.configure(10_000)
    try:
        for n in range(100):
            rendercache.put(("k", n), "x" * 1000)
        stats = rendercache.stats()
        assert stats["bytes"] <= 10_000 and 5 <= stats["entries"] < 100
        assert rendercache.get(("k", 99)) is not None and rendercache.get(("k", 0)) is None
    finally:
        rendercache.configure(old)
        rendercache.clear()
