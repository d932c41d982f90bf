"""What residents see of the example plugin: the questions page, the
dashboard widget, nothing of another organisation, and nothing where the
organisation has it off."""
from lk_platform.model.organisations import disable_plugin

from .conftest import add_question


def test_residents_see_what_staff_added(staff, resident):
    add_question(staff, "Когда передавать показания?", "С 15 по 25 число.").follow()
    assert "Когда передавать показания?" in resident.get("/o/vodokanal/faq-page").text
    dashboard = resident.get("/cabinet").text
    assert "Частые вопросы" in dashboard and "Когда передавать показания?" in dashboard
    # uk-dom has its own (empty) list: nothing leaks across organisations
    page = resident.get("/o/uk-dom/faq-page").text
    assert "Когда передавать показания?" not in page and "Вопросов пока нет." in page


def test_switched_off_for_one_organisation(lk_demo, lk_db, browser):
    with lk_db as platform:
        disable_plugin(platform.organisations["vodokanal"], lk_demo.registry, "faq")
    browser.login("ivanov")
    assert browser.get("/o/vodokanal/faq-page", status=404)
    assert browser.get("/o/uk-dom/faq-page", status=200)
    browser.login("admin.vodokanal")
    assert browser.get("/o/vodokanal/faq/@@admin", status=404)
