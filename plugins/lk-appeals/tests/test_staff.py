"""The staff's queue, answers, statuses, assignment, and the audit log."""
import datetime as dt
from urllib.parse import quote

import pytest

from lk_appeals.settings import appeal_settings
from lk_platform.util.dates import utcnow

STAFF = "appeals.vodokanal"


def queue_numbers(appeals, query="", login=STAFF):
    page = appeals.browser(login).get("/o/vodokanal/appeals/@@queue" + quote(query, safe="?=&"))
    return [tr["data-appeal"] for tr in page.html.select("tr[data-appeal]")]


def audit_actions(appeals, org="vodokanal"):
    with appeals.db() as platform:
        return [(e.who, e.action, dict((k, (o, n)) for k, o, n in e.changes))
                for e in platform.organisations[org].audit.page(limit=100)]


@pytest.mark.calendar
def test_queue_filters_by_status_category_assignee_building_and_text(appeals, new_number):
    # The demo: 1 in progress, 2 resolved, 3 new at vodokanal.
    assert sorted(queue_numbers(appeals)) == ["1", "3"]
    assert queue_numbers(appeals, "?status=resolved") == ["2"]
    assert sorted(queue_numbers(appeals, "?status=all")) == ["1", "2", "3"]
    leak = new_number(appeals.open(subject="Протечка в подвале", text="Вода в подвале дома стоит по щиколотку."))
    repair = appeals.category_id(prefix="Ремонт")
    assert queue_numbers(appeals, "?category=" + repair) == [leak]
    # "Ремонт" goes to the specialist in person; the others to the role.
    assert queue_numbers(appeals, "?assignee=" + STAFF) == [leak]
    assert sorted(queue_numbers(appeals, "?assignee=none")) == ["1", "3"]
    assert sorted(queue_numbers(appeals, "?assignee=me")) == ["1", "3", leak]
    # Full text over the subject and every message, prefix-matched, any case.
    assert queue_numbers(appeals, "?q=ЩИКОЛОТ") == [leak]
    assert queue_numbers(appeals, "?q=журнал") == ["1"]           # a staff note is staff-searchable
    assert queue_numbers(appeals, "?q=промывка") == []            # appeal 2 is resolved...
    assert queue_numbers(appeals, "?q=промывка&status=all") == ["2"]
    # Query syntax is not the user's problem: quotes, brackets, operators are dropped.
    assert queue_numbers(appeals, '?q=" OR подвал* ) NOT (') == [leak]
    # Building: both demo residents live at Садовая 5; Лесная 8 has none.
    page = appeals.browser(STAFF).get("/o/vodokanal/appeals/@@queue")
    buildings = [o["value"] for o in page.html.select("#f-building option") if o["value"]]
    assert buildings == ["г. москва|садовая|5|"]
    assert sorted(queue_numbers(appeals, "?status=all&building=" + buildings[0])) == ["1", "2", "3", leak]
    assert queue_numbers(appeals, "?status=all&building=г. москва|лесная|8|") == []
    # Rubbish in the query string is ignored, not a crash.
    assert sorted(queue_numbers(appeals, "?status=nonsense&page=abc&sort=evil&due=x")) == ["1", "3", leak]


@pytest.mark.calendar
def test_queue_marks_overdue_and_soon(appeals, new_number):
    now = utcnow()
    with appeals.db() as platform:
        folder = platform.organisations["vodokanal"]["appeals"]
        overdue, soon = folder["1"], folder["3"]
        overdue.due_resolution = now - dt.timedelta(hours=1)
        overdue.refresh_deadline()
        soon.due_first = now + dt.timedelta(minutes=30)
        soon.refresh_deadline()
        folder.reindex(overdue)
        folder.reindex(soon)
    assert queue_numbers(appeals, "?due=overdue") == ["1"]
    # "Soon" is within 4 working hours, which is never less than 4 hours.
    assert queue_numbers(appeals, "?due=soon") == ["3"]
    page = appeals.browser(STAFF).get("/o/vodokanal/appeals/@@queue")
    row = page.html.select_one('tr[data-appeal="1"]')
    assert "appeal-row-overdue" in row["class"] and "просрочено" in row.get_text()
    assert "Просрочено: 1" in page.html.select_one("#tab-overdue").get_text()
    # Sorted by deadline: the overdue one first.
    assert queue_numbers(appeals)[0] == "1"


