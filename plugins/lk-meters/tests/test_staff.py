"""Staff: the readings of a period with filters, bulk accept/reject (with
reason, audit and a letter to the resident), export to billing as CSV in
UTF-8 and Windows-1251 and as XML with marking, closing a period, the
billing system's answers, entering readings at any time, and who may."""
import csv
import email
import io
from decimal import Decimal
from email.header import decode_header, make_header

import pytest
from lxml import etree

from lk_meters.readings import current, latest, period_index
from lk_platform.model.users import grant_role
from lk_platform.testing import mail_files
from lk_platform.util import periods

LIST = "/o/vodokanal/@@meter-readings"


def last_period(kit, lk_db):
    with lk_db as platform:
        return periods.add(kit.period_now(platform.organisations["vodokanal"]), -1)


def submit_as(kit, browser, login, serial, lk_db, delta="1"):
    with lk_db as platform:
        meter = kit.meter_by_serial(platform.organisations["vodokanal"], serial)
        mid, last = meter.__name__, latest(meter).values[0]
    browser.login(login)
    browser.post_csrf("/o/vodokanal/readings", {"m%s-t1" % mid: kit.value_text(last + Decimal(delta))}, status=303)
    return mid


def now_reading(kit, lk_db, serial):
    with lk_db as platform:
        o = platform.organisations["vodokanal"]
        return current(kit.meter_by_serial(o, serial), kit.period_now(o))


@pytest.mark.calendar
def test_list_of_a_period_with_filters(demo_browser, lk_db, kit):
    previous = periods.iso(last_period(kit, lk_db))
    demo_browser.login("admin.vodokanal")
    page = demo_browser.get(LIST + "?period=" + previous)
    assert "ХВ-1000011" in page.text and "ГВ-1000022" in page.text and "ХВ-1000031" in page.text
    assert page.html.find(id="total").text == "6"        # the active meters read last month
    page = demo_browser.get(LIST + "?period=%s&resource=hot_water" % previous)
    assert page.html.find(id="total").text == "2" and "ХВ-1000011" not in page.text
    with lk_db as platform:
        key = kit.meter_by_serial(platform.organisations["vodokanal"], "ХВ-1000031").building.lower()
    page = demo_browser.get(LIST, params={"period": previous, "building": key})
    assert page.html.find(id="total").text == "1" and "ХВ-1000031" in page.text
    assert 'selected="selected">г. Москва, Лесная, д. 8</option>' in page.text
    page = demo_browser.get(LIST, params={"period": previous, "status": "received"})
    assert page.html.find(id="total").text == "0"
    page = demo_browser.get(LIST, params={"period": previous, "status": "bogus", "source": "<script>"})
    assert page.html.find(id="total").text == "6" and "<script>" not in page.text
    older = periods.iso(periods.add(last_period(kit, lk_db), -5))
    assert "Выгружено в биллинг: <strong>" in demo_browser.get(LIST + "?period=" + older).text


@pytest.mark.calendar
def test_bulk_accept_and_reject_with_reason_audit_and_letter(demo_browser, lk_demo, lk_db, kit):
    mid = submit_as(kit, demo_browser, "ivanov", "ХВ-1000011", lk_db)
    submit_as(kit, demo_browser, "ivanov", "ГВ-1000012", lk_db)
    demo_browser.login("admin.vodokanal")
    page = demo_browser.get(LIST + "?status=received")
    assert page.html.find(id="total").text == "2"
    res = demo_browser.post_csrf("/o/vodokanal/@@meter-readings-bulk", {"meter": [mid], "action": "reject"},
                                 status=303)
    assert "Укажите причину отказа" in res.follow().text
    assert now_reading(kit, lk_db, "ХВ-1000011").status == "received"
    before = len(mail_files(lk_demo.registry.settings))
    res = demo_browser.post_csrf("/o/vodokanal/@@meter-readings-bulk",
                                 {"meter": [mid], "action": "reject", "reason": "Фото счётчика не совпадает"},
                                 status=303)
    assert "Отклонено показаний: 1" in res.follow().text
    rejected = now_reading(kit, lk_db, "ХВ-1000011")
    assert (rejected.status, rejected.reason, rejected.changed_by) == ("rejected", "Фото счётчика не совпадает",
                                                                      "admin.vodokanal")
    letters = mail_files(lk_demo.registry.settings)[before:]
    assert len(letters) == 1
    message = email.message_from_binary_file(open(letters[0], "rb"))
    assert str(make_header(decode_header(message["Subject"]))) == "Показание счётчика отклонено"
    assert message["To"] == "ivanov@mail.example"
    assert "Фото счётчика не совпадает" in message.get_payload(decode=True).decode("utf-8")
    res = demo_browser.post_csrf("/o/vodokanal/@@meter-readings-bulk",
                                 {"scope": "filter", "status": "received", "action": "accept"}, status=303)
    assert "Принято показаний: 1" in res.follow().text
    assert now_reading(kit, lk_db, "ГВ-1000012").status == "accepted"
    with lk_db as platform:
        actions = [e.action for e in platform.organisations["vodokanal"].audit.page(limit=10)]
    assert actions.count("meters.accept") == 1 and actions.count("meters.reject") == 1
    # the resident sees the reason in the form and may submit again
    demo_browser.login("ivanov")
    assert "Фото счётчика не совпадает" in demo_browser.get("/o/vodokanal/readings").text


