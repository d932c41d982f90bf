"""The plugin author's guide's example, exercised as a third-party plugin:
found through its entry point, admin generated from its schema, cabinet page,
menu and widget, and off where the organisation has it off."""
from lk_platform.model.organisations import disable_plugin


def test_found_through_entry_point(lk_app):
    plugins = lk_app.registry.lk.plugins
    assert "faq" in plugins.optional
    assert plugins.info["faq"].title == "Вопросы и ответы"
    assert lk_app.registry.lk.content_types["faq_question"].plugin == "faq"
    assert "faq_editor" in lk_app.registry.lk.roles
    assert "faq.manage" in lk_app.registry.lk.roles["org_admin"].permissions


def test_staff_add_through_generated_form_then_residents_see_it(demo_browser):
    demo_browser.login("admin.vodokanal")
    form = demo_browser.get("/o/vodokanal/faq/@@add").forms["lkform"]
    form["question"] = "Й"  # too short: the schema's Length(3) speaks Russian
    page = form.submit("save")
    assert "Короче минимальной длины" in page.text or "минимальн" in page.text
    form = page.forms["lkform"]
    form["question"] = "Когда передавать показания?"
    form["answer"] = "С 15 по 25 число."
    page = form.submit("save").follow()
    assert "Когда передавать показания?" in page.text

    resident = type(demo_browser)(demo_browser.app.app)
    resident.login("ivanov")
    assert "Когда передавать показания?" in resident.get("/o/vodokanal/faq-page").text
    dashboard = resident.get("/cabinet").text
    assert "Частые вопросы" in dashboard and "Когда передавать показания?" in dashboard
    # uk-dom has its own (empty) list: nothing leaks across organisations
    assert "Когда передавать показания?" not in resident.get("/o/uk-dom/faq-page").text


def test_switched_off_for_one_organisation(lk_demo, lk_db, browser):
    with lk_db as platform:
        disable_plugin(platform.organisations["vodokanal"], lk_demo.registry, "faq")
    browser.login("ivanov")
    assert browser.get("/o/vodokanal/faq-page", status=404)
    assert browser.get("/o/uk-dom/faq-page", status=200)
    browser.login("admin.vodokanal")
    assert browser.get("/o/vodokanal/faq/@@admin", status=404)
