"""Two browsers submit for the same meter and period at the same moment.

Both requests run in their own threads with their own ZODB connections on
the same FileStorage; a barrier holds each until both have read the meter,
so their transactions really overlap. The second commit conflicts, and
pyramid_retry re-runs that request on top of the first: both readings end
up in the history, exactly one is current, nothing is lost.
"""
import threading
from decimal import Decimal

from lk_meters import submission
from lk_meters.readings import current, latest, period_readings
from lk_platform.testing import Browser


def test_two_browsers_at_once_both_land_in_history_one_is_current(lk_demo, lk_db, monkeypatch, kit):
    with lk_db as platform:
        o = platform.organisations["vodokanal"]
        meter = kit.meter_by_serial(o, "ХВ-1000011")
        mid, last = meter.__name__, latest(meter).values[0]
    values = {"a": last + Decimal("1.111"), "b": last + Decimal("2.222")}
    browsers = {}
    for name in values:
        browsers[name] = Browser(lk_demo)
        browsers[name].login("ivanov")
        browsers[name].csrf_token = browsers[name].csrf()

    barrier = threading.Barrier(2, timeout=20)
    calls = []
    real_save = submission.save

    def save_after_both_read(*args, **kw):
        calls.append(threading.current_thread().name)
        if calls.count(threading.current_thread().name) == 1:
            barrier.wait()          # first attempt of each request: wait for the other one
        return real_save(*args, **kw)

    monkeypatch.setattr("lk_meters.views.resident.save", save_after_both_read)
    results = {}

    def submit(name):
        b = browsers[name]
        results[name] = b.app.post("/o/vodokanal/readings", {"m%s-t1" % mid: kit.value_text(values[name]),
                                                             "csrf_token": b.csrf_token}, expect_errors=True)

    threads = [threading.Thread(target=submit, args=(n,), name=n) for n in values]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert {n: r.status_int for n, r in results.items()} == {"a": 303, "b": 303}
    assert len(calls) == 3, calls        # one request ran twice: its first commit conflicted

    with lk_db as platform:
        o = platform.organisations["vodokanal"]
        meter = kit.meter_by_serial(o, "ХВ-1000011")
        stored = period_readings(meter, kit.period_now(o))
        assert sorted(r.values[0] for r in stored) == sorted(values.values())
        assert [r.superseded for r in stored] == [True, False]
        retried = calls[-1]
        assert current(meter, kit.period_now(o)).values[0] == values[retried]   # the re-run came last
        from lk_meters.readings import period_index
        index = period_index(o, kit.period_now(o))
        assert len(index) == 1 and index.meta(meter.id)[0] == "received"
