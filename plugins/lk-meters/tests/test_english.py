"""The plugin in English (Russian stays the default, which every other test
of the plugin checks): the resident's readings form, its messages, a
meter's history and chart, the dashboard widget; the staff's list, meter
page, reminders page, settings and generated admin forms; reminder and
rejection letters in each holder's language; a CSV export. And every msgid
of the ``lk_meters`` domain has an English translation."""
from __future__ import annotations

import re

from lk_meters.readings import latest, period_readings
from lk_platform.i18n import extract
from lk_platform.testing import EnglishCatalog

CATALOG = EnglishCatalog("lk_meters", __file__)
PACKAGE, PO = CATALOG.package, CATALOG.po
FORM = "/o/vodokanal/readings"




# --- the catalog ------------------------------------------------------------------------

plugin_msgids = CATALOG.msgids


def untranslated(po=PO):
    return extract.untranslated(po, plugin_msgids())


def test_every_plugin_message_has_an_english_translation():
    assert untranslated() == [], "msgids of lk_meters without English in %s" % PO


def test_translations_keep_every_placeholder():
    catalog = extract.read_catalog(PO)
    wrong = [m.id for m in catalog if m.id and set(re.findall(r"\$\{(\w+)\}", m.id))
             != set(re.findall(r"\$\{(\w+)\}", m.string))]
    assert wrong == []


def test_the_check_notices_a_missing_translation(tmp_path):
    from babel.messages.pofile import write_po
    catalog = extract.read_catalog(PO)
    catalog["Введите показания хотя бы одного счётчика."].string = ""
    broken = tmp_path / "broken.po"
    with open(broken, "wb") as f:
        write_po(f, catalog)
    assert [m for m, _w in untranslated(str(broken))] == ["Введите показания хотя бы одного счётчика."]


def test_extraction_covers_python_and_templates():
    found = plugin_msgids()
    assert "Введите показания хотя бы одного счётчика." in found                      # views/resident.py
    assert "У счётчика ${n} ${digits} до запятой, а введено ${entered}" in found      # with a mapping
    assert "Холодная вода" in found                                                   # vocabulary.py
    assert "Лицевой счёт № ${number}" in found                                        # i18n:name in readings.pt
    assert any(w.endswith("templates/widget.pt:3") for w in found["Пора передать показания:"])
    assert len(found) > 150


# --- the pages ----------------------------------------------------------------------------

def english(browser):
    browser.post_csrf("/language", {"language": "en", "next": "/cabinet"}, status=303)


def meter_state(kit, lk_db, serial):
    with lk_db as platform:
        o = platform.organisations["vodokanal"]
        meter = kit.meter_by_serial(o, serial)
        return meter.__name__, latest(meter).values


def readings_now(kit, lk_db):
    from lk_meters.meters import meters_folder
    with lk_db as platform:
        o = platform.organisations["vodokanal"]
        period = kit.period_now(o)
        return sorted((m.__name__, r.values) for m in meters_folder(o).values() for r in period_readings(m, period))


RUSSIAN_LABELS = ("Показания счётчиков", "Лицевой счёт", "Передать показания", "Холодная вода", "Горячая вода",
                  "цифр до запятой", "Предыдущее показание", "Начальное показание", "История и график расхода",
                  "показание, м³", "поверка до", "ХВС №")


def test_the_readings_form_in_english(demo_browser, lk_db, kit):
    with lk_db as platform:
        kit.set_window(platform.organisations["vodokanal"], None, None)
    demo_browser.login("ivanov")
    english(demo_browser)
    page = demo_browser.get(FORM)
    assert '<html lang="en"' in page.text
    assert "<h1>Meter readings</h1>" in page.text
    assert "Personal account No. 1000001" in page.text
    assert "Cold water" in page.text and "Hot water" in page.text
    assert "No. ХВ-1000011" in page.text                 # the serial is data, the label is English
    assert "Reading, m³ (for " in page.text
    assert "Up to 5 digits before the decimal point and 3 after; previously" in page.text
    assert "Previous reading (" in page.text or "Initial reading" in page.text
    assert "History and consumption chart" in page.text and "Submit readings" in page.text
    for label in RUSSIAN_LABELS:
        assert label not in page.text, label
    # the month of the period is English as well
    assert re.search(r"\(for (January|February|March|April|May|June|July|August|September|October|November|"
                     r"December) 20\d\d\)", page.text)


