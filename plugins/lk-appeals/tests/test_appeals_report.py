"""The period report (CSV), the organisation's settings, the demo data."""
import csv
import datetime as dt
import io
import zoneinfo

import pytest

from lk_platform.demo import load_demo

pytestmark = pytest.mark.calendar  # report of the demo's last 60 days, holidays from tomorrow

STAFF = "appeals.vodokanal"
MSK = zoneinfo.ZoneInfo("Europe/Moscow")


def set_times(appeals, number, **values):
    with appeals.db() as platform:
        folder = platform.organisations["vodokanal"]["appeals"]
        appeal = folder[number]
        for key, value in values.items():
            setattr(appeal, key, value.astimezone(dt.timezone.utc))   # stored in UTC, as the app does
        appeal.refresh_deadline()
        folder.reindex(appeal)


def rows(response, encoding="utf-8-sig"):
    return list(csv.reader(io.StringIO(response.body.decode(encoding)), delimiter=";"))


def test_report_for_a_period_with_times_to_answer_and_resolution(appeals, new_number):
    number = new_number(appeals.open(subject="=HYPERLINK(\"http://evil\")", text="Текст"))
    url = "/o/vodokanal/appeals/%s/" % number
    appeals.post(STAFF, url + "@@note", {"text": "секретная заметка"})
    appeals.post(STAFF, url + "@@answer", {"text": "Ответ", "status": "resolved"})
    # Received Monday 2026-11-02 10:00 MSK, answered Tuesday 12:00, resolved Thursday 15:00 (4 Nov is a holiday).
    set_times(appeals, number, created=dt.datetime(2026, 11, 2, 10, tzinfo=MSK),
              first_answer_at=dt.datetime(2026, 11, 3, 12, tzinfo=MSK),
              resolved_at=dt.datetime(2026, 11, 5, 15, tzinfo=MSK),
              due_first=dt.datetime(2026, 11, 3, 11, tzinfo=MSK),
              due_resolution=dt.datetime(2026, 11, 16, 18, tzinfo=MSK))
    page = appeals.browser(STAFF).get("/o/vodokanal/appeals/@@report")
    assert page.html.select_one("#report-from") is not None
    response = appeals.browser(STAFF).get("/o/vodokanal/appeals/@@report.csv?from=2026-11-02&to=2026-11-02")
    assert response.content_type == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="appeals-2026-11-02-2026-11-02.csv"'
    assert response.body.startswith(b"\xef\xbb\xbf")
    table = rows(response)
    header, data = table[0], table[1:]
    assert len(data) == 1
    row = dict(zip(header, data[0]))
    assert row["№"] == number and row["Создано"] == "02.11.2026 10:00"
    assert row["Тема"] == "'=HYPERLINK(\"http://evil\")"             # never a formula in Excel
    assert row["До первого ответа, раб. ч"] == "11,0"                # 8 on Monday + 3 on Tuesday
    assert row["Первый ответ в срок"] == "нет"
    assert row["До решения, раб. дн."] == "2,6"     # 8 + 9 + (4 Nov off) + 6 = 23 working hours of 9
    assert row["Решено в срок"] == "да"
    assert row["Статус"] == "Решено" and row["Сообщений"] == "2"     # the note is not counted
    assert "секретная" not in response.body.decode("utf-8-sig")
    # The period is whole local days: the day before finds nothing.
    response = appeals.browser(STAFF).get("/o/vodokanal/appeals/@@report.csv?from=2026-11-01&to=2026-11-01")
    assert len(rows(response)) == 1
    # Windows-1251 for old Excel.
    response = appeals.browser(STAFF).get(
        "/o/vodokanal/appeals/@@report.csv?from=2026-11-01&to=2026-11-30&encoding=cp1251")
    assert rows(response, "cp1251")[1][1] == "02.11.2026 10:00"
    audit = [e for e in _audit(appeals) if e.action == "appeal:export"]
    assert len(audit) == 3 and audit[0].who == STAFF


def _audit(appeals):
    with appeals.db() as platform:
        return platform.organisations["vodokanal"].audit.page(limit=50)


def test_report_period_is_checked(appeals):
    staff = appeals.browser(STAFF)
    page = staff.get("/o/vodokanal/appeals/@@report.csv?from=2026-11-30&to=2026-11-01", status=400)
    assert "Конец периода раньше начала." in page.text
    page = staff.get("/o/vodokanal/appeals/@@report.csv?from=%D0%B2%D1%87%D0%B5%D1%80%D0%B0&to=", status=400)
    assert "Начало периода: дата вида ГГГГ-ММ-ДД." in page.text
    assert "Конец периода: дата вида ГГГГ-ММ-ДД." in page.text
    appeals.browser("ivanov").get("/o/vodokanal/appeals/@@report.csv?from=2026-11-01&to=2026-11-30", status=403)


