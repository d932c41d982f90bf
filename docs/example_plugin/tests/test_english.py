"""The example plugin in English: every message of the ``lk_faq`` domain
has an English translation, and its page, widget, menus and generated admin
render in English. The questions stay as staff wrote them."""


from lk_platform.i18n import extract
from lk_platform.testing import CYRILLIC, EnglishCatalog

from .conftest import add_question, english

CATALOG = EnglishCatalog("lk_faq", __file__)
PACKAGE, PO = CATALOG.package, CATALOG.po




def test_every_plugin_message_has_an_english_translation():
    catalog = extract.read_catalog(PO, "lk_faq")
    found = extract.package_msgids(PACKAGE, "lk_faq")
    assert {"Вопросы и ответы", "Вопросов пока нет.", "Все вопросы", "Вопрос"} <= set(found)
    missing = [m for m in sorted(found) if catalog.get(m) is None or not catalog.get(m).string]
    assert missing == [], "msgids of lk_faq without English: %s" % missing


def test_resident_pages_in_english(staff, resident):
    add_question(staff, "Когда передавать показания?", "С 15 по 25 число.").follow()
    english(resident)
    page = resident.get("/o/vodokanal/faq-page")
    assert "<h1>Questions and answers</h1>" in page.text and "Когда передавать показания?" in page.text
    assert "Questions and answers" in [a.get_text() for a in page.html.select("nav.mainnav a")]
    assert "No questions yet." in resident.get("/o/uk-dom/faq-page").text
    dashboard = resident.get("/cabinet").text
    assert "Frequently asked questions" in dashboard and "All questions" in dashboard
    assert "Частые вопросы" not in dashboard and "Все вопросы" not in dashboard


def test_staff_admin_in_english(staff):
    english(staff)
    page = staff.get("/o/vodokanal/faq/@@admin")
    assert "Questions and answers" in page.text and "Question" in page.text and "Order" in page.text
    form = staff.get("/o/vodokanal/faq/@@add")
    main = form.html.select_one("#lkform").get_text(" ")
    assert "Question" in main and "Answer" in main and "Order" in main
    assert not CYRILLIC.search(main), main
    page = add_question(staff, "Й", "")
    assert "Shorter than minimum length 3" in page.text        # colander's own catalog
    header = staff.get("/o/vodokanal/faq/@@export.csv").body.decode("utf-8-sig").splitlines()[0]
    assert "Question" in header and not CYRILLIC.search(header)
