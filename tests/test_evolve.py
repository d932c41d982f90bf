"""The core's evolve step: a database that lacks an index gets it back,
filled from stored objects; a new database records every step as done."""
from lk_platform.model.evolve import pending, run_pending


def test_new_database_has_no_pending_steps(lk_app, lk_db):
    with lk_db as platform:
        assert "core:001-catalog-indexes" in platform.evolved
        assert pending(platform, lk_app.registry) == []


def test_missing_index_is_rebuilt_by_the_step(lk_demo, lk_db):
    with lk_db as platform:
        accounts = platform.organisations["vodokanal"]["accounts"]
        del accounts.catalog["f_holder"]
        del platform.evolved["core:001-catalog-indexes"]
    with lk_db as platform:
        assert [s.name for s in pending(platform, lk_demo.registry)] == ["core:001-catalog-indexes"]
        done = run_pending(platform, lk_demo.registry, lk_db.tm)
        assert done == ["core:001-catalog-indexes"]
    with lk_db as platform:
        accounts = platform.organisations["vodokanal"]["accounts"]
        total, found = accounts.query(eq={"holder": "Иванов Иван Иванович"})
        assert [a.number for a in found] == ["1000001"]
        assert pending(platform, lk_demo.registry) == []
