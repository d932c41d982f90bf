"""A generated admin form never changes another: colander shares a schema
class's declared nodes between instances, so a view that adjusts a node
(edit makes the key read-only) must work on a copy. Before the fix, opening
any account's edit page turned the add form's account number read-only for
the whole process, and adding accounts failed."""
from lxml import html


def number_field(page):
    return html.fromstring(page.text).xpath("//form[@id='lkform']//*[@id=//label[.='Номер лицевого счёта']/@for]")[0]


def test_edit_does_not_leak_into_add(demo_browser):
    demo_browser.login("admin.vodokanal")
    before = number_field(demo_browser.get("/o/vodokanal/accounts/@@add"))
    assert before.tag == "input" and before.get("name") == "number"
    edit = demo_browser.get("/o/vodokanal/accounts/1000003/@@edit")
    assert "number" not in edit.forms["lkform"].fields  # the key is shown, not edited
    form = demo_browser.get("/o/vodokanal/accounts/@@add").forms["lkform"]
    assert "number" in form.fields
    form["number"] = "1000555"
    form["house"] = "3"
    assert form.submit("save").status_int == 302
    with_key = demo_browser.get("/o/vodokanal/accounts/1000555/@@admin")
    assert "1000555" in with_key.text