def test_a_bad_value_gets_an_english_message_naming_the_meter_and_nothing_is_saved(demo_browser, lk_db, kit):
    with lk_db as platform:
        kit.set_window(platform.organisations["vodokanal"], None, None)
    cold, _ = meter_state(kit, lk_db, "ХВ-1000011")
    hot, hot_last = meter_state(kit, lk_db, "ГВ-1000012")
    before = readings_now(kit, lk_db)
    demo_browser.login("ivanov")
    english(demo_browser)
    page = demo_browser.post_csrf(FORM, {"m%s-t1" % cold: "абв", "m%s-t1" % hot: kit.value_text(hot_last[0] + 1)})
    assert page.status_int == 200
    assert "The readings were not saved — correct the marked fields." in page.text
    assert "CW No. ХВ-1000011: Enter a number in digits, e.g. 123,45" in page.text   # the summary names the meter
    assert 'id="m%s-t1-err" class="invalid-feedback">Enter a number in digits' % cold in page.text  # and the field
    assert 'value="абв"' in page.text                    # what was typed is kept
    assert "Введите число" not in page.text and "Показания не сохранены" not in page.text
    page = demo_browser.post_csrf(FORM, {"m%s-t1" % cold: "123456789"})
    assert "The meter has 5 digits before the decimal point, but 9 were entered" in page.text
    page = demo_browser.post_csrf(FORM, {"m%s-t1" % cold: " "})
    assert "Enter the readings of at least one meter." in page.text
    assert readings_now(kit, lk_db) == before


def test_a_submission_and_its_flash_in_english(demo_browser, lk_db, kit):
    with lk_db as platform:
        kit.set_window(platform.organisations["vodokanal"], None, None)
    cold, cold_last = meter_state(kit, lk_db, "ХВ-1000011")
    demo_browser.login("ivanov")
    english(demo_browser)
    new = kit.value_text(cold_last[0] + 2)
    page = demo_browser.post_csrf(FORM, {"m%s-t1" % cold: new}, status=303).follow()
    assert "Meter readings submitted: CW No. ХВ-1000011 — %s. Thank you!" % new in page.text
    assert "For " in page.text and " submitted on " in page.text and "Received" in page.text
    assert "Показания переданы" not in page.text


def test_a_meters_history_in_english(demo_browser, lk_db, kit):
    cold, _ = meter_state(kit, lk_db, "ХВ-1000011")
    demo_browser.login("ivanov")
    english(demo_browser)
    page = demo_browser.get("/o/vodokanal/meters/%s/@@history" % cold)
    assert "<h1>CW No. ХВ-1000011</h1>" in page.text
    for label in ("← Back to submitting readings", "Personal account", "Tariffs", "Latest reading",
                  "Consumption by month", "All readings", "Readings, m³", "By whom and how", "Chart as SVG",
                  "Consumption table", "A year ago", "Resident, Personal account website"):
        assert label in page.text, label
    assert re.search(r"<td>(January|February|March|April|May|June|July|August|September|October|November|"
                     r"December) 20\d\d</td>", page.text)
    assert "Consumption: CW No. ХВ-1000011" in page.text          # the chart's SVG title
    for label in ("Все показания", "Расход", "Лицевой счёт", "Житель", "Личный кабинет,", "Принято", "Получено",
                  "январ", "феврал", "ноябр", "декабр", "Тёмные столбцы"):
        assert label not in page.text, label
    svg = demo_browser.get("/o/vodokanal/meters/%s/@@chart.svg" % cold)
    assert "Monthly consumption, m³" in svg.text and "Помесячный" not in svg.text


def test_the_dashboard_widget_and_menu_in_english(demo_browser):
    demo_browser.login("petrova")
    english(demo_browser)
    page = demo_browser.get("/cabinet")
    assert "Time to submit meter readings:" in page.text
    assert re.search(r"CW No\. ХВ-1000021<span class=\"muted\"> — account 1000002, for [A-Z][a-z]+ 20\d\d", page.text)
    assert "Submit readings" in page.text and "Meter readings" in page.text
    for label in ("Пора передать показания", "Передать показания", "Показания счётчиков", "л/с ", "ХВС №"):
        assert label not in page.text, label
    # and back to Russian
    demo_browser.post_csrf("/language", {"language": "ru", "next": "/cabinet"}, status=303)
    assert "Пора передать показания" in demo_browser.get("/cabinet").text


