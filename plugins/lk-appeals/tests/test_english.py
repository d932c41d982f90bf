"""The plugin in English (Russian stays the default): every message of the
``lk_appeals`` domain has an English translation, and the resident's and
the staff's pages, the letters and the report's CSV read in English through
the whole WSGI stack. What people typed (subjects, messages, names,
addresses) stays as it was written."""
from __future__ import annotations

import csv
import io
import re

from lk_platform.testing import CYRILLIC, EnglishCatalog

CATALOG = EnglishCatalog("lk_appeals", __file__)
PACKAGE, PO = CATALOG.package, CATALOG.po
STAFF = "appeals.vodokanal"


plugin_msgids = CATALOG.msgids




def english(appeals, login="ivanov"):
    """``login``'s browser with English chosen (saved as the user's locale)."""
    b = appeals.browser(login)
    response = b.post_csrf("/language", {"language": "en", "next": "/cabinet"})
    assert response.status_int == 303
    return b


def russian_in(page, selector, data=None):
    """Texts of the ``selector`` elements still in Russian, leaving out
    their parts matching the ``data`` selector (names, as people wrote them)."""
    html = page.html
    if data:
        html = type(html)(str(html), "html.parser")
        for element in html.select(data):
            element.decompose()
    texts = [e.get_text(" ", strip=True) for e in html.select(selector)]
    return [t for t in texts if CYRILLIC.search(t)]


# --- the catalog ------------------------------------------------------------------------

def test_every_plugin_message_has_an_english_translation():
    from babel.messages.pofile import read_po
    with open(PO, "rb") as f:
        catalog = read_po(f, locale="en", domain="lk_appeals")
    found = plugin_msgids()
    assert len(found) > 200
    missing = [m for m in sorted(found) if catalog.get(m) is None or not catalog.get(m).string
               or catalog.get(m).fuzzy]
    assert missing == [], "msgids of lk_appeals without English: %s" % missing
    for msgid in found:
        english_text = catalog.get(msgid).string
        # every ${name} of a msgid is kept in its translation, and no Russian is left in it
        assert sorted(re.findall(r"\$\{(\w+)\}", english_text)) == sorted(re.findall(r"\$\{(\w+)\}", msgid)), msgid
        assert not CYRILLIC.search(english_text), msgid


def test_extraction_covers_python_and_templates():
    found = plugin_msgids()
    assert "Ждёт ответа жителя" in found                                    # a status (models.py)
    assert "Перерасчёт платы" in found                                      # a seeded category (routing.py)
    assert "До первого ответа, раб. ч" in found                             # a CSV column (report.py)
    assert "Обращение № ${number}: ${subject}" in found                     # i18n:name in a template
    assert "Переписка" in found                                             # i18n:attributes (thread.pt)
    assert "По вашему обращению № ${number} «${subject}» в ${organisation} — ${what}." in found   # mail.py
    assert any("templates/queue.pt" in w for w in found["Исполнитель"])


# --- the resident's pages ----------------------------------------------------------------

def test_russian_stays_the_default(appeals):
    page = appeals.browser("ivanov").get("/o/vodokanal/appeals/1/")
    assert "Переписка" in page.text and "Срок решения" in page.text
    assert "Correspondence" not in page.text and "Resolution due" not in page.text


def test_the_residents_list_and_an_appeal_with_correspondence_in_english(appeals):
    b = english(appeals)
    page = b.get("/o/vodokanal/appeals/")
    assert '<html lang="en"' in page.text
    for label in ("My appeals", "New appeal", "Subject", "Personal account", "Status", "Updated", "In progress",
                  "New", "Recalculation of charges", "Meter replacement or verification"):
        assert label in page.text, label
    assert russian_in(page, "h1, th, .appeal-status, .appeals-list .muted, #new-appeal") == []
    assert "Нет горячей воды с 3 по 10 число" in page.text          # the subject as the resident wrote it

    page = b.get("/o/vodokanal/appeals/1/")
    for label in ("← My appeals", "Appeal No. 1: Нет горячей воды с 3 по 10 число", "Status", "Category",
                  "Created", "Resolution due", "specialist", "Your reply", "Photos or documents", "Send",
                  "Photos (JPEG, PNG, WEBP) or PDF, up to 5 files of at most 10 MB each", "History of changes (2)",
                  "appeal created", "status: New → In progress"):
        assert label in page.text, label
    assert 'aria-label="Correspondence"' in page.text
    # the staff note of the demo stays with staff, in any language
    assert "Запросить журнал" not in page.text
    assert russian_in(page, "dt, label, button, .appeal-badge, .appeal-status, #appeal-status, .form-text, "
                            ".appeal-history summary, .appeal-history li", data=".appeal-history .muted") == []
    assert "Здравствуйте! Проверяем журнал отключений" in page.text   # the staff's answer as written


