"""The demo data: idempotent, with a working appeals specialist."""
from lk_platform.demo import load_demo


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
