"""The demo data: meters of every kind for the demo accounts, 36 months of
readings, idempotent."""
from lk_meters.meters import meters_folder
from lk_meters.readings import current_readings
from lk_platform.demo import load_demo


def counts(lk_db):
    with lk_db as platform:
        out = {}
        for slug in ("vodokanal", "uk-dom", "uk-dom-sever"):
            o = platform.organisations[slug]
            out[slug] = (len(meters_folder(o)), sum(len(m.history) for m in meters_folder(o).values()))
        return out


def test_demo_has_every_kind_and_is_idempotent(lk_demo, lk_db, kit):
    first = counts(lk_db)
    with lk_db as platform:
        load_demo(platform, lk_demo.registry)
    assert counts(lk_db) == first
    with lk_db as platform:
        o = platform.organisations["uk-dom"]
        assert len(current_readings(kit.meter_by_serial(o, "ХВ-2000011"))) == 36
        assert kit.meter_by_serial(o, "Э-2000013").tariffs == 2 and kit.meter_by_serial(o, "Т-2000014").automatic
        v = platform.organisations["vodokanal"]
        old = kit.meter_by_serial(v, "ХВ-0990013")
        assert old.status == "replaced" and old.replaced_by == kit.meter_by_serial(v, "ХВ-1000014").__name__
        assert o.plugin_settings("meters")["window_start"] == 20