def test_the_new_appeal_form_and_its_errors_in_english(appeals, jpeg):
    b = english(appeals)
    page = b.get("/o/vodokanal/appeals/@@new")
    for label in ("New appeal", "Personal account", "Category", "Subject", "Text of the appeal",
                  "Photos or documents", "Send the appeal", "Cancel", "— choose —", "Repairs and emergencies"):
        assert label in page.text, label
    assert russian_in(page, "h1, label, button, .form-text, #appeal-category option") == []

    page = appeals.open(subject="Эх", text="   ", category="999", status=400,
                        files=[("a.jpg", jpeg, "image/jpeg"), ("b.jpg", b"MZ\x90\x00" + b"\x00" * 200, "image/jpeg")])
    errors = page.html.select_one("#form-errors").get_text(" ", strip=True)
    assert "The appeal was not sent. Please correct:" in errors
    assert "Subject: at least 3 characters." in errors
    assert "Text of the appeal: please fill in this field." in errors
    assert "Choose a category of the appeal from the list." in errors
    assert "File “b.jpg” is not a photo (JPEG, PNG, WEBP) or a PDF document" in errors
    assert not CYRILLIC.search(errors)
    assert page.forms["new-appeal-form"]["subject"].value == "Эх"     # what the resident typed comes back

    number = re.search(r"/appeals/(\d+)/", appeals.open(subject="Шумит лифт").location).group(1)
    page = b.get("/o/vodokanal/appeals/%s/" % number)
    assert "Appeal No. %s has been sent." % number in page.text
    page = appeals.post("ivanov", "/o/vodokanal/appeals/%s/@@rate" % number, {"score": "5"}, status=409)
    assert "Only a resolved or closed appeal can be rated." in page.text


def test_a_closed_appeal_and_the_dashboard_widget_in_english(appeals, new_number):
    number = new_number(appeals.open())
    url = "/o/vodokanal/appeals/%s/" % number
    appeals.post(STAFF, url + "@@status", {"status": "closed"})
    b = english(appeals)
    page = appeals.post("ivanov", url + "@@reply", {"text": "Опять"}, status=409)
    assert "The appeal is closed: you cannot reply in it." in page.text
    page = b.get(url)
    assert "The appeal is closed." in page.text and "write a new appeal" in page.text
    cabinet = b.get("/cabinet")
    widgets = [w for w in cabinet.html.select("section.widget") if w.h3.get_text() == "Appeals"]
    assert len(widgets) == 2
    text = " ".join(w.get_text(" ", strip=True) for w in widgets)
    assert "All appeals" in text and "Write an appeal" in text and "Waiting for the resident" in text
    assert "Все обращения" not in text and "Ждёт ответа жителя" not in text
    assert ">Appeals</a>" in b.get("/o/vodokanal/appeals/").text        # the cabinet menu item


# --- the staff's pages ------------------------------------------------------------------------

def test_the_queue_in_english(appeals):
    b = english(appeals, STAFF)
    page = b.get("/o/vodokanal/appeals/@@queue")
    for label in ("Residents’ appeals", "Open: 2", "Overdue: ", "Due soon: ", "Mine: ", "Report for a period",
                  "Search the subject and correspondence", "Show", "Reset", "Filters and order", "Status", "Category",
                  "Assignee", "Deadlines", "Building", "Order", "By deadline", "Newest first", "Recently changed",
                  "Mine and my roles’", "No staff member", "Waiting for the resident", "Found:", "Account, address",
                  "Deadline", "role: Appeals specialist"):
        assert label in page.text, label
    assert russian_in(page, "h1, .appeal-tabs a, label, button, summary, th, .appeal-status, .col-category, "
                            "#f-status option, #f-category option, #f-due option, #f-sort option") == []
    assert russian_in(page, "#queue td:nth-of-type(6)") == []           # owners: roles translated
    page = b.get("/o/vodokanal/appeals/@@queue?q=nothing-like-this")
    assert "Nothing found" in page.text