@pytest.mark.calendar
def test_export_csv_utf8_marks_exported_then_only_new_ones(demo_browser, lk_db, kit):
    period = periods.iso(last_period(kit, lk_db))
    demo_browser.login("admin.vodokanal")
    res = demo_browser.post_csrf("/o/vodokanal/@@meter-readings-export", {"period": period, "format": "csv"})
    assert res.content_type == "text/csv" and res.charset == "utf-8"
    assert 'filename="readings-vodokanal-%s.csv"' % period in res.headers["Content-Disposition"]
    assert res.body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(res.body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Лицевой счёт", "Адрес", "Ресурс"] and len(rows) == 7
    cold = [r for r in rows if r[6] == "ХВ-1000011"][0]
    with lk_db as platform:
        o = platform.organisations["vodokanal"]
        meter = kit.meter_by_serial(o, "ХВ-1000011")
        reading = current(meter, last_period(kit, lk_db))
        assert reading.status == "exported"
        assert period_index(o, last_period(kit, lk_db)).count("status", "exported") == 6
        assert [e.action for e in o.audit.page(limit=1)] == ["meters.export"]
    assert cold[0] == "1000001" and cold[9] == kit.value_text(reading.values[0]) and "," in cold[9]
    assert cold[4] == "м³" and cold[8] == "%s.%s" % (period[5:], period[:4])
    res = demo_browser.post_csrf("/o/vodokanal/@@meter-readings-export", {"period": period, "format": "csv"},
                                 status=303)
    assert "нет принятых показаний для выгрузки" in res.follow().text
    res = demo_browser.post_csrf("/o/vodokanal/@@meter-readings-export",
                                 {"period": period, "format": "csv", "include_exported": "1"})
    assert len(res.body.decode("utf-8-sig").strip().splitlines()) == 7


def test_export_csv_windows_1251(demo_browser, lk_db, kit):
    period = periods.iso(last_period(kit, lk_db))
    demo_browser.login("admin.vodokanal")
    res = demo_browser.post_csrf("/o/vodokanal/@@meter-readings-export",
                                 {"period": period, "format": "csv", "encoding": "cp1251", "resource": "hot_water"})
    assert res.charset == "windows-1251" and not res.body.startswith(b"\xef\xbb\xbf")
    text = res.body.decode("cp1251")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 3 and {r[2] for r in rows[1:]} == {"Горячая вода"}
    assert rows[1][4] == "м3" and "?" not in text          # no character lost to the code page


def test_export_xml_is_well_formed_with_declared_encoding(demo_browser, lk_db, kit):
    period = periods.iso(last_period(kit, lk_db))
    demo_browser.login("admin.vodokanal")
    for encoding, declared in (("utf-8", b"encoding='UTF-8'"), ("cp1251", b"encoding='windows-1251'")):
        res = demo_browser.post_csrf("/o/vodokanal/@@meter-readings-export",
                                     {"period": period, "format": "xml", "encoding": encoding,
                                      "include_exported": "1"})
        assert res.content_type == "application/xml" and declared in res.body.splitlines()[0]
        root = etree.fromstring(res.body)
        assert root.tag == "MeterReadings" and root.get("period") == period and root.get("count") == "6"
        first = root.find("Reading")
        assert first.get("account") and first.find("Address").text.startswith("г. Москва")
        assert Decimal(first.find("Value").text) > 0 and "," not in first.find("Value").text


@pytest.mark.calendar
def test_staff_enter_readings_outside_the_window_and_confirm_a_lower_one(demo_browser, lk_db, kit):
    with lk_db as platform:
        o = platform.organisations["vodokanal"]
        kit.set_window(o, *kit.closed_window_days(kit.org_today(o)))
        meter = kit.meter_by_serial(o, "ХВ-1000011")
        mid, last = meter.__name__, latest(meter).values[0]
        grant_role(o, platform.users["clerk.vodokanal"], "meters_clerk", demo_browser.app.app.registry)
    demo_browser.login("clerk.vodokanal")
    url = "/o/vodokanal/meters/%s/@@readings" % mid
    page = demo_browser.get(url)
    assert "Ввести показание" in page.text
    period = periods.iso(period_now_of(kit, lk_db))
    page = demo_browser.post_csrf(url, {"period": period, "source": "call", "t1": "абв"})
    assert "Введите число цифрами" in page.text
    page = demo_browser.post_csrf(url, {"period": period, "source": "call", "t1": kit.value_text(last - 5)})
    assert "меньше предыдущего" in page.text and 'name="confirm"' in page.text
    assert now_reading(kit, lk_db, "ХВ-1000011") is None
    demo_browser.post_csrf(url, {"period": period, "source": "call", "t1": kit.value_text(last - 5), "confirm": "1"},
                           status=303)
    reading = now_reading(kit, lk_db, "ХВ-1000011")
    assert (reading.by_kind, reading.by, reading.source, reading.status) == ("staff", "clerk.vodokanal", "call",
                                                                           "accepted")
    assert "подтверждено" in reading.warnings[0]
    page = demo_browser.post_csrf(url, {"period": "2020-01", "source": "call", "t1": "1"})
    assert "Период: выберите текущий" in page.text
    with lk_db as platform:
        assert platform.organisations["vodokanal"].audit.page(limit=1)[0].action == "meters.staff_reading"


def period_now_of(kit, lk_db):
    with lk_db as platform:
        return kit.period_now(platform.organisations["vodokanal"])


@pytest.mark.calendar
def test_closing_a_period_stops_residents_and_staff(demo_browser, lk_db, kit):
    period = periods.iso(period_now_of(kit, lk_db))
    demo_browser.login("admin.vodokanal")
    res = demo_browser.post_csrf("/o/vodokanal/@@meter-period", {"period": period, "action": "close"}, status=303)
    assert "закрыт" in res.follow().text
    with lk_db as platform:
        meter = kit.meter_by_serial(platform.organisations["vodokanal"], "ХВ-1000011")
        mid, last = meter.__name__, latest(meter).values[0]
    page = demo_browser.post_csrf("/o/vodokanal/meters/%s/@@readings" % mid,
                                  {"period": period, "source": "call", "t1": kit.value_text(last + 1)})
    assert "Период: выберите" in page.text
    demo_browser.login("ivanov")
    page = demo_browser.post_csrf("/o/vodokanal/readings", {"m%s-t1" % mid: kit.value_text(last + 1)})
    assert "закрыт организацией" in page.text
    demo_browser.login("admin.vodokanal")
    demo_browser.post_csrf("/o/vodokanal/@@meter-period", {"period": period, "action": "reopen"}, status=303)
    demo_browser.login("ivanov")
    demo_browser.post_csrf("/o/vodokanal/readings", {"m%s-t1" % mid: kit.value_text(last + 1)}, status=303)


@pytest.mark.calendar
def test_billing_answers_are_checked_before_any_is_applied(demo_browser, lk_db, kit):
    previous = last_period(kit, lk_db)
    with lk_db as platform:
        mid = kit.meter_by_serial(platform.organisations["vodokanal"], "ХВ-1000011").__name__
    mm = "%02d.%d" % (previous % 100, previous // 100)
    demo_browser.login("admin.vodokanal")
    bad = ("ID;Период;Результат;Текст\n%s;%s;declined;Показание не сходится\n99999;%s;approved;\n" % (
        mid, mm, mm)).encode("cp1251")
    res = demo_browser.post_csrf("/o/vodokanal/@@meter-billing", {"period": periods.iso(previous)},
                                 upload_files=[("file", "answer.csv", bad)], status=303)
    assert "счётчик с ID «99999» не найден" in res.follow().text
    with lk_db as platform:
        assert current(kit.meter_by_serial(platform.organisations["vodokanal"], "ХВ-1000011"),
                       previous).billing_status == ""
    good = ("%s;%s;declined;Показание не сходится\n" % (mid, mm)).encode("utf-8")
    demo_browser.post_csrf("/o/vodokanal/@@meter-billing", {"period": periods.iso(previous)},
                           upload_files=[("file", "answer.csv", good)], status=303)
    with lk_db as platform:
        reading = current(kit.meter_by_serial(platform.organisations["vodokanal"], "ХВ-1000011"), previous)
        assert (reading.billing_status, reading.billing_text) == ("declined", "Показание не сходится")
    demo_browser.login("ivanov")
    assert "Отклонено биллингом: Показание не сходится" in demo_browser.get(
        "/o/vodokanal/meters/%s/@@history" % mid).text


def test_who_may_manage_readings(demo_browser, lk_db):
    demo_browser.login("clerk.vodokanal")                      # accounts clerk: not meters
    demo_browser.get(LIST, status=403)
    demo_browser.post_csrf("/o/vodokanal/@@meter-readings-bulk", {"action": "accept"}, status=403)
    with lk_db as platform:
        grant_role(platform.organisations["vodokanal"], platform.users["clerk.vodokanal"], "meters_clerk",
                   demo_browser.app.app.registry)
    assert demo_browser.get(LIST).status_int == 200
    assert "Показания счётчиков" in demo_browser.get("/o/vodokanal/@@admin").text
    demo_browser.get("/o/uk-dom/@@meter-readings", status=403)  # another organisation
    demo_browser.login("admin.ukdom")
    demo_browser.get(LIST, status=403)
    demo_browser.post_csrf("/o/vodokanal/@@meter-readings-export", {"format": "csv"}, status=403)
    demo_browser.post_csrf("/o/vodokanal/@@meter-period", {"action": "close"}, status=403)
    demo_browser.get("/o/vodokanal/meters/1/@@readings", status=403)
    assert demo_browser.get("/o/uk-dom/uk-dom-sever/@@meter-readings").status_int == 200   # its sub-organisation
