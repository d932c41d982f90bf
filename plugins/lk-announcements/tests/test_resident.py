"""What residents see: targeting, publish/expire window, order, unread marks,
and nothing of other buildings or other organisations."""
import datetime as dt
import re

import pytest

from lk_announcements.feed import read_marks
from lk_announcements.models import Announcement

pytestmark = pytest.mark.calendar  # publication and expiry around now


def _add(db, slug="vodokanal", **values):
    with db as platform:
        org = platform.organisations[slug]
        folder = org["announcements"]
        now = org.now()
        values.setdefault("body", "Текст")
        values.setdefault("publish_at", now - dt.timedelta(minutes=5))
        item = Announcement(**values)
        folder.add(item)
        folder.reindex(item)
        return item.__name__


def _titles(page):
    return re.findall(r'<h2><a href="[^"]+">([^<]+)</a></h2>', page.text)


def test_building_outage_reaches_only_that_building(demo_browser, db):
    with db as platform:
        accounts = platform.organisations["vodokanal"]["accounts"]
        lesnaya = accounts["1000003"].building_key   # no holder of ivanov/petrova there
        sadovaya = accounts["1000001"].building_key
    _add(db, title="Лесная без воды", importance="outage", target="buildings", target_buildings=(lesnaya,))
    _add(db, title="Садовая без света", importance="urgent", target="buildings", target_buildings=(sadovaya,))
    _add(db, title="Улица Садовая", target="streets", target_streets=("г. Москва|Садовая",))
    demo_browser.login("ivanov")
    titles = _titles(demo_browser.get("/o/vodokanal/announcements/"))
    assert "Садовая без света" in titles and "Улица Садовая" in titles
    assert "Лесная без воды" not in titles
    cabinet = demo_browser.get("/cabinet").text
    assert "Садовая без света" in cabinet and "Лесная без воды" not in cabinet


def test_service_target_uses_account_services(demo_browser, db):
    with db as platform:
        account = platform.organisations["vodokanal"]["accounts"]["1000002"]   # petrova
        account.services = ("Горячая вода",)
        account.__parent__.reindex(account)
    _add(db, title="Для горячей воды", target="service", target_services=("Горячая вода",))
    demo_browser.login("petrova")
    assert "Для горячей воды" in _titles(demo_browser.get("/o/vodokanal/announcements/"))
    demo_browser.login("ivanov")
    assert "Для горячей воды" not in _titles(demo_browser.get("/o/vodokanal/announcements/"))


def test_future_and_expired_announcements_are_hidden(demo_browser, db):
    with db as platform:
        now = platform.organisations["vodokanal"].now()
    future = _add(db, title="Будущее", publish_at=now + dt.timedelta(hours=1))
    expired = _add(db, title="Прошедшее", publish_at=now - dt.timedelta(days=2),
                   expire_at=now - dt.timedelta(minutes=1))
    demo_browser.login("ivanov")
    titles = _titles(demo_browser.get("/o/vodokanal/announcements/"))
    assert "Будущее" not in titles and "Прошедшее" not in titles
    demo_browser.get("/o/vodokanal/announcements/%s/" % future, status=404)
    demo_browser.get("/o/vodokanal/announcements/%s/" % expired, status=404)


def test_urgent_first_then_pinned_then_newest(demo_browser, db):
    with db as platform:
        now = platform.organisations["vodokanal"].now()
    _add(db, title="Новое обычное", publish_at=now - dt.timedelta(minutes=1))
    _add(db, title="Старое срочное", importance="urgent", publish_at=now - dt.timedelta(days=3))
    _add(db, title="Закреплённое", pinned=True, publish_at=now - dt.timedelta(days=2))
    demo_browser.login("ivanov")
    titles = _titles(demo_browser.get("/o/vodokanal/announcements/"))
    # the demo's outage (urgent, newer) comes before the old urgent one
    assert titles.index("Старое срочное") < titles.index("Закреплённое") < titles.index("Новое обычное")
    assert titles[0].startswith("Отключение холодной воды")