def test_answer_with_status_sends_mail_and_is_audited(appeals, jpeg, new_number):
    number = new_number(appeals.open())
    url = "/o/vodokanal/appeals/%s/" % number
    appeals.post(STAFF, url + "@@answer", {"text": "Нужна фотография счётчика.", "status": "waiting"},
                 files=[("инструкция.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n",
                         "application/pdf")])
    stored = appeals.appeal(number)
    assert stored["status"] == "waiting" and stored["first_answer_at"] is not None
    assert stored["deadline"] is None            # the clock waits for the resident
    mail = appeals.mails()[-1]
    assert mail["to"] == "ivanov@mail.example"
    assert mail["subject"] == "Обращение № %s: ответ и новый статус «Ждёт ответа жителя»" % number
    assert "Нужна фотография счётчика." in mail["body"] and "Приложено файлов: 1" in mail["body"]
    assert "Специалисту нужен ваш ответ" in mail["body"]
    who, action, changes = audit_actions(appeals)[0]
    assert (who, action) == (STAFF, "appeal:answer")
    assert changes["status"] == ("new", "waiting") and changes["files"] == ("", "инструкция.pdf")

    # The PDF is served as a download with its detected type.
    page = appeals.browser("ivanov").get(url)
    link = [a["href"] for a in page.html.select(".appeal-files a") if "pdf" in a["href"]][0]
    pdf = appeals.browser("ivanov").get(link)
    assert pdf.content_type == "application/pdf" and pdf.headers["X-Content-Type-Options"] == "nosniff"
    assert pdf.headers["Content-Disposition"] == (
        "attachment; filename=\"__________.pdf\"; filename*=UTF-8''%D0%B8%D0%BD%D1%81%D1%82%D1%80%D1%83%D0%BA"
        "%D1%86%D0%B8%D1%8F.pdf")

    # The resident's reply takes it back into work.
    appeals.post("ivanov", url + "@@reply", {"text": "Фото во вложении."}, files=[("m.jpg", jpeg, "image/jpeg")])
    stored = appeals.appeal(number)
    assert stored["status"] == "in_progress" and stored["attachments"] == 2
    assert [h.kind + ":" + h.new for h in stored["history"]] == [
        "opened:new", "status:waiting", "status:in_progress"]
    assert stored["history"][-1].who == "ivanov"


def test_transitions_are_enforced_and_recorded(appeals, new_number):
    number = new_number(appeals.open())
    url = "/o/vodokanal/appeals/%s/" % number
    appeals.post(STAFF, url + "@@status", {"status": "resolved", "comment": "Кран заменён."})
    mail = appeals.mails()[-1]
    assert mail["subject"] == "Обращение № %s: ответ и новый статус «Решено»" % number
    assert "Статус: Новое → Решено" in mail["body"] and "Кран заменён." in mail["body"]
    appeals.post(STAFF, url + "@@status", {"status": "closed", "comment": "Закрываем: работы приняты."})
    mail = appeals.mails()[-1]
    assert mail["subject"] == "Обращение № %s: ответ и новый статус «Закрыто»" % number
    assert "Закрываем: работы приняты." in mail["body"]
    # Closed is final: no way back, no answer, but notes still go in.
    page = appeals.post(STAFF, url + "@@status", {"status": "in_progress"}, status=409)
    assert "Из статуса «Закрыто» нельзя перейти в «В работе»." in page.text
    page = appeals.post(STAFF, url + "@@answer", {"text": "Ещё одно"}, status=409)
    assert "Обращение закрыто — ответить в нём нельзя." in page.text
    appeals.post(STAFF, url + "@@status", {"status": "bogus"}, status=400)
    other = new_number(appeals.open())
    page = appeals.post(STAFF, "/o/vodokanal/appeals/%s/@@answer" % other, {"text": "Всё", "status": "closed"},
                        status=400)
    assert "закрывают обращение сменой статуса" in page.text
    assert len(appeals.appeal(other)["messages"]) == 1
    appeals.post(STAFF, url + "@@note", {"text": "Закрыто по звонку"})
    stored = appeals.appeal(number)
    assert stored["status"] == "closed"
    assert [(h.kind, h.old, h.new, h.who) for h in stored["history"]] == [
        ("opened", "", "new", "ivanov"), ("status", "new", "resolved", STAFF), ("status", "resolved", "closed", STAFF)]
    assert [m[1] for m in stored["messages"]][-2:] == ["Закрываем: работы приняты.", "Закрыто по звонку"]
    assert [a for _w, a, _c in audit_actions(appeals)][:3] == ["appeal:note", "appeal:status", "appeal:status"]