def test_an_appeal_for_staff_in_english(appeals):
    b = english(appeals, STAFF)
    page = b.get("/o/vodokanal/appeals/1/@@manage")
    for label in ("← Appeals queue", "Appeal No. 1: ", "Resident", "Personal account", "Assignee",
                  "First answer", "working hours)", "working days)", "Answer to the resident",
                  "Text of the answer (the resident receives it by e-mail)", "Status after the answer",
                  "do not change", "Send the answer", "Note for colleagues", "Add note", "Change status",
                  "— choose —", "Comment to the resident (optional)", "Hand over to", "— nobody —", 'label="Staff"',
                  'label="Roles"', "Assign", "note: not visible to the resident", "specialist",
                  "Appeals specialist"):
        assert label in page.text, label
    assert russian_in(page, "h2, dt, label, button, .appeal-badge, #appeal-status, #answer-status option, "
                            "#status-new option, .appeal-history summary, .appeal-history li",
                      data=".appeal-history .muted") == []
    assert "Запросить журнал у диспетчерской" in page.text            # the note as written
    # a refused change and a flash message in English
    page = appeals.post(STAFF, "/o/vodokanal/appeals/1/@@answer", {"text": "Всё", "status": "closed"}, status=400)
    assert "With an answer the status can only become “In progress”" in page.text
    appeals.post(STAFF, "/o/vodokanal/appeals/1/@@assign", {"assignee": "user:admin.vodokanal"})
    page = b.get("/o/vodokanal/appeals/1/@@manage")
    assert "Assignee changed." in page.text
    assert "assignee: role: Appeals specialist → " in page.text
    page = appeals.post(STAFF, "/o/vodokanal/appeals/2/@@status", {"status": "in_progress", "comment": "х" * 5001},
                        status=400)
    assert "Comment: no longer than 5000 characters (now 5001)." in page.text


def test_the_report_page_and_csv_in_english(appeals):
    b = english(appeals, STAFF)
    page = b.get("/o/vodokanal/appeals/@@report")
    for label in ("Appeals report", "From date", "To date (inclusive)", "Encoding", "UTF-8 (Excel 2016 and later)",
                  "Windows-1251 (older Excel)", "Download CSV", "Staff notes are not included."):
        assert label in page.text, label
    assert russian_in(page, "h1, main p, #report-form label, #report-form option, #report-form button") == []
    page = b.get("/o/vodokanal/appeals/@@report.csv?from=2026-11-30&to=2026-11-01", status=400)
    assert "The end of the period is before its start." in page.text

    import datetime as dt
    with appeals.db() as platform:
        today = platform.organisations["vodokanal"].now().date()        # the organisation's day, not the machine's
    response = b.get("/o/vodokanal/appeals/@@report.csv?from=%s&to=%s" % (today - dt.timedelta(days=60), today))
    table = list(csv.reader(io.StringIO(response.body.decode("utf-8-sig")), delimiter=";"))
    header = table[0]
    assert header[:9] == ["No.", "Created", "Personal account", "Address", "Resident", "Category", "Subject", "Status",
                          "Assignee"]
    assert "To first answer, working hours" in header and "Rating comment" in header
    assert not any(CYRILLIC.search(h) for h in header)
    rows = {r[6]: dict(zip(header, r)) for r in table[1:]}
    rusty = rows["Ржавая вода из крана"]                                  # the subject as written
    assert rusty["Status"] == "Resolved" and rusty["Category"] == "Quality of services"
    assert rusty["First answer on time"] in ("yes", "no")
    assert rows["Нет горячей воды с 3 по 10 число"]["Assignee"] == "role: Appeals specialist"
    # the same report for a Russian reader is unchanged
    ru = appeals.browser("admin.vodokanal").get(
        "/o/vodokanal/appeals/@@report.csv?from=%s&to=%s" % (today - dt.timedelta(days=60), today))
    assert ru.body.decode("utf-8-sig").startswith("№;Создано;Лицевой счёт")


