"""E-mail at publication: once, to the targeted residents with an address."""
import datetime as dt

import pytest

from lk_announcements.mailing import send_due_notifications
from lk_announcements.models import Announcement
from lk_platform.testing import DB, mail_files

from .conftest import read_mails as _mails

pytestmark = pytest.mark.calendar  # scheduled mail around now


def test_sent_on_save_when_published_and_never_twice(staff, lk_demo, lk_settings):
    with DB(lk_demo) as platform:
        sadovaya = platform.organisations["vodokanal"]["accounts"]["1000001"].building_key
    page = staff.add_announcement(
        title="Отключение воды", body="<p>Воды не будет <strong>до 18:00</strong>.</p><script>x()</script>",
        importance="outage", target="buildings", buildings=[sadovaya], notify=True).follow()
    assert "разослано по эл. почте: писем 2" in page.text
    mails = _mails(lk_settings)
    assert sorted(m["to"] for m in mails) == ["ivanov@mail.example", "petrova@mail.example"]
    first = mails[0]
    assert first["subject"].startswith("Авария/отключение: Отключение воды")
    assert "Воды не будет до 18:00." in first["body"] and "x()" not in first["body"]
    assert "/o/vodokanal/announcements/" in first["body"] and first["html"]
    # a re-run, and saving the announcement again, send nothing more
    with DB(lk_demo) as platform:
        assert send_due_notifications(platform, lk_demo.registry) == 0
        item = [a for a in platform.organisations["vodokanal"]["announcements"].values()
                if a.title == "Отключение воды"][0]
        assert item.notified_at is not None and item.notified_count == 2
        name = item.__name__
    form = staff.browser.get("/o/vodokanal/announcements/%s/@@edit" % name).forms["lkform"]
    form["title"] = "Отключение воды (уточнено)"
    form.submit("save").follow()
    assert len(mail_files(lk_settings)) == 2


def test_scheduled_mail_goes_out_when_due_once(lk_demo, lk_settings):
    with DB(lk_demo) as platform:
        org = platform.organisations["uk-dom"]
        now = org.now()
        folder = org["announcements"]
        item = Announcement(title="Собрание жильцов", body="В четверг в 19:00", target="all", notify_email=True,
                            publish_at=now + dt.timedelta(hours=2))
        folder.add(item)
        folder.reindex(item)
    with DB(lk_demo) as platform:
        assert send_due_notifications(platform, lk_demo.registry) == 0      # not yet
    assert mail_files(lk_settings) == []
    later = now + dt.timedelta(hours=3)
    with DB(lk_demo) as platform:
        assert send_due_notifications(platform, lk_demo.registry, now=later) == 1
    mails = _mails(lk_settings)
    assert [m["to"] for m in mails] == ["ivanov@mail.example"]   # 2000002 has no holder
    assert "Собрание жильцов" in mails[0]["subject"] and "УК «Наш дом»" in mails[0]["subject"]
    with DB(lk_demo) as platform:
        assert send_due_notifications(platform, lk_demo.registry, now=later + dt.timedelta(hours=1)) == 0
        entries = platform.organisations["uk-dom"].audit.page(limit=5)
        assert entries[0].action == "mail:announcement"
    assert len(mail_files(lk_settings)) == 1


def test_nothing_leaves_when_the_transaction_aborts(lk_demo, lk_settings):
    with DB(lk_demo) as platform:
        org = platform.organisations["vodokanal"]
        item = Announcement(title="Откатится", body="x", notify_email=True, publish_at=org.now())
        org["announcements"].add(item)
        org["announcements"].reindex(item)
    db = DB(lk_demo)
    platform = db.__enter__()
    assert send_due_notifications(platform, lk_demo.registry) == 2
    db.__exit__(RuntimeError, RuntimeError("boom"), None)
    assert mail_files(lk_settings) == []
    with DB(lk_demo) as platform:   # still pending, so a later run sends it
        assert send_due_notifications(platform, lk_demo.registry) == 2
    assert len(mail_files(lk_settings)) == 2


def _post_to_all(lk_demo, title):
    with DB(lk_demo) as platform:
        org = platform.organisations["vodokanal"]
        item = Announcement(title=title, body="x", notify_email=True, publish_at=org.now())
        org["announcements"].add(item)
        org["announcements"].reindex(item)
        return send_due_notifications(platform, lk_demo.registry)


def test_opted_out_blocked_and_addressless_residents_get_nothing(demo_browser, lk_demo, lk_settings):
    demo_browser.login("petrova")
    page = demo_browser.get("/o/vodokanal/announcements/").forms["email-pref"].submit().follow()
    assert "больше не будут приходить" in page.text and "Вы отказались от писем" in page.text
    with DB(lk_demo) as platform:
        platform.users["ivanov"].blocked = True
    assert _post_to_all(lk_demo, "Первое") == 0
    with DB(lk_demo) as platform:
        platform.users["ivanov"].blocked = False
        platform.users["ivanov"].email = ""
    assert _post_to_all(lk_demo, "Второе") == 0
    assert mail_files(lk_settings) == []
    # petrova subscribes again and gets the next one
    page = demo_browser.get("/o/vodokanal/announcements/").forms["email-pref"].submit().follow()
    assert "Вы отказались от писем" not in page.text
    assert _post_to_all(lk_demo, "Третье") == 1
    assert [m["to"] for m in _mails(lk_settings)] == ["petrova@mail.example"]


def test_expired_before_sending_is_closed_without_mail(lk_demo, lk_settings):
    with DB(lk_demo) as platform:
        org = platform.organisations["vodokanal"]
        now = org.now()
        item = Announcement(title="Истекло", body="x", notify_email=True, publish_at=now - dt.timedelta(days=2),
                            expire_at=now - dt.timedelta(days=1))
        org["announcements"].add(item)
        org["announcements"].reindex(item)
    with DB(lk_demo) as platform:
        assert send_due_notifications(platform, lk_demo.registry) == 0
        item = [a for a in platform.organisations["vodokanal"]["announcements"].values() if a.title == "Истекло"][0]
        assert item.notified_at is not None and item.mail_pending is None
    assert mail_files(lk_settings) == []


def test_staff_button_sends_due_mail_of_own_organisation_only(staff, lk_demo, lk_settings):
    with DB(lk_demo) as platform:
        for slug in ("vodokanal", "uk-dom"):
            org = platform.organisations[slug]
            item = Announcement(title="Пора " + slug, body="x", notify_email=True,
                                publish_at=org.now() - dt.timedelta(minutes=1))
            org["announcements"].add(item)
            org["announcements"].reindex(item)
    page = staff.browser.get("/o/vodokanal/announcements/@@mailing")
    assert "Пора vodokanal" in page.text and "Пора uk-dom" not in page.text
    page = page.forms["send-due"].submit().follow()
    assert "Отправлено писем: 2" in page.text
    assert sorted(m["to"] for m in _mails(lk_settings)) == ["ivanov@mail.example", "petrova@mail.example"]
    page = page.forms["send-due"].submit().follow()
    assert "ничего не отправлено" in page.text
    assert len(mail_files(lk_settings)) == 2