def test_warnings_are_stored_as_plain_russian_strings(lk_app):
    """What a check writes into ZODB (a reading's warnings) is the Russian
    str, with no reference to translation classes; the submitter is shown
    the same warning in their language."""
    import datetime as dt
    import pickle

    from lk_meters.models import Meter
    from lk_meters.validation import Entry, check_entry
    from lk_platform.i18n import translate
    meter = Meter(account="1", serial="77", status="archived", next_verification=dt.date(2026, 5, 1))
    entry = check_entry(Entry(meter, ("1",), 202611, translate=lambda m: translate(m, "en", lk_app.registry)),
                        None, dt.date(2026, 11, 5), {})
    assert entry.ok and entry.warnings == ["Счётчик в архиве (выведен из эксплуатации)",
                                           "Срок поверки истёк 01.05.2026"]
    for warning in entry.warnings:
        assert type(warning) is str
        assert b"lk_meters" not in pickle.dumps(warning) and b"translationstring" not in pickle.dumps(warning)
    assert entry.shown_warnings[1] == "Verification expired on 01.05.2026"
    assert not any(re.search("[а-яё]", w, re.I) for w in entry.shown_warnings)


def test_the_ceiling_question_and_its_warning_in_english(demo_browser, lk_db, kit):
    with lk_db as platform:
        kit.set_window(platform.organisations["vodokanal"], None, None)
    cold, cold_last = meter_state(kit, lk_db, "ХВ-1000011")     # vodokanal's cold water ceiling: 25 m³ a month
    before = readings_now(kit, lk_db)
    demo_browser.login("ivanov")
    english(demo_browser)
    high = kit.value_text(cold_last[0] + 60)
    page = demo_browser.post_csrf(FORM, {"m%s-t1" % cold: high})
    assert "is above the usual limit (25 m³ per month)" in page.text
    assert "Please check: consumption of " in page.text and "The reading is correct" in page.text
    assert "Tick “The reading is correct” for the values you have checked" in page.text
    assert "предела" not in page.text and "Показание верно" not in page.text
    assert readings_now(kit, lk_db) == before
    page = demo_browser.post_csrf(FORM, {"m%s-t1" % cold: high, "m%s-confirm" % cold: "1"}, status=303).follow()
    assert "CW No. ХВ-1000011: Consumption of " in page.text and "— confirmed on submission" in page.text
    # what is stored stays in the source language, for staff and exports
    with lk_db as platform:
        reading = latest(kit.meter_by_serial(platform.organisations["vodokanal"], "ХВ-1000011"))
        assert type(reading.warnings[0]) is str and "подтверждено при передаче" in reading.warnings[0]


# --- the staff's side ------------------------------------------------------------------------

CYRILLIC = re.compile("[а-яё]", re.I)
MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|December) 20\d\d"


def labels_of(page, tags=("h1", "h2", "label", "th", "button", "legend", "caption", "dt", "summary")):
    """The texts of the page's headings, labels and buttons inside ``<main>``:
    the plugin's own words, without the data (addresses, serials) around them."""
    main = page.html.find("main") or page.html
    return [" ".join(el.get_text(" ").split()) for tag in tags for el in main.find_all(tag)]


SERIAL = re.compile(r"[А-ЯЁ]{1,2}-\d+")      # ХВ-1000011: a meter's serial number is data


def russian_labels(page, **kw):
    return [text for text in labels_of(page, **kw) if CYRILLIC.search(SERIAL.sub("", text))]


def last_period(kit, lk_db):
    from lk_platform.util import periods
    with lk_db as platform:
        return periods.add(kit.period_now(platform.organisations["vodokanal"]), -1)


def test_the_staff_list_in_english(demo_browser, lk_db, kit):
    from lk_platform.util import periods
    period = periods.iso(last_period(kit, lk_db))
    demo_browser.login("admin.vodokanal")
    english(demo_browser)
    page = demo_browser.get("/o/vodokanal/@@meter-readings?period=" + period)
    assert re.search(r"<h1[^>]*>Readings for %s</h1>" % MONTH, page.text)
    for label in ("Personal account, address", "Export to billing", "Accept", "Reject", "Upload the answer",
                  "Close the period ", "Selected on this page", "per page", "Accepted: <strong>", "Cold water",
                  "Resident, Personal account website", 'aria-label="Select CW No. ХВ-1000011"'):
        assert label in page.text, label
    assert russian_labels(page) == []
    for label in ("Показания за", "Выгрузка в биллинг", "Принято", "Житель", "Холодная вода", "ХВС №",
                  "на странице", "Отметить"):
        assert label not in page.text, label