# --- letters ------------------------------------------------------------------------------

def test_letters_are_written_in_the_readers_language(appeals, new_number):
    english(appeals, "ivanov")                    # the resident reads English; staff stay Russian
    number = new_number(appeals.open(subject="Течёт кран"))
    to_staff = appeals.mails()[-1]
    assert to_staff["to"] == "appeals@vodokanal.example"
    assert to_staff["subject"] == "Обращение № %s: новое обращение" % number
    url = "/o/vodokanal/appeals/%s/" % number
    appeals.post(STAFF, url + "@@answer", {"text": "Мастер придёт завтра.", "status": "waiting"})
    mail = appeals.mails()[-1]
    assert mail["to"] == "ivanov@mail.example"
    assert mail["subject"] == "Appeal No. %s: an answer and a new status “Waiting for the resident”" % number
    body = mail["body"]
    for line in ("Hello,", "Your appeal No. %s “Течёт кран” at " % number, "Status: New → Waiting for the resident",
                 "Мастер придёт завтра.", "The specialist needs your reply: please answer in your personal cabinet.",
                 "The appeal in your personal cabinet: http://localhost/o/vodokanal/appeals/%s/" % number,
                 "This message was sent automatically; there is no need to reply."):
        assert line in body, line
    assert not CYRILLIC.search(body.replace("Течёт кран", "").replace("Мастер придёт завтра.", "")
                               .replace(mail_organisation(appeals), "").replace("Соколова Вера (обращения)", ""))
    # the staff member who chose English gets the resident's reply in English
    english(appeals, STAFF)
    appeals.post("ivanov", url + "@@reply", {"text": "Буду дома после шести."})
    mail = appeals.mails()[-1]
    assert mail["to"] == "appeals@vodokanal.example"
    assert mail["subject"] == "Appeal No. %s: resident’s reply" % number
    assert "Resident’s reply at " in mail["body"] and "Category: Repairs and emergencies" in mail["body"]
    assert "Open: http://localhost/o/vodokanal/appeals/%s/@@manage" % number in mail["body"]


def mail_organisation(appeals):
    with appeals.db() as platform:
        return platform.organisations["vodokanal"].display_name


def test_the_generated_category_and_settings_forms_in_english(appeals):
    admin = english(appeals, "admin.vodokanal")
    page = admin.get("/o/vodokanal/appeal_categories/@@add")
    for label in ("Title", "Hint for residents", "Route to: role", "Route to: staff member (takes precedence over the role)",
                  "First answer within, working hours", "Resolution within, working days", "Order in the list",
                  "Available to residents", "— do not assign —", "Appeals specialist"):
        assert label in page.text, label
    form = page.forms["lkform"]
    form["title"] = "Noise"
    form["sla_first_hours"] = "0"
    assert "At least 1 hour" in form.submit(status=200).text
    listing = admin.get("/o/vodokanal/appeal_categories/@@admin")
    assert "Title" in listing.text and "Перерасчёт платы" in listing.text   # the stored title as the admin edits it

    page = admin.get("/o/vodokanal/@@plugin-settings/appeals")
    for label in ("Days after resolution during which a resident may reopen an appeal", "Working day starts at, hour",
                  "Working day ends at, hour", "Additional days off (DD.MM.YYYY, one per line)",
                  "How many working hours before the deadline to mark “due soon”"):
        assert label in page.text, label
    form = page.forms["lkform"]
    form["holidays"] = "31.02.2026\n01.01.2027"
    page = form.submit(status=200)
    assert "line 1: “31.02.2026” is not a date as DD.MM.YYYY" in page.text
    form = page.forms["lkform"]
    form["holidays"] = ""
    form["work_start"] = "18"
    form["work_end"] = "9"
    assert "The working day must end after it starts" in form.submit(status=200).text
