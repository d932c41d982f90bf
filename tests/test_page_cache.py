"""The page cache (lk_platform.caching.pagecache) through the whole stack: a cabinet
page comes from the cache while nothing it shows changed, follows every
change made through the site, and never crosses users, sessions (CSRF
tokens), languages or pending messages."""
import re

import pytest

from lk_platform.caching import pagecache
from lk_platform.testing import Browser, make_settings, running_app

lk_demo = pytest.fixture(lambda lk_demo_copy: lk_demo_copy)


def served():
    return pagecache.cached_answers()


def token(page):
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def test_dashboard_is_served_from_the_cache_until_an_account_changes(lk_demo):
    resident = Browser(lk_demo)
    resident.login("ivanov")
    first = resident.get("/cabinet")
    before = served()
    again = resident.get("/cabinet")
    assert served() == before + 1 and again.text == first.text
    assert "Садовая" in again.text

    staff = Browser(lk_demo)
    staff.login("admin.vodokanal")
    form = staff.get("/o/vodokanal/accounts/1000001/@@edit").forms["lkform"]
    form["street"] = "Цветочная"
    form.submit(status=302)

    before = served()
    changed = resident.get("/cabinet")
    assert served() == before and "Цветочная" in changed.text and "Садовая, д. 5, кв. 12" not in changed.text
    resident.get("/cabinet")
    assert served() == before + 1


def test_each_session_gets_its_own_csrf_token_in_a_cached_page(lk_demo):
    phone, laptop = Browser(lk_demo), Browser(lk_demo)
    phone.login("ivanov")
    laptop.login("ivanov")
    on_phone = phone.get("/o/vodokanal/readings")
    before = served()
    on_laptop = laptop.get("/o/vodokanal/readings")
    assert served() == before + 1                      # the same page, from the cache
    assert token(on_phone) != token(on_laptop)
    assert token(on_laptop) == laptop.csrf() and "\ue000" not in on_laptop.text
    # the token in the cached page is the one the session accepts
    laptop.post("/logout", {"csrf_token": token(on_laptop)}, status=303)
    phone.get("/cabinet", status=200)                 # the other session lives on


def test_a_cached_page_is_never_another_users(lk_demo):
    ivanov, petrova = Browser(lk_demo), Browser(lk_demo)
    ivanov.login("ivanov")
    petrova.login("petrova")
    for _ in range(2):
        mine = ivanov.get("/cabinet")
        hers = petrova.get("/cabinet")
    assert "1000001" in mine.text and "1000001" not in hers.text
    assert "1000002" in hers.text and "1000002" not in mine.text
    assert "Иванов" in mine.text and "Иванов" not in hers.text


def test_the_language_switch_is_never_answered_from_the_other_languages_copy(lk_demo):
    resident = Browser(lk_demo)
    resident.login("ivanov")
    russian = resident.get("/cabinet")
    resident.get("/cabinet")
    resident.post_csrf("/language", {"language": "en", "next": "/cabinet"}, status=303)
    english = resident.get("/cabinet")
    assert 'lang="en"' in english.text and 'lang="ru"' in russian.text
    assert english.text != russian.text


def test_the_cache_can_be_switched_off(tmp_path, lk_demo_template):
    import shutil
    settings = make_settings(tmp_path, **{"lk.page_cache": "false"})
    var = tmp_path / "var"
    shutil.copy(lk_demo_template + "/Data.fs", var / "Data.fs")
    with running_app(settings) as app:
        resident = Browser(app)
        resident.login("ivanov")
        before = served()
        resident.get("/cabinet")
        resident.get("/cabinet")
        assert served() == before


def cookie_of(browser):
    return "; ".join("%s=%s" % (c.name, c.value) for c in browser.app.cookiejar)


