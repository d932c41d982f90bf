"""Staff write announcements through the generated admin."""
import datetime as dt

from lk_announcements.models import Announcement


def _announcements(db, slug="vodokanal"):
    with db as platform:
        folder = platform.organisations[slug]["announcements"]
        return {a.title: a for a in folder.values() if not getattr(a, "demo_key", None)}


def test_script_in_body_is_sanitised_saved_and_reported(staff, db):
    page = staff.add_announcement(
        title="Промывка труб",
        body='<p>Промывка <strong>в среду</strong><script>document.location="https://evil"</script></p>'
             '<img src=x onerror="alert(1)"><a href="javascript:alert(2)">ссылка</a>'
             '<iframe src="https://evil.example"></iframe>').follow()
    text = page.text
    assert "Из текста удалено небезопасное" in text
    assert "&lt;script&gt;" in text and "onerror" in text and "javascript:" in text and "&lt;iframe&gt;" in text
    with db as platform:
        folder = platform.organisations["vodokanal"]["announcements"]
        stored = [a for a in folder.values() if a.title == "Промывка труб"]
        assert len(stored) == 1
        body = stored[0].body
    assert body.startswith("<p>Промывка <strong>в среду</strong></p>")
    for bad in ("script", "evil", "onerror", "javascript", "iframe", "<img"):
        assert bad not in body
    # the staff member's action is in the audit log
    with db as platform:
        entries = platform.organisations["vodokanal"].audit.page(limit=20)
        assert any(e.action == "add:announcement" and e.title == "Промывка труб" for e in entries)


def test_body_with_only_a_script_is_refused_and_nothing_is_stored(staff, db):
    before = len(_announcements(db))
    page = staff.add_announcement(title="Пустое", body="<script>alert(1)</script>", status=200)
    assert "После удаления небезопасного содержимого текст пуст" in page.text
    assert "&lt;script&gt;" in page.text
    assert len(_announcements(db)) == before


def test_clean_body_gives_no_warning(staff):
    page = staff.add_announcement(title="Чистый текст", body="<p>Обычный <em>текст</em></p>").follow()
    assert "Сохранено" in page.text
    assert "небезопасное" not in page.text


def test_targeting_needs_a_choice_and_expiry_after_publication(staff, db):
    page = staff.add_announcement(title="Без домов", target="buildings", status=200)
    assert "Отметьте хотя бы одно значение" in page.text
    now = dt.datetime(2030, 5, 1, 12, 0)
    page = staff.add_announcement(title="Наоборот", publish=now, expire=now - dt.timedelta(hours=1), status=200)
    assert "позже времени публикации" in page.text
    assert "Без домов" not in _announcements(db) and "Наоборот" not in _announcements(db)


def test_building_target_and_times_are_entered_in_the_organisation_zone(staff, db):
    with db as platform:
        sadovaya = platform.organisations["vodokanal"]["accounts"]["1000001"].building_key
    staff.add_announcement(title="Только Садовая", target="buildings", buildings=[sadovaya],
                           publish=dt.datetime(2030, 5, 1, 9, 30), expire=dt.datetime(2030, 5, 2, 18, 0),
                           importance="outage", pinned=True)
    item = _announcements(db)["Только Садовая"]
    assert item.target_buildings == (sadovaya,)
    assert item.target_streets == () and item.target_services == ()
    # 09:30 in Moscow is 06:30 UTC; stored timezone-aware
    assert item.publish_at == dt.datetime(2030, 5, 1, 6, 30, tzinfo=dt.timezone.utc)
    assert item.expire_at == dt.datetime(2030, 5, 2, 15, 0, tzinfo=dt.timezone.utc)
    assert item.importance == "outage" and item.pinned
    # the edit form shows the same local times back
    form = staff.browser.get("/o/vodokanal/announcements/%s/@@edit" % item.__name__).forms["lkform"]
    assert form.get("date", index=0).value == "2030-05-01"
    assert form.get("time", index=0).value.startswith("09:30")
    # saving it unchanged keeps the times (no drift through the zone)
    form.submit("save").follow()
    again = _announcements(db)["Только Садовая"]
    assert again.publish_at == item.publish_at and again.expire_at == item.expire_at


def test_unknown_building_key_is_refused(staff, db):
    form = staff.add_form()
    form["title"] = "Поддельный дом"
    form["body"] = "Текст"
    form["target"] = "buildings"
    form.get("checkbox", index=0).checked = True
    # forge a value that is not among the organisation's buildings
    params = [(k, "г. Чужой|Чужая|1|" if k == "checkbox" else v) for k, v in form.submit_fields("save")]
    page = staff.browser.app.post("/o/vodokanal/announcements/@@add", params, status=200)
    assert "Нет среди лицевых счетов организации" in page.text
    assert "Поддельный дом" not in _announcements(db)


def test_residents_and_other_staff_cannot_reach_the_admin(demo_browser):
    demo_browser.login("ivanov")
    demo_browser.get("/o/vodokanal/announcements/@@admin", status=403)
    demo_browser.get("/o/vodokanal/announcements/@@add", status=403)
    demo_browser.get("/o/vodokanal/announcements/@@mailing", status=403)


def test_staff_of_one_organisation_cannot_manage_the_other(demo_browser):
    demo_browser.login("admin.ukdom")
    demo_browser.get("/o/uk-dom/announcements/@@admin", status=200)
    demo_browser.get("/o/vodokanal/announcements/@@admin", status=403)
    demo_browser.get("/o/vodokanal/announcements/1/@@edit", status=403)


def test_editor_role_manages_announcements_and_public_pages(lk_demo, demo_browser):
    from lk_platform.model.users import grant_role
    from lk_platform.testing import DB
    with DB(lk_demo) as platform:
        grant_role(platform.organisations["vodokanal"], platform.users["clerk.vodokanal"],
                   "announcements_editor", lk_demo.registry)
    demo_browser.login("clerk.vodokanal")
    for path in ("announcements/@@admin", "announcements/@@add", "public_pages/@@add", "public_documents/@@admin"):
        demo_browser.get("/o/vodokanal/" + path, status=200)
    demo_browser.get("/o/uk-dom/announcements/@@admin", status=403)


def test_set_values_sanitises_whatever_the_source():
    item = Announcement(title="x", body="<p>a<script>b</script></p>",
                        publish_at=dt.datetime(2030, 1, 1, 12, tzinfo=dt.timezone(dt.timedelta(hours=5))))
    assert item.body == "<p>a</p>"
    assert item.publish_at.tzinfo == dt.timezone.utc and item.publish_at.hour == 7


def test_admin_links_are_in_the_content_area():
    from lk_announcements import plugin
    from lk_platform.plugins.declarations import ADMIN_GROUPS
    items = plugin.lk_admin_menu(request=None, organisation=None)
    assert [i.url for i in items] == ["announcements/@@admin", "announcements/@@mailing", "public_pages/@@admin",
                                      "public_documents/@@admin"]
    assert {i.group for i in items} == {"content"} and "content" in ADMIN_GROUPS
