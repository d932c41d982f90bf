"""The period report (CSV)."""
import csv
import datetime as dt
import io
import zoneinfo

import pytest

pytestmark = pytest.mark.calendar  # report of the demo's last 60 days

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
