"""The resident's side of the plugin in English (Russian stays the default,
which every other test of the plugin checks): the readings form, its
messages, a meter's history and chart, the dashboard widget; and every
msgid of the ``lk_meters`` domain has an English translation."""
from __future__ import annotations

import os
import re

import pytest

from lk_meters.readings import latest, period_readings
from lk_platform.i18n import extract

PACKAGE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lk_meters")
PO = os.path.join(PACKAGE, "locale", "en", "LC_MESSAGES", "lk_meters.po")
FORM = "/o/vodokanal/readings"


@pytest.fixture(scope="module", autouse=True)
def compiled_catalog():
    """``make catalogs`` compiles the .po; a run straight after editing it
    compiles it here (atomically) before any app starts."""
    mo = PO[:-3] + ".mo"
    if not os.path.exists(mo) or os.path.getmtime(mo) < os.path.getmtime(PO):
        extract.compile_catalog(PO)


# --- the catalog ------------------------------------------------------------------------

def plugin_msgids() -> dict[str, list[str]]:
    """``{msgid: [where]}``: ``_()`` calls in the package, ``i18n:translate``
    and ``i18n:attributes`` of the ``lk_meters`` domain in its templates."""
    return extract.package_msgids(PACKAGE, "lk_meters")


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