def test_the_staff_meter_page_and_its_messages_in_english(demo_browser, lk_db, kit):
    with lk_db as platform:
        o = platform.organisations["vodokanal"]
        kit.set_window(o, 25, 5)
        meter = kit.meter_by_serial(o, "ХВ-1000011")
        mid, last = meter.__name__, latest(meter).values[0]
    demo_browser.login("admin.vodokanal")
    english(demo_browser)
    url = "/o/vodokanal/meters/%s/@@readings" % mid
    page = demo_browser.get(url)
    assert "<h1>CW No. ХВ-1000011</h1>" in page.text
    for label in ("← Readings of the period", "Meter record", "Enter a reading", "Save the reading", "Received by",
                  "from the 25 to the 5 of the next month", "organisation's settings", "Reading, m³", "Phone call to the "):
        assert label in page.text, label
    assert russian_labels(page) == []
    page = demo_browser.post_csrf(url, {"period": "2020-01", "source": "call", "t1": "1"})
    assert "Period: choose the current period or one of the two previous open ones." in page.text
    from lk_platform.util import periods
    period = periods.iso(last_period(kit, lk_db))
    page = demo_browser.post_csrf(url, {"period": period, "source": "call", "t1": kit.value_text(last - 5)})
    assert "Please check: the reading " in page.text and "The reading is correct" in page.text
    assert "меньше предыдущего" not in page.text and "Проверьте" not in page.text
    page = demo_browser.post_csrf(url, {"period": period, "source": "call", "t1": kit.value_text(last - 5),
                                        "confirm": "1"}, status=303).follow()
    assert re.search("The reading for %s was saved and accepted." % MONTH, page.text)
    with lk_db as platform:     # stored in Russian, whoever typed it
        reading = latest(kit.meter_by_serial(platform.organisations["vodokanal"], "ХВ-1000011"))
        assert "подтверждено при передаче" in reading.warnings[0]


def test_the_reminders_page_the_settings_and_the_generated_admin_in_english(demo_browser):
    demo_browser.login("admin.vodokanal")
    english(demo_browser)
    page = demo_browser.get("/o/vodokanal/@@meter-reminders")
    for label in ("<h1>Meter reading reminders</h1>", "Submission window (organisation)", "Send now",
                  "Module settings", "lk -c файл.ini meters reminders"):
        assert label in page.text, label
    assert russian_labels(page) == []
    page = demo_browser.get("/o/vodokanal/@@plugin-settings/meters")
    assert "Consumption limit per month: cold water, m³" in page.text
    assert "Remind residents when the submission window opens" in page.text
    assert "Предельный расход" not in page.text and "Напоминать" not in page.text
    form = demo_browser.get("/o/vodokanal/meters/@@add").forms["lkform"]
    form["account"] = "2000001"
    form["serial"] = "Э-778"
    page = form.submit("save")
    assert "Personal account No. 2000001 was not found in this organisation" in page.text
    assert "Serial number" in page.text and "Number of tariffs" in page.text and "Cold water" in page.text
    assert "Заводской номер" not in page.text and "не найден" not in page.text
    page = demo_browser.get("/o/vodokanal/meter_windows/@@add")
    assert "All buildings" in page.text and "All resources" in page.text and "Все дома" not in page.text


def test_staff_links_name_the_meters_area():
    from lk_meters import plugin
    from lk_platform.plugins.declarations import ADMIN_GROUPS
    links = plugin.lk_admin_menu(None, None)
    assert len(links) == 4 and {link.group for link in links} == {"meters"} and "meters" in ADMIN_GROUPS