def test_the_same_sessions_repeat_gets_the_same_page_and_another_session_its_own_token(lk_demo):
    resident = Browser(lk_demo)
    resident.login("ivanov")
    rendered = resident.get("/o/vodokanal/readings")
    before = served()
    again = resident.get("/o/vodokanal/readings")
    assert served() == before + 1 and again.text == rendered.text
    assert again.headers["Content-Type"].startswith("text/html") and int(again.headers["Content-Length"]) == len(
        again.body)
    other = Browser(lk_demo)                     # another session: its own token, never this copy
    other.login("ivanov")
    assert token(other.get("/o/vodokanal/readings")) != token(again)


def test_a_copied_cookie_stops_working_at_logout(lk_demo):
    from webtest import TestApp
    resident = Browser(lk_demo)
    resident.login("ivanov")
    resident.get("/cabinet")
    cookie = cookie_of(resident)
    thief = TestApp(lk_demo, extra_environ={"HTTP_HOST": "localhost", "REMOTE_ADDR": "10.0.0.2"})
    assert "1000001" in thief.get("/cabinet", headers={"Cookie": cookie}).text     # a stolen cookie works...
    resident.post_csrf("/logout", status=303)
    before = served()
    answer = thief.get("/cabinet", headers={"Cookie": cookie}, expect_errors=True)
    assert served() == before and "1000001" not in answer.text                     # ...until logout


def test_blocking_the_user_or_granting_a_role_is_seen_at_once(lk_demo):
    from lk_platform.model.users import grant_role, set_blocked
    from lk_platform.testing import DB
    lk_db = DB(lk_demo)
    resident = Browser(lk_demo)
    resident.login("ivanov")
    for _ in range(2):
        page = resident.get("/o/vodokanal/cabinet")
    assert "@@admin" not in page.text
    with lk_db as platform:
        grant_role(platform.organisations["vodokanal"], platform.users["ivanov"], "accounts_clerk",
                   lk_demo.registry)
    before = served()
    page = resident.get("/o/vodokanal/cabinet")
    assert served() == before and "/o/vodokanal/@@admin" in page.text        # the new role's menu
    resident.get("/o/vodokanal/cabinet")
    with lk_db as platform:
        set_blocked(platform, platform.users["ivanov"], True)
    answer = resident.get("/o/vodokanal/cabinet", expect_errors=True)
    assert answer.status_int in (302, 303, 403) and "1000001" not in answer.text


@pytest.mark.calendar  # the organisation's midnight, whatever the day
def test_a_page_past_the_organisations_midnight_is_rendered_again(lk_demo):
    import datetime as dt

    import time_machine

    from lk_platform.caching.pagecache import next_midnight
    from lk_platform.testing import DB
    with DB(lk_demo) as platform:
        midnight = next_midnight(platform.organisations["vodokanal"])
    resident = Browser(lk_demo)
    with time_machine.travel(dt.datetime.fromtimestamp(midnight - 120, dt.timezone.utc), tick=False):
        resident.login("ivanov")
        resident.get("/o/vodokanal/cabinet")
        before = served()
        resident.get("/o/vodokanal/cabinet")
        assert served() == before + 1
    with time_machine.travel(dt.datetime.fromtimestamp(midnight + 60, dt.timezone.utc), tick=False):
        before = served()
        assert "1000001" in resident.get("/o/vodokanal/cabinet").text
        assert served() == before


def test_a_second_role_rerenders_the_staff_members_pages(lk_demo):
    """Roles live in the organisation's staff table, not on the user: the
    organisation's change counter carries the change to cached pages."""
    from lk_platform.model.users import grant_role
    from lk_platform.testing import DB
    clerk = Browser(lk_demo)
    clerk.login("clerk.vodokanal")
    clerk.get("/o/vodokanal/cabinet")
    before = served()
    clerk.get("/o/vodokanal/cabinet")
    assert served() == before + 1
    with DB(lk_demo) as platform:
        grant_role(platform.organisations["vodokanal"], platform.users["clerk.vodokanal"], "auditor",
                   lk_demo.registry)
    before = served()
    clerk.get("/o/vodokanal/cabinet")
    assert served() == before
