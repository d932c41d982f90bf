"""The audit log views: what staff did appears, newest first, filtered, in
the organisation's time zone, and only to those allowed to read it."""
from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from lk_platform.testing import DB, Browser


@pytest.fixture
def lk_demo(lk_demo_copy):
    """The demo from a copy of one loaded per session (lk_platform.testing)."""
    return lk_demo_copy


def browser_as(app, login):
    b = Browser(app)
    assert b.login(login).status_int == 303
    return b


def rows(page):
    """``[(when, who, action, object, changes)]`` as the table shows them."""
    out = []
    for tr in page.html.select("#audit tr.audit-entry"):
        cells = tr.find_all("td")
        out.append((cells[0].get_text(" ", strip=True), cells[1].get_text(" ", strip=True),
                    cells[2].find("code").get_text(strip=True), cells[3].get_text(" ", strip=True),
                    cells[4].get_text(" ", strip=True)))
    return out


@pytest.fixture
def admin(lk_demo):
    return browser_as(lk_demo, "admin.vodokanal")


def test_generated_admin_add_edit_delete_appear(lk_demo, admin):
    form = admin.get("/o/vodokanal/accounts/@@add").forms["lkform"]
    form["number"] = "1000099"
    form["house"] = "7"
    form["street"] = "Речная"
    assert form.submit("save").status_int == 302
    form = admin.get("/o/vodokanal/accounts/1000099/@@edit").forms["lkform"]
    form["street"] = "Озёрная"
    assert form.submit("save").status_int == 302
    response = admin.post_csrf("/o/vodokanal/accounts/1000099/@@delete")
    assert response.status_int == 302
    page = admin.get("/o/vodokanal/@@audit")
    found = rows(page)
    assert [r[2] for r in found[:3]] == ["delete:account", "edit:account", "add:account"]
    assert all(r[1].startswith("admin.vodokanal") for r in found[:3])
    assert "/o/vodokanal/accounts/1000099" in found[0][3]
    assert "street" in found[1][4] and "Речная" in found[1][4] and "Озёрная" in found[1][4]
    assert "Удаление" in page.text and "Изменение" in page.text and "Добавление" in page.text


def test_role_grants_and_blocks_appear(lk_demo, admin):
    from lk_platform.model.users import create_user
    with DB(lk_demo) as platform:
        create_user(platform, "sidorov", None, name="Сидоров", home_organisation="vodokanal")
    assert admin.post_csrf("/o/vodokanal/@@users/sidorov/grant", {"role": "auditor"}).status_int == 303
    assert admin.post_csrf("/o/vodokanal/@@users/sidorov/block").status_int == 303
    found = rows(admin.get("/o/vodokanal/@@audit"))
    assert [r[2] for r in found[:2]] == ["user.block", "user.grant"]
    assert "Сидоров" in found[0][3] and "/users/sidorov" in found[0][3]
    assert "auditor" in found[1][4]
    # the other organisation's log does not have them
    other = browser_as(lk_demo, "admin.ukdom")
    assert "sidorov" not in other.get("/o/uk-dom/@@audit").text


def test_times_are_in_the_organisations_zone(lk_demo):
    moment = dt.datetime(2026, 3, 1, 21, 30, tzinfo=dt.timezone.utc)
    from lk_platform.model.audit import AuditEntry
    with DB(lk_demo) as platform:
        for slug in ("vodokanal", "uk-dom"):
            platform.organisations[slug].audit.add(AuditEntry(when=moment, who="someone", action="edit:account",
                                                              target="/o/%s/accounts/1" % slug, title="x"))
    vodokanal = rows(browser_as(lk_demo, "admin.vodokanal").get("/o/vodokanal/@@audit"))[0]
    ukdom = rows(browser_as(lk_demo, "admin.ukdom").get("/o/uk-dom/@@audit"))[0]
    assert vodokanal[0] == "02.03.2026 00:30"   # Moscow, UTC+3
    assert ukdom[0] == "02.03.2026 02:30"       # Yekaterinburg, UTC+5
    assert moment.astimezone(ZoneInfo("Asia/Yekaterinburg")).strftime("%d.%m.%Y %H:%M") == ukdom[0]


