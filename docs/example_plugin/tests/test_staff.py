"""The plugin author's guide's example, exercised as a third-party plugin:
found through its entry point, and the admin staff get from its schema."""
from lk_faq import plugin
from lk_platform.plugins.declarations import ADMIN_GROUPS
from lk_platform.testing import Browser

from .conftest import add_question


def test_found_through_entry_point(lk_app):
    plugins = lk_app.registry.lk.plugins
    assert "faq" in plugins.optional
    assert plugins.info["faq"].title == "Вопросы и ответы"
    assert lk_app.registry.lk.content_types["faq_question"].plugin == "faq"
    assert "faq_editor" in lk_app.registry.lk.roles
    assert "faq.manage" in lk_app.registry.lk.roles["org_admin"].permissions


def test_staff_add_through_generated_form(staff):
    page = add_question(staff, "Й", "")   # too short: the schema's Length(3) speaks Russian
    assert "Короче минимальной длины" in page.text or "минимальн" in page.text
    form = page.forms["lkform"]
    form["question"] = "Когда передавать показания?"
    form["answer"] = "С 15 по 25 число."
    page = form.submit("save").follow()
    assert "Когда передавать показания?" in page.text
    assert "Когда передавать показания?" in staff.get("/o/vodokanal/faq/@@admin").text


def test_residents_and_other_staff_cannot_reach_the_admin(lk_demo, resident):
    resident.get("/o/vodokanal/faq/@@admin", status=403)
    resident.get("/o/vodokanal/faq/@@add", status=403)
    other = Browser(lk_demo)
    other.login("admin.ukdom")
    other.get("/o/uk-dom/faq/@@admin", status=200)
    other.get("/o/vodokanal/faq/@@admin", status=403)


def test_admin_link_is_in_the_content_area():
    (item,) = plugin.lk_admin_menu(request=None, organisation=None)
    assert item.url == "faq/@@admin" and item.group == "content" and "content" in ADMIN_GROUPS