def test_a_csv_export_in_english(demo_browser, lk_db, kit):
    import csv
    import io

    from lk_platform.util import periods
    period = periods.iso(last_period(kit, lk_db))
    demo_browser.login("admin.vodokanal")
    english(demo_browser)
    res = demo_browser.post_csrf("/o/vodokanal/@@meter-readings-export", {"period": period, "format": "csv"})
    rows = list(csv.reader(io.StringIO(res.body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Personal account", "Address", "Resource", "Resource code", "Unit", "Meter ID",
                       "Serial number", "Tariffs", "Period", "Reading 1", "Reading 2", "Reading 3", "Reading 4",
                       "Submitted on", "Source", "Submitted by", "Status"]
    cold = [r for r in rows if r[6] == "ХВ-1000011"][0]
    assert (cold[2], cold[4], cold[-3], cold[-2], cold[-1]) == ("Cold water", "m³", "Personal account website",
                                                                 "Resident", "Accepted")
    page = demo_browser.post_csrf("/o/vodokanal/@@meter-readings-export", {"period": period, "format": "csv"},
                                  status=303).follow()
    assert re.search("There are no accepted readings to export for %s" % MONTH, page.text)


def test_reminder_letters_in_each_holders_language(demo_browser, lk_demo, lk_db, kit):
    import email
    from email.header import decode_header, make_header

    from lk_platform.testing import mail_files
    with lk_db as platform:
        platform.users["ivanov"].locale = "en"          # petrova keeps Russian
        kit.set_window(platform.organisations["vodokanal"], None, None)
    before = len(mail_files(lk_demo.registry.settings))
    demo_browser.login("admin.vodokanal")
    english(demo_browser)
    page = demo_browser.post_csrf("/o/vodokanal/@@meter-reminders", {"window": "1", "verification": "1"},
                                  status=303).follow()
    assert "Letters sent: about submitting readings — 2, about verification — 2." in page.text
    sent = {}
    for path in mail_files(lk_demo.registry.settings)[before:]:
        with open(path, "rb") as f:
            message = email.message_from_binary_file(f)
        subject = str(make_header(decode_header(message["Subject"])))
        sent.setdefault(message["To"], []).append((subject, message.get_payload(decode=True).decode("utf-8")))
    ivanov, petrova = sorted(sent["ivanov@mail.example"]), sorted(sent["petrova@mail.example"])
    assert [s for s, _b in ivanov][0] == "Meter verification for personal account No. 1000001"
    assert re.match("Please submit your meter readings for %s$" % MONTH, ivanov[1][0])
    window = ivanov[1][1]
    assert window.startswith("Hello!\n\nMeter readings for ") and "personal account No. 1000001" in window
    assert "• CW No. ХВ-1000011" in window and "Submit readings: http://localhost/o/vodokanal/readings" in window
    verification = ivanov[0][1]
    assert "HW No. ГВ-1000012 — verification due by " in verification and "Please order a verification" in verification
    # only the data stays Russian: the address, the serials, the organisation's name
    with lk_db as platform:
        o = platform.organisations["vodokanal"]
        data = [o["accounts"]["1000001"].address, o.display_name]
    for body in (window, verification):
        for text in data:
            body = body.replace(text, "")
        assert not CYRILLIC.search(SERIAL.sub("", body)), body
    assert all(not CYRILLIC.search(s) for s, _b in ivanov)
    assert [s for s, _b in petrova][0].startswith("Передайте показания счётчиков за ")
    assert "Здравствуйте!" in petrova[0][1]


def test_a_rejection_letter_in_the_holders_language(demo_browser, lk_demo, lk_db, kit):
    from lk_platform.testing import mail_files
    with lk_db as platform:
        platform.users["ivanov"].locale = "en"
        o = platform.organisations["vodokanal"]
        kit.set_window(o, None, None)
        meter = kit.meter_by_serial(o, "ХВ-1000011")
        mid, last = meter.__name__, latest(meter).values[0]
    demo_browser.login("ivanov")
    demo_browser.post_csrf(FORM, {"m%s-t1" % mid: kit.value_text(last + 1)}, status=303)
    before = len(mail_files(lk_demo.registry.settings))
    demo_browser.login("admin.vodokanal")          # staff in Russian
    page = demo_browser.post_csrf("/o/vodokanal/@@meter-readings-bulk",
                                  {"meter": [mid], "action": "reject", "reason": "Фото не совпадает"},
                                  status=303).follow()
    assert "Отклонено показаний: 1" in page.text
    import email
    from email.header import decode_header, make_header
    (path,) = mail_files(lk_demo.registry.settings)[before:]
    with open(path, "rb") as f:
        message = email.message_from_binary_file(f)
    assert str(make_header(decode_header(message["Subject"]))) == "Meter reading rejected"
    body = message.get_payload(decode=True).decode("utf-8")
    assert "The reading of meter CW No. ХВ-1000011 for " in body and "Reason: Фото не совпадает" in body
