"""The demo data: idempotent, with a working appeals specialist; its
appeals in their states on any day."""
import datetime as dt

import pytest

from lk_platform.demo import load_demo
from lk_platform.util.dates import utcnow

pytestmark = pytest.mark.calendar  # the demo's appeals are dated back from today in working days


def test_demo_data_is_idempotent(appeals, lk_demo):
    before = {org: appeals.count(org) for org in ("vodokanal", "uk-dom", "uk-dom-sever")}
    assert before == {"vodokanal": 3, "uk-dom": 1, "uk-dom-sever": 1}
    with appeals.db() as platform:
        load_demo(platform, lk_demo.registry)
    assert {org: appeals.count(org) for org in before} == before
    with appeals.db() as platform:
        assert len(platform.organisations["vodokanal"]["appeal_categories"]) == 5
        assert platform.organisations["uk-dom"].staff["appeals.ukdom"] == ("appeals_operator",)
        roof = platform.organisations["uk-dom"]["appeals"]["1"]
        assert roof.status == "waiting" and [a.content_type for a in roof._attachments.values()] == ["image/png"]
    # The demo staff member logs in with the demo password.
    assert appeals.browser("appeals.ukdom").get("/o/uk-dom/appeals/@@queue").status_int == 200


def test_the_demos_appeals_are_in_their_states_on_any_day(appeals):
    """Counted back in working days, the demo looks the same on a Monday
    morning, a Saturday or after the New Year holidays."""
    now = utcnow()
    with appeals.db() as platform:
        found = {}
        for slug in ("vodokanal", "uk-dom", "uk-dom-sever"):
            for appeal in platform.organisations[slug]["appeals"].values():
                found[appeal.subject] = (appeal.status, appeal.deadline is not None and appeal.deadline < now,
                                         appeal.created < now)
    assert found == {
        "Нет горячей воды с 3 по 10 число": ("in_progress", False, True),
        "Ржавая вода из крана": ("resolved", False, True),
        "Поверка счётчика холодной воды": ("new", True, True),          # unanswered: overdue
        "Протекает крыша над кухней": ("waiting", False, True),
        "Не работает домофон": ("new", False, True),                    # just came: not yet
    }
    # The resolved one was resolved long enough ago that it can no longer be reopened (7 days).
    with appeals.db() as platform:
        rusty = next(a for a in platform.organisations["vodokanal"]["appeals"].values() if a.status == "resolved")
        assert now - rusty.resolved_at > dt.timedelta(days=7)