def fill_log(app, slug, count):
    from lk_platform.model.audit import AuditEntry
    base = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    with DB(app) as platform:
        log = platform.organisations[slug].audit
        for i in range(count):
            log.add(AuditEntry(when=base + dt.timedelta(minutes=i), who="clerk%d" % (i % 3),
                               action=("edit:account" if i % 2 else "user.grant"), target="/o/%s/x/%d" % (slug, i),
                               title="объект %d" % i, organisation=slug))


def test_pages_newest_first_and_filters(lk_demo, admin):
    fill_log(lk_demo, "vodokanal", 120)
    first = rows(admin.get("/o/vodokanal/@@audit"))
    assert len(first) == 50
    assert first[0][3].startswith("объект 119") and first[49][3].startswith("объект 70")
    third = admin.get("/o/vodokanal/@@audit?page=3")
    assert [r[3].split()[1] for r in rows(third)] == [str(i) for i in range(19, -1, -1)]
    assert 'rel="next"' not in third.text and 'rel="prev"' in third.text
    by_who = rows(admin.get("/o/vodokanal/@@audit", {"who": "clerk1"}))
    assert by_who and all(r[1] == "clerk1" for r in by_who) and len(by_who) == 40
    by_action = rows(admin.get("/o/vodokanal/@@audit", {"action": "edit:"}))
    assert len(by_action) == 50 and all(r[2] == "edit:account" for r in by_action)
    both = rows(admin.get("/o/vodokanal/@@audit", {"action": "user.", "who": "clerk0"}))
    assert both and all(r[1] == "clerk0" and r[2] == "user.grant" for r in both)
    assert rows(admin.get("/o/vodokanal/@@audit", {"who": "nobody"})) == []
    # bad input is not an error
    assert admin.get("/o/vodokanal/@@audit?page=zzz").status_int == 200
    assert admin.get("/o/vodokanal/@@audit", {"who": "x" * 5000, "action": "<script>"}).status_int == 200


def test_auditor_role_reads_the_log(lk_demo, admin):
    from lk_platform.model.users import create_user
    with DB(lk_demo) as platform:
        create_user(platform, "auditor.vodokanal", "Proverka-zhurnala-2026", home_organisation="vodokanal")
    auditor = Browser(lk_demo)
    assert auditor.login("auditor.vodokanal", "Proverka-zhurnala-2026").status_int == 303
    assert auditor.get("/o/vodokanal/@@audit", expect_errors=True).status_int == 403
    assert admin.post_csrf("/o/vodokanal/@@users/auditor.vodokanal/grant", {"role": "auditor"}).status_int == 303
    assert auditor.get("/o/vodokanal/@@audit").status_int == 200
    assert auditor.get("/o/uk-dom/@@audit", expect_errors=True).status_int == 403


@pytest.mark.parametrize("login, url", [
    ("clerk.vodokanal", "/o/vodokanal/@@audit"),
    ("admin.vodokanal", "/o/uk-dom/@@audit"),
    ("admin.vodokanal", "/o/uk-dom/uk-dom-sever/@@audit"),
    ("admin.ukdom", "/o/vodokanal/@@audit"),
    ("admin.vodokanal", "/@@audit"),
    ("ivanov", "/o/vodokanal/@@audit"),
    ("ivanov", "/@@audit"),
])
def test_log_is_refused_to_others(lk_demo, login, url):
    b = browser_as(lk_demo, login)
    response = b.get(url, expect_errors=True)
    assert response.status_int == 403
    assert 'id="audit"' not in response.text


def test_anonymous_is_sent_to_login(lk_demo):
    response = Browser(lk_demo).get("/o/vodokanal/@@audit", expect_errors=True)
    assert response.status_int == 302 and "/o/vodokanal/login?next=" in response.headers["Location"]


def test_parent_admin_reads_sub_organisation_log(lk_demo):
    fill_log(lk_demo, "uk-dom-sever", 3)
    page = browser_as(lk_demo, "admin.ukdom").get("/o/uk-dom/uk-dom-sever/@@audit")
    assert len(rows(page)) == 3


def test_platform_log_shows_operator_actions(lk_demo):
    operator = browser_as(lk_demo, "operator")
    assert operator.post_csrf("/users/@@admin/ivanov/block").status_int == 303
    page = operator.get("/@@audit")
    found = rows(page)
    assert found[0][1].startswith("operator") and found[0][2] == "user.block"
    assert "/users/ivanov" in found[0][3]
    # the operator reads any organisation's log too
    assert operator.get("/o/uk-dom/@@audit").status_int == 200
    assert re.search(r'<th scope="col">Организация</th>', page.text)