def test_unread_marks_dashboard_reads_nothing_list_marks_read(demo_browser, db):
    demo_browser.login("ivanov")
    cabinet = demo_browser.get("/cabinet").text
    assert cabinet.count("ann-badge-new") >= 3
    assert "новых: 3" in cabinet
    with db as platform:
        assert read_marks(platform.organisations["vodokanal"]["announcements"]).read("ivanov") is None
    listing = demo_browser.get("/o/vodokanal/announcements/").text
    assert listing.count("ann-badge-new") == 3     # shown as new once...
    with db as platform:
        assert len(read_marks(platform.organisations["vodokanal"]["announcements"]).read("ivanov")) == 3
    assert demo_browser.get("/o/vodokanal/announcements/").text.count("ann-badge-new") == 0   # ...then read
    assert "новых:" not in demo_browser.get("/cabinet").text.split("УК «Наш дом»")[0]
    # other residents keep their own marks
    demo_browser.login("petrova")
    assert demo_browser.get("/o/vodokanal/announcements/").text.count("ann-badge-new") == 3


def test_opening_one_announcement_marks_only_it(demo_browser, db):
    name = _add(db, title="Отдельное")
    demo_browser.login("ivanov")
    page = demo_browser.get("/o/vodokanal/announcements/%s/" % name)
    assert "Отдельное" in page.text
    with db as platform:
        assert list(read_marks(platform.organisations["vodokanal"]["announcements"]).read("ivanov")) == [name]
    assert "новых: 3" in demo_browser.get("/cabinet").text


def test_not_addressed_and_other_organisation_ids_give_404(demo_browser, db):
    with db as platform:
        lesnaya = platform.organisations["vodokanal"]["accounts"]["1000003"].building_key
    hidden = _add(db, title="Только Лесная", target="buildings", target_buildings=(lesnaya,))
    uk_only = _add(db, slug="uk-dom", title="Только УК")
    demo_browser.login("petrova")   # holds vodokanal 1000002 and uk-dom-sever 3000001, nothing at uk-dom
    demo_browser.get("/o/vodokanal/announcements/%s/" % hidden, status=404)
    demo_browser.get("/o/uk-dom/announcements/%s/" % uk_only, status=404)
    # guessing the id under the other organisation reaches that organisation's own item or nothing
    demo_browser.get("/o/vodokanal/announcements/999/", status=404)
    assert "Только УК" not in demo_browser.get("/o/vodokanal/announcements/").text
    assert "Только УК" not in demo_browser.get("/o/uk-dom-sever/announcements/").text
    # an anonymous visitor is sent to log in
    demo_browser.app.reset()
    assert "/login" in demo_browser.get("/o/vodokanal/announcements/", status=302).location


def test_staff_preview_of_an_unpublished_announcement(demo_browser, db):
    with db as platform:
        now = platform.organisations["vodokanal"].now()
    name = _add(db, title="Черновик", publish_at=now + dt.timedelta(days=1))
    demo_browser.login("admin.vodokanal")
    page = demo_browser.get("/o/vodokanal/announcements/%s/" % name)
    assert "Предпросмотр для сотрудника" in page.text and "Запланировано" in page.text


def test_plugin_switched_off_hides_everything(demo_browser, lk_demo):
    from lk_platform.model.organisations import disable_plugin
    from lk_platform.testing import DB
    with DB(lk_demo) as platform:
        disable_plugin(platform.organisations["vodokanal"], lk_demo.registry, "announcements")
    demo_browser.login("ivanov")
    demo_browser.get("/o/vodokanal/announcements/", status=404)
    demo_browser.get("/o/vodokanal/announcements/1/", status=404)
    demo_browser.get("/o/vodokanal/public_documents/1/download", status=404)
    cabinet = demo_browser.get("/cabinet").text
    vodokanal_part = cabinet.split("УК «Наш дом»")[0]
    assert "Отключение холодной воды" not in vodokanal_part


def test_resident_without_accounts_sees_a_clear_note(demo_browser):
    demo_browser.login("admin.ukdom")
    page = demo_browser.get("/o/uk-dom/announcements/")
    assert "нет лицевых счетов в этой организации" in page.text


def test_body_is_rendered_as_safe_html(demo_browser, db):
    name = _add(db, title="С разметкой", body='<p><strong>Важно</strong> <a href="https://x.example">ссылка</a></p>')
    with db as platform:   # even if something wrote a raw body behind the form's back
        platform.organisations["vodokanal"]["announcements"][name].body += "<script>alert(1)</script>"
    demo_browser.login("ivanov")
    page = demo_browser.get("/o/vodokanal/announcements/%s/" % name).text
    assert "<strong>Важно</strong>" in page and 'rel="noopener noreferrer"' in page
    assert "<script>alert(1)" not in page
