"""The per-period index answers the staff list's filters from sets, and
agrees with a brute-force filter over the same readings after puts,
status changes, moves between buildings, removals and bulk loading."""
import random
from decimal import Decimal

from lk_meters.readings import FILTERS, PeriodIndex, Reading


class FakeMeter:
    def __init__(self, meter_id, resource, building):
        self.id, self.resource, self.building = meter_id, resource, building


def reading(status, source):
    return Reading(period=202611, seq=0, values=(), submitted=0, by_kind="resident", by="x", source=source,
                   status=status)


def brute(truth, offset, limit, **filters):
    ids = sorted(i for i, meta in truth.items()
                 if all(not filters.get(f) or meta[k] == (filters[f].lower() if f == "building" else filters[f])
                        for k, f in enumerate(FILTERS)))
    return len(ids), ids[offset:offset + limit]


def test_query_agrees_with_a_brute_force_filter():
    rng = random.Random(7)
    index, truth = PeriodIndex(202611), {}
    statuses, resources = ("received", "accepted", "rejected", "exported"), ("cold_water", "hot_water", "heat")
    buildings, sources = ("Г. Москва|Садовая|5|", "г. москва|лесная|8|", ""), ("web", "mobile", "call")
    meters = {}
    for meter_id in range(1, 3001):
        meters[meter_id] = FakeMeter(meter_id, rng.choice(resources), rng.choice(buildings))
    bulk = []
    for meter_id in range(1, 1501):               # half loaded in bulk, half one by one
        m, st, so = meters[meter_id], rng.choice(statuses), rng.choice(sources)
        bulk.append((meter_id, (st, m.resource, m.building, so)))
        truth[meter_id] = (st, m.resource, m.building.lower(), so)
    index.bulk_add(bulk)
    for meter_id in range(1501, 3001):
        m, st, so = meters[meter_id], rng.choice(statuses), rng.choice(sources)
        index.put(m, reading(st, so))
        truth[meter_id] = (st, m.resource, m.building.lower(), so)
    for _ in range(500):                          # status changes, moves, removals
        meter_id = rng.randrange(1, 3001)
        action = rng.random()
        if meter_id not in truth:
            continue
        if action < 0.6:
            st = rng.choice(statuses)
            index.put(meters[meter_id], reading(st, truth[meter_id][3]))
            truth[meter_id] = (st,) + truth[meter_id][1:]
        elif action < 0.8:
            meters[meter_id].building = rng.choice(buildings)
            index.retag(meters[meter_id])
            truth[meter_id] = truth[meter_id][:2] + (meters[meter_id].building.lower(), truth[meter_id][3])
        else:
            index.remove(meter_id)
            del truth[meter_id]
    assert len(index) == len(truth)
    for _ in range(200):
        filters = {f: rng.choice((None,) + values) for f, values in
                   zip(FILTERS, (statuses, resources, buildings[:2], sources))}
        filters = {k: v for k, v in filters.items() if v}
        offset = rng.choice((0, 0, 50, 400))
        assert index.query(offset=offset, limit=50, **filters) == brute(truth, offset, 50, **filters), filters
    assert index.query(status="received", resource="nothing") == (0, [])
    assert set(index.values_of("resource")) == {m[1] for m in truth.values()}
    assert index.count("status", "rejected") == sum(1 for m in truth.values() if m[0] == "rejected")


def test_cached_intersections_follow_committed_changes(lk_app, lk_db):
    """Two-filter results are cached per committed version of the index:
    a change committed by another connection shows on the next query."""
    with lk_db as platform:
        platform.test_index = PeriodIndex(202611)
        index = platform.test_index
        index.bulk_add([(i, ("received", "cold_water" if i % 2 else "hot_water", "", "web")) for i in range(1, 101)])
    with lk_db as platform:
        first = platform.test_index.query(status="received", resource="cold_water", limit=100)
        assert first[0] == 50
        assert platform.test_index.query(status="received", resource="cold_water", limit=100) == first
    with lk_db as platform:
        platform.test_index.put(FakeMeter(1, "cold_water", ""), reading("accepted", "web"))
        # inside the changing transaction: never the cached answer
        assert platform.test_index.query(status="received", resource="cold_water", limit=100)[0] == 49
    with lk_db as platform:
        total, ids = platform.test_index.query(status="received", resource="cold_water", limit=100)
        assert total == 49 and 1 not in ids
        assert platform.test_index.query(status="accepted", resource="cold_water") == (1, [1])


def test_objects_pickled_under_the_old_module_paths_still_load():
    """Meters, readings, period indexes and window overrides were stored as
    lk_meters.meters / .readings / .windows objects before they moved to
    lk_meters.models: those paths still resolve to the same classes."""
    import pickle

    from lk_meters import models

    def stored_under(obj, old):
        return pickle.loads(pickle.dumps(obj, protocol=1).replace(b"lk_meters.models\n", old.encode() + b"\n"))

    reading = Reading(202611, 0, (Decimal("1.5"),), 1, "resident", "ivanov", "web", warnings=("Срок поверки истёк",))
    assert stored_under(reading, "lk_meters.readings") == reading
    assert stored_under(models.PeriodIndex, "lk_meters.readings") is models.PeriodIndex
    assert stored_under(models.Meter, "lk_meters.meters") is models.Meter
    assert stored_under(models.WindowOverride, "lk_meters.windows") is models.WindowOverride
