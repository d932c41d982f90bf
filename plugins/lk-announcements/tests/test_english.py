"""The plugin in English (Russian stays the default): every message of the
``lk_announcements`` domain has an English translation; the resident's,
the public and the staff pages render in English through the whole WSGI
stack; an announcement e-mail reaches each resident in their own language.
What staff wrote (titles, bodies, the demo's texts) stays as written."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from webtest import Upload

from lk_announcements.mailing import send_due_notifications
from lk_announcements.models import Announcement
from lk_platform.i18n import extract
from lk_platform.testing import CYRILLIC, DB, EnglishCatalog

from .conftest import read_mails

CATALOG = EnglishCatalog("lk_announcements", __file__)
PACKAGE, PO = CATALOG.package, CATALOG.po
DOMAIN = "lk_announcements"




def english(browser, login=None):
    if login:
        browser.login(login)
    response = browser.post_csrf("/language", {"language": "en", "next": "/"})
    assert response.status_int == 303
    return browser


def plugin_part(page, selector="main"):
    """The text of ``selector`` with what people wrote taken out: titles and
    bodies of announcements and pages, document names, addresses in forms."""
    root = page.html.select_one(selector)
    for node in root.select(".ann-body, h1, h2 a, h3 a, .public-documents li > a, .public-documents p, "
                            "td a, .alert-info[role=status]"):
        node.decompose()
    return root.get_text(" ")


def _add(db, slug="vodokanal", **values):
    with db as platform:
        org = platform.organisations[slug]
        folder = org["announcements"]
        values.setdefault("body", "Текст")
        values.setdefault("publish_at", org.now() - dt.timedelta(minutes=5))
        item = Announcement(**values)
        folder.add(item)
        folder.reindex(item)
        return item.__name__


# --- the catalog ----------------------------------------------------------------------

def test_every_plugin_message_has_an_english_translation():
    catalog = extract.read_catalog(PO, DOMAIN)
    found = extract.package_msgids(PACKAGE, DOMAIN)
    assert len(found) > 100
    missing = [m for m in sorted(found) if catalog.get(m) is None or not catalog.get(m).string
               or catalog.get(m).fuzzy]
    assert missing == [], "msgids of %s without English: %s" % (DOMAIN, missing)
    for msgid in found:     # every ${name} of a msgid is kept in its translation
        names = sorted(re.findall(r"\$\{(\w+)\}", msgid))
        assert sorted(re.findall(r"\$\{(\w+)\}", catalog.get(msgid).string)) == names, msgid
        assert not CYRILLIC.search(catalog.get(msgid).string), msgid


def test_extraction_covers_python_and_templates():
    found = extract.package_msgids(PACKAGE, DOMAIN)
    assert "Отметьте хотя бы одно значение для выбранного адресата" in found       # schemas.py
    assert "тег ${tag} вместе с содержимым" in found                                # sanitiser.py
    assert "Подробнее в личном кабинете: ${url}" in found                           # mailing.py
    assert "Страница ${page} из ${pages}" in found                                  # i18n:name in list.pt
    assert "Страницы" in found                                                      # i18n:attributes
    assert any("templates/mailing.pt" in w for w in found["Пора отправлять"])


# --- resident pages -----------------------------------------------------------------

def test_russian_stays_the_default(demo_browser):
    demo_browser.login("ivanov")
    page = demo_browser.get("/o/vodokanal/announcements/")
    assert "Письма на эл. почту" in page.text and "Не присылать письма" in page.text
    assert "Stop sending e-mails" not in page.text


def test_list_announcement_and_dashboard_in_english(demo_browser, db):
    with db as platform:
        sadovaya = platform.organisations["vodokanal"]["accounts"]["1000001"].building_key
        now = platform.organisations["vodokanal"].now()
    name = _add(db, title="Срочно по дому", importance="urgent", pinned=True, target="buildings",
                target_buildings=(sadovaya,), expire_at=now + dt.timedelta(days=1))
    b = english(demo_browser, "ivanov")
    page = b.get("/o/vodokanal/announcements/")
    assert '<html lang="en"' in page.text
    for label in ("<h1>Announcements</h1>", "Urgent", "Emergency or outage", "Pinned", "New", "valid until ",
                  "E-mails", "Announcements the organisation sends out are e-mailed to you (ivanov@mail.example).",
                  "Stop sending e-mails"):
        assert label in page.text, label
    assert not CYRILLIC.search(plugin_part(page)), plugin_part(page)
    assert "Срочно по дому" in page.text                # the title as staff wrote it
    # the e-mail preference and its message
    page = page.forms["email-pref"].submit().follow()
    assert "Announcements will no longer be e-mailed to you; you still see them in your cabinet." in page.text
    assert "You have unsubscribed from announcement e-mails." in page.text and "Send e-mails again" in page.text
    # one announcement
    page = b.get("/o/vodokanal/announcements/%s/" % name)
    for label in ("Urgent", "Pinned", "valid until ", "All announcements"):
        assert label in page.text, label
    assert not CYRILLIC.search(plugin_part(page))
    # the dashboard's block and the cabinet menu
    dashboard = b.get("/cabinet")
    widget = dashboard.html.select_one(".ann-feed").parent
    assert "All announcements" in widget.get_text() and "Urgent" in widget.get_text()
    assert "Все объявления" not in dashboard.text and "Закреплено" not in dashboard.text
    menu = b.get("/o/vodokanal/announcements/").html.select_one("nav.mainnav")     # the cabinet menu
    assert "Announcements" in [a.get_text() for a in menu.select("a")]


def test_paging_and_empty_list_in_english(demo_browser, db):
    for i in range(21):
        _add(db, title="Номер %d" % i)
    b = english(demo_browser, "ivanov")
    page = b.get("/o/vodokanal/announcements/")
    assert "Page 1 of 2" in page.text and "Older →" in page.text and 'aria-label="Pages"' in page.text
    assert "← Newer" in b.get("/o/vodokanal/announcements/?page=2").text
    staff = english(type(demo_browser)(demo_browser.app.app), "admin.ukdom")
    page = staff.get("/o/uk-dom/announcements/")
    assert "You have no personal accounts in this organisation, so there are no announcements for you here." \
        in page.text
    assert "Manage announcements" in page.text and "Mailing" in page.text
    assert not CYRILLIC.search(plugin_part(page))


# --- public pages --------------------------------------------------------------------

def test_public_page_in_english_without_login(demo_browser, db):
    b = english(demo_browser)
    page = b.get("/o/vodokanal/")
    for section in ("Contacts", "Opening hours", "Tariffs", "Documents"):
        assert "<h2>%s</h2>" % section in page.text, section
    assert re.search(r"PDF, \d+ K?B<", page.text)
    assert "52,35 ₽ за м³" in page.text                 # the organisation's own text
    for russian in ("Контакты", "Режим работы", "Тарифы</h2>", "КБ"):
        assert russian not in page.text, russian
    with db as platform:
        pages = platform.organisations["vodokanal"]["public_pages"]
        contacts = [p for p in pages.values() if p.section == "contacts"][0]
        contacts.published = False
        pages.reindex(contacts)
        name = contacts.__name__
    b.get("/o/vodokanal/public_pages/%s/" % name, status=404)
    staff = english(type(demo_browser)(demo_browser.app.app), "admin.vodokanal")
    page = staff.get("/o/vodokanal/public_pages/%s/" % name)
    assert "The page is not published: only staff can see it." in page.text
    assert "Contacts" in page.text and "To the organisation's page" in page.text
    assert not CYRILLIC.search(plugin_part(page))


# --- staff pages ---------------------------------------------------------------------

@pytest.fixture
def staff_en(demo_browser):
    return english(demo_browser, "admin.vodokanal")


def test_admin_menu_list_and_form_in_english(staff_en):
    admin = staff_en.get("/o/vodokanal/announcements/@@admin")
    for label in ("Announcements", "Announcement mailing", "Public pages", "Public documents",   # the admin menu
                  "Title", "Importance", "Publish at", "Withdraw at", "Audience"):               # list columns
        assert label in admin.text, label
    form = staff_en.get("/o/vodokanal/announcements/@@add")
    for label in ("Title", "Text", "A blank line starts a new paragraph.", "Importance", "Normal", "Urgent",
                  "Emergency or outage", "Pin to the top of the list", "Audience", "The whole organisation",
                  "Selected buildings", "Selected streets", "Recipients of a service", "Buildings", "Streets",
                  "Services", "If “Selected buildings” is chosen", "Publish at",
                  "The organisation's time; residents will see the announcement from then on", "Withdraw at",
                  "E-mail on publication"):
        assert label in form.text, label
    form_part = form.html.select_one("#lkform")
    for node in form_part.select(".form-check-label"):
        node.decompose()            # the organisation's addresses and services are data
    assert not CYRILLIC.search(form_part.get_text(" ")), form_part.get_text(" ")
    csv = staff_en.get("/o/vodokanal/announcements/@@export.csv")
    header = csv.body.decode("utf-8-sig").splitlines()[0]
    assert "Title" in header and "Importance" in header and not CYRILLIC.search(header)


def test_validation_and_sanitiser_messages_in_english(staff_en):
    form = staff_en.get("/o/vodokanal/announcements/@@add").forms["lkform"]
    form["title"] = "Без домов"
    form["body"] = "Текст"
    form["target"] = "buildings"
    page = form.submit("save", status=200)
    assert "Tick at least one value for the chosen audience" in page.text
    form = staff_en.get("/o/vodokanal/announcements/@@add").forms["lkform"]
    form["title"] = "Пустое"
    form["body"] = "<script>alert(1)</script>"
    page = form.submit("save", status=200)
    assert "After removing unsafe content the text is empty (the tag &lt;script&gt; with its content)." in page.text
    form = staff_en.get("/o/vodokanal/announcements/@@add").forms["lkform"]
    form["title"] = "Промывка"
    form["body"] = '<p style="color:red">Вода</p><iframe src="https://evil.example"></iframe><b>x</b>'
    page = form.submit("save").follow()
    assert "Unsafe or unsupported content was removed from the text: the tag &lt;iframe&gt; with its content; " \
           "unsupported tags (&lt;b&gt;), their text kept; styling attributes (style). Paragraphs, line breaks, " \
           "bold and italic text, lists and http(s) links are allowed." in page.text
    assert "Из текста удалено" not in page.text


def test_mailing_page_and_save_messages_in_english(staff_en, lk_demo, lk_settings):
    with DB(lk_demo) as platform:
        org = platform.organisations["vodokanal"]
        later = Announcement(title="Позже", body="x", notify_email=True, publish_at=org.now() + dt.timedelta(days=1))
        due = Announcement(title="Пора", body="x", notify_email=True, publish_at=org.now() - dt.timedelta(minutes=1))
        for item in (later, due):
            org["announcements"].add(item)
            org["announcements"].reindex(item)
    page = staff_en.get("/o/vodokanal/announcements/@@mailing")
    for label in ("Announcement mailing", "Waiting to be e-mailed", "Announcement", "Publication", "Status",
                  "Due to be sent", "Waiting for the publication time", "Send the due ones (1)",
                  "Nothing has been e-mailed yet.", "Back to announcements"):
        assert label in page.text, label
    assert not CYRILLIC.search(plugin_part(page))
    page = page.forms["send-due"].submit().follow()
    assert "E-mails sent: 2." in page.text and "E-mails" in page.text
    assert not CYRILLIC.search(plugin_part(page))
    page = page.forms["send-due"].submit().follow()
    assert "No mailings are due — nothing was sent." in page.text
    # saving an announcement with e-mail: what the staff member is told
    form = staff_en.get("/o/vodokanal/announcements/@@add").forms["lkform"]
    form["title"] = "Сразу"
    form["body"] = "Текст"
    form["notify_email"] = True
    page = form.submit("save").follow()
    assert "The announcement was e-mailed: 2 e-mail(s)." in page.text


def test_public_document_form_messages_in_english(staff_en, lk_demo):
    form = staff_en.get("/o/vodokanal/public_documents/@@add").forms["lkform"]
    assert "PDF, DOCX, XLSX or an image; the type is checked by content" in form.text
    form["title"] = "Без файла"
    assert "Choose a file" in form.submit("save", status=200).text
    form = staff_en.get("/o/vodokanal/public_documents/@@add").forms["lkform"]
    form["title"] = "Плохой"
    form["upload"] = Upload("virus.pdf", b"MZ\x90\x00 not a pdf", "application/octet-stream")
    page = form.submit("save", status=200)
    assert "The file “virus.pdf” does not look like a PDF, DOCX, XLSX or an image" in page.text
    lk_demo.registry.settings["announcements.max_document_bytes"] = "2000"
    form = staff_en.get("/o/vodokanal/public_documents/@@add").forms["lkform"]
    form["title"] = "Большой"
    form["upload"] = Upload("big.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 3000, "application/octet-stream")
    assert "The file “big.png” is larger than the allowed 2 KB" in form.submit("save", status=200).text
    pages = staff_en.get("/o/vodokanal/public_pages/@@add")
    for label in ("Section", "Contacts", "Opening hours", "Tariffs", "Documents", "Information", "Order",
                  "Published"):
        assert label in pages.text, label


# --- e-mail ---------------------------------------------------------------------------

def test_each_resident_gets_the_mail_in_their_language(lk_demo, lk_settings):
    with DB(lk_demo) as platform:
        platform.users["ivanov"].locale = "en"
        org = platform.organisations["vodokanal"]
        item = Announcement(title="Отключение воды", body="<p>Воды не будет.</p>", importance="outage",
                            notify_email=True, publish_at=org.now() - dt.timedelta(minutes=1))
        org["announcements"].add(item)
        org["announcements"].reindex(item)
    with DB(lk_demo) as platform:       # as cron does: outside any request
        assert send_due_notifications(platform, lk_demo.registry) == 2
    mails = {m["to"]: m for m in read_mails(lk_settings)}
    english_mail, russian_mail = mails["ivanov@mail.example"], mails["petrova@mail.example"]
    assert english_mail["subject"].startswith("Outage: Отключение воды — ")
    body = english_mail["body"]
    assert "Воды не будет." in body                     # the text as staff wrote it
    assert "More in your personal cabinet: http://" in body
    assert "You received this e-mail as a resident the announcement is addressed to." in body
    assert "Подробнее" not in body and "Вы получили" not in body
    assert russian_mail["subject"].startswith("Авария/отключение: Отключение воды — ")
    assert "Подробнее в личном кабинете: http://" in russian_mail["body"]


def test_staff_preview_in_english(staff_en, db):
    with db as platform:
        now = platform.organisations["vodokanal"].now()
    name = _add(db, title="Черновик", publish_at=now + dt.timedelta(days=1))
    page = staff_en.get("/o/vodokanal/announcements/%s/" % name)
    assert "Staff preview: Scheduled; residents see the announcement only when it is published" in page.text
    assert "Edit" in page.text and not CYRILLIC.search(plugin_part(page))