def test_the_reports_of_the_demo_are_streamed_whole(appeals):
    today = dt.datetime.now(MSK).date()     # the organisation's day, not the machine's
    response = appeals.browser(STAFF).get("/o/vodokanal/appeals/@@report.csv?from=%s&to=%s" % (
        today - dt.timedelta(days=60), today + dt.timedelta(days=1)))
    subjects = [r[6] for r in rows(response)[1:]]
    assert subjects == ["Ржавая вода из крана", "Нет горячей воды с 3 по 10 число", "Поверка счётчика холодной воды"]


def test_holidays_from_the_settings_form_move_deadlines(appeals, new_number):
    admin = appeals.browser("admin.vodokanal")
    form = admin.get("/o/vodokanal/@@plugin-settings/appeals").forms["lkform"]
    form["holidays"] = "31.02.2026"
    page = form.submit(status=200)
    assert "строка 1: «31.02.2026» — не дата вида ДД.ММ.ГГГГ" in page.text
    form = page.forms["lkform"]
    tomorrow = (dt.datetime.now(MSK) + dt.timedelta(days=1)).date()
    days = "\n".join((tomorrow + dt.timedelta(days=i)).strftime("%d.%m.%Y") for i in range(30))
    form["holidays"] = days
    form.submit(status=302)
    number = new_number(appeals.open())
    with appeals.db() as platform:
        appeal = platform.organisations["vodokanal"]["appeals"][number]
        # Resolution days count from tomorrow, and the next thirty are off.
        assert appeal.due_resolution.astimezone(MSK).date() >= tomorrow + dt.timedelta(days=30)
    with appeals.db() as platform:
        platform.organisations["vodokanal"].set_plugin_settings("appeals", {})
    number = new_number(appeals.open())
    with appeals.db() as platform:
        appeal = platform.organisations["vodokanal"]["appeals"][number]
        assert appeal.due_resolution.astimezone(MSK).date() < tomorrow + dt.timedelta(days=30)


def test_demo_data_is_idempotent(appeals, lk_demo):
    before = {org: appeals.count(org) for org in ("vodokanal", "uk-dom", "uk-dom-sever")}
    assert before == {"vodokanal": 3, "uk-dom": 1, "uk-dom-sever": 1}
    with appeals.db() as platform:
        load_demo(platform, lk_demo.registry)
    assert {org: appeals.count(org) for org in before} == before
    with appeals.db() as platform:
        assert len(platform.organisations["vodokanal"]["appeal_categories"]) == 5
        assert platform.organisations["uk-dom"].staff["appeals.ukdom"] == ("appeals_operator",)
        roof = platform.organisations["uk-dom"]["appeals"]["1"]
        assert roof.status == "waiting" and [a.content_type for a in roof._attachments.values()] == ["image/png"]
    # The demo staff member logs in with the demo password.
    assert appeals.browser("appeals.ukdom").get("/o/uk-dom/appeals/@@queue").status_int == 200


def test_the_demos_appeals_are_in_their_states_on_any_day(appeals):
    """Counted back in working days, the demo looks the same on a Monday
    morning, a Saturday or after the New Year holidays."""
    from lk_platform.dates import utcnow
    now = utcnow()
    with appeals.db() as platform:
        found = {}
        for slug in ("vodokanal", "uk-dom", "uk-dom-sever"):
            for appeal in platform.organisations[slug]["appeals"].values():
                found[appeal.subject] = (appeal.status, appeal.deadline is not None and appeal.deadline < now,
                                         appeal.created < now)
    assert found == {
        "Нет горячей воды с 3 по 10 число": ("in_progress", False, True),
        "Ржавая вода из крана": ("resolved", False, True),
        "Поверка счётчика холодной воды": ("new", True, True),          # unanswered: overdue
        "Протекает крыша над кухней": ("waiting", False, True),
        "Не работает домофон": ("new", False, True),                    # just came: not yet
    }
    # The resolved one was resolved long enough ago that it can no longer be reopened (7 days).
    with appeals.db() as platform:
        rusty = next(a for a in platform.organisations["vodokanal"]["appeals"].values() if a.status == "resolved")
        assert now - rusty.resolved_at > dt.timedelta(days=7)
