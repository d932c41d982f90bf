"""The resident's side of an appeal's life: replying, reopening, rating."""
import datetime as dt

import pytest

from lk_platform.util.dates import utcnow

pytestmark = pytest.mark.calendar  # reopening window, deadlines in working days

STAFF = "appeals.vodokanal"


def resolve(appeals, number, ago=None):
    appeals.post(STAFF, "/o/vodokanal/appeals/%s/@@status" % number, {"status": "resolved"})
    if ago is not None:
        with appeals.db() as platform:
            platform.organisations["vodokanal"]["appeals"][number].resolved_at = utcnow() - ago


def test_replying_to_a_closed_appeal_is_refused_and_nothing_stored(appeals, jpeg, new_number):
    number = new_number(appeals.open())
    url = "/o/vodokanal/appeals/%s/" % number
    resolve(appeals, number)
    appeals.post(STAFF, url + "@@status", {"status": "closed"})
    before = appeals.appeal(number)
    page = appeals.post("ivanov", url + "@@reply", {"text": "А у меня снова течёт"},
                        files=[("f.jpg", jpeg, "image/jpeg")], status=409)
    assert "Обращение закрыто — ответить в нём нельзя. Если вопрос остался, создайте новое обращение." in page.text
    assert page.html.select_one("#reply-form") is None        # no form is offered either
    page = appeals.post("ivanov", url + "@@reopen", {"text": "Снова течёт"}, status=409)
    assert "Обращение закрыто — возобновить его нельзя." in page.text
    after = appeals.appeal(number)
    assert after["messages"] == before["messages"] and after["attachments"] == before["attachments"]
    assert after["status"] == "closed" and after["history"] == before["history"]


def test_a_resolved_appeal_is_reopened_within_the_window_only(appeals, new_number):
    number = new_number(appeals.open())
    url = "/o/vodokanal/appeals/%s/" % number
    resolve(appeals, number, ago=dt.timedelta(days=2))
    page = appeals.browser("ivanov").get(url)
    assert page.html.select_one("#reopen-form") is not None and page.html.select_one("#reply-form") is None
    page = appeals.post("ivanov", url + "@@reply", {"text": "Ещё вопрос"}, status=409)
    assert "Обращение решено. Если вопрос не решён, возобновите его" in page.text
    page = appeals.post("ivanov", url + "@@reopen", {"text": " "}, status=400)
    assert "Почему вопрос не решён: заполните поле." in page.text
    appeals.post("ivanov", url + "@@reopen", {"text": "Кран снова капает."})
    stored = appeals.appeal(number)
    assert stored["status"] == "in_progress" and stored["messages"][-1][1] == "Кран снова капает."
    assert stored["history"][-1].kind == "reopen" and stored["history"][-1].who == "ivanov"
    assert stored["deadline"] is not None and stored["deadline"] > utcnow()   # a fresh resolution term

    # The organisation allows 7 days by default: after 8, the window is shut.
    resolve(appeals, number, ago=dt.timedelta(days=8))
    page = appeals.browser("ivanov").get(url)
    assert page.html.select_one("#reopen-form") is None and "напишите новое обращение" in page.text
    page = appeals.post("ivanov", url + "@@reopen", {"text": "Опять"}, status=409)
    assert "Срок, в который можно возобновить обращение (7 дн. после решения), истёк." in page.text
    assert appeals.appeal(number)["status"] == "resolved"
    # The window is the organisation's setting.
    with appeals.db() as platform:
        platform.organisations["vodokanal"].set_plugin_settings("appeals", {"reopen_days": 10})
    appeals.post("ivanov", url + "@@reopen", {"text": "Опять"})
    assert appeals.appeal(number)["status"] == "in_progress"


def test_rating_only_when_resolved_and_only_once(appeals, new_number):
    number = new_number(appeals.open())
    url = "/o/vodokanal/appeals/%s/" % number
    page = appeals.post("ivanov", url + "@@rate", {"score": "5"}, status=409)
    assert "Оценить можно только решённое или закрытое обращение." in page.text
    resolve(appeals, number)
    for bad in ("0", "6", "пять", ""):
        page = appeals.post("ivanov", url + "@@rate", {"score": bad}, status=400)
        assert "Выберите оценку от 1 до 5." in page.text
    appeals.post("ivanov", url + "@@rate", {"score": "4", "comment": "Долго, но сделали"})
    page = appeals.post("ivanov", url + "@@rate", {"score": "1"}, status=409)
    assert "Обращение уже оценено." in page.text
    assert appeals.appeal(number)["rating"] == 4
    page = appeals.browser("ivanov").get(url)
    assert page.html.select_one("#appeal-rating").get_text(strip=True) == "4 из 5 — Долго, но сделали"
    assert page.html.select_one("#rate-form") is None
    # Staff see it too.
    page = appeals.browser(STAFF).get(url + "@@manage")
    assert "4 из 5" in page.text


def test_the_resident_sees_their_appeals_and_the_dashboard_widget(appeals, new_number):
    number = new_number(appeals.open(subject="Шумит насос в подвале"))
    page = appeals.browser("ivanov").get("/o/vodokanal/appeals/")
    subjects = [a.get_text() for a in page.html.select(".appeals-list td a")]
    # Newest first; only Ivanov's (Petrova's resolved appeal is not here).
    assert subjects == ["Шумит насос в подвале", "Поверка счётчика холодной воды", "Нет горячей воды с 3 по 10 число"]
    cabinet = appeals.browser("ivanov").get("/cabinet")
    widget = [w for w in cabinet.html.select("section.widget") if w.h3.get_text() == "Обращения"]
    # One widget per organisation where Ivanov has accounts: vodokanal (3 open) and uk-dom (1).
    texts = [w.get_text(" ", strip=True) for w in widget]
    assert len(texts) == 2
    assert any("№ %s: Шумит насос в подвале" % number in t and "Новое" in t for t in texts)
    assert any("Протекает крыша над кухней" in t and "Ждёт ответа жителя" in t for t in texts)
    assert page.html.select_one("#staff-queue-link") is None
    staff_page = appeals.browser(STAFF).get("/o/vodokanal/appeals/")
    assert staff_page.html.select_one("#staff-queue-link")["href"].endswith("/appeals/@@queue")
    # Petrova's widget shows none of Ivanov's.
    cabinet = appeals.browser("petrova").get("/cabinet")
    assert "Шумит насос" not in cabinet.text and "Не работает домофон" in cabinet.text


def test_the_cached_dashboard_follows_the_appeals_status(appeals, new_number):
    from lk_platform.testing import cached_answers
    number = new_number(appeals.open(subject="Скрипит дверь подъезда"))
    resident = appeals.browser("ivanov")
    # the first view shows the "sent" message waiting in the session: never cached
    assert "Скрипит дверь подъезда" in resident.get("/cabinet").text
    resident.get("/cabinet")
    before = cached_answers()
    assert "Скрипит дверь подъезда" in resident.get("/cabinet").text
    assert cached_answers() == before + 1
    resolve(appeals, number)        # no longer open: leaves the widget
    assert "Скрипит дверь подъезда" not in resident.get("/cabinet").text