def test_reassignment_to_a_person_or_role(appeals, new_number):
    number = new_number(appeals.open())
    url = "/o/vodokanal/appeals/%s/" % number
    appeals.post(STAFF, url + "@@assign", {"assignee": "user:admin.vodokanal"})
    assert appeals.appeal(number)["assignee"] == "admin.vodokanal"
    appeals.post(STAFF, url + "@@assign", {"assignee": "role:appeals_operator"})
    stored = appeals.appeal(number)
    assert (stored["assignee"], stored["assignee_role"]) == ("", "appeals_operator")
    # Someone who is not appeals staff here, or a made-up role, is refused.
    for bad in ("user:ivanov", "user:appeals.ukdom", "role:support", "petrova"):
        page = appeals.post(STAFF, url + "@@assign", {"assignee": bad}, status=400)
        assert "Выберите сотрудника или роль из списка." in page.text
    assert [c["assignee"] for _w, a, c in audit_actions(appeals) if a == "appeal:assign"] == [
        ("admin.vodokanal", "appeals_operator"), ("appeals.vodokanal", "admin.vodokanal")]
    # Assignment is internal: residents do not see it in the history.
    page = appeals.browser("ivanov").get(url)
    assert "исполнитель" not in page.text.lower()


def test_the_generated_admin_cannot_edit_or_delete_an_appeal(appeals):
    staff = appeals.browser("admin.vodokanal")
    page = staff.get("/o/vodokanal/appeals/@@admin")            # the raw list still works
    assert "Ржавая вода из крана" in page.text
    assert staff.get("/o/vodokanal/appeals/1/@@edit", status=302).location.endswith("/appeals/1/@@manage")
    staff.post_csrf("/o/vodokanal/appeals/1/@@delete", {}, status=302)
    assert appeals.count() == 3
    staff.get("/o/vodokanal/appeals/@@add", status=404)


def test_a_category_from_the_generated_admin_routes_and_sets_the_sla(appeals, new_number):
    admin = appeals.browser("admin.vodokanal")
    form = admin.get("/o/vodokanal/appeal_categories/@@add").forms["lkform"]
    assert "appeals.vodokanal" in [v for v, *_rest in form["default_assignee"].options]
    form["title"] = "Шум от соседей"
    form["default_assignee"] = "appeals.vodokanal"
    form["sla_first_hours"] = "0"
    page = form.submit(status=200)
    assert "Не меньше 1 часа" in page.text
    form = page.forms["lkform"]
    form["sla_first_hours"] = "2"
    form["sla_resolution_days"] = "3"
    form.submit(status=302)
    category = appeals.category_id(prefix="Шум")
    number = new_number(appeals.open(category=category, subject="Шумят ночью"))
    with appeals.db() as platform:
        appeal = platform.organisations["vodokanal"]["appeals"][number]
        assert (appeal.assignee, appeal.category_title) == ("appeals.vodokanal", "Шум от соседей")
        cal = appeal_settings(platform.organisations["vodokanal"]).calendar
        assert appeal.due_first == cal.add_work_hours(appeal.created, 2)
        assert appeal.due_resolution == cal.add_work_days(appeal.created, 3)
    assert [m["to"] for m in appeals.mails()][-1] == "appeals@vodokanal.example"
    # The assignee hears of the resident's reply too.
    appeals.post("ivanov", "/o/vodokanal/appeals/%s/@@reply" % number, {"text": "Опять шумят"})
    mail = appeals.mails()[-1]
    assert (mail["to"], mail["subject"]) == ("appeals@vodokanal.example", "Обращение № %s: ответ жителя" % number)
    assert "Опять шумят" in mail["body"] and "/appeals/%s/@@manage" % number in mail["body"]
    # An accounts clerk may not edit categories.
    appeals.browser("clerk.vodokanal").get("/o/vodokanal/appeal_categories/@@add", status=403)


def test_staff_admin_links_are_in_the_appeals_area():
    from lk_appeals import plugin
    from lk_platform.plugins.declarations import ADMIN_GROUPS
    items = plugin.lk_admin_menu(request=None, organisation=None)
    assert [i.url for i in items] == ["appeals/@@queue", "appeals/@@report", "appeal_categories/@@admin"]
    assert {i.group for i in items} == {"appeals"} and "appeals" in ADMIN_GROUPS
