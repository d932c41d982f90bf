"""The whole walk through the WSGI stack, as the browser test will do it:
a resident opens an appeal with a real photo, staff answer it, the
resident sees the answer and gets an e-mail."""

from lk_platform.testing import Browser


def test_resident_opens_an_appeal_with_a_photo_and_staff_answer(appeals, jpeg):
    resident = appeals.browser("ivanov")
    page = resident.get("/o/vodokanal/cabinet")
    page = page.click("Обращения", href="appeals/$")
    page = page.click("Новое обращение")
    form = page.forms["new-appeal-form"]
    form["account"] = "1000001"
    form["category"].select(text="Ремонт и аварии")
    form["subject"] = "Протекает стояк в ванной"
    form["text"] = "С утра из-под стояка в ванной сочится вода, фото прилагаю."
    form["files"] = [("стояк.jpg", jpeg, "image/jpeg")]   # a multiple file input takes a list
    page = form.submit(status=302).follow()
    assert "Обращение № 4 отправлено" in page.text      # the demo has three at vodokanal
    assert "Протекает стояк в ванной" in page.text
    assert page.html.select_one("#appeal-status").get_text(strip=True) == "Новое"
    image = page.html.select_one("img.appeal-thumb")
    assert image["alt"] == "стояк.jpg"
    photo = resident.get(image["src"])
    assert photo.body == jpeg and photo.content_type == "image/jpeg"
    assert photo.headers["X-Content-Type-Options"] == "nosniff"
    assert photo.headers["Content-Disposition"].startswith("inline;")

    # Routed by the category to the demo's appeals specialist, who is told.
    mails = appeals.mails()
    assert [m["to"] for m in mails] == ["appeals@vodokanal.example"]
    assert "новое обращение" in mails[0]["subject"]

    staff = Browser(appeals.app)
    staff.login("appeals.vodokanal")
    queue = staff.get("/o/vodokanal/appeals/@@queue")
    row = queue.html.select_one('tr[data-appeal="4"]').get_text(" ", strip=True)
    assert "Протекает стояк в ванной" in row and "Новое" in row
    page = queue.click("Протекает стояк в ванной")
    assert staff.get(page.html.select_one("img.appeal-thumb")["src"]).body == jpeg
    form = page.forms["answer-form"]
    form["text"] = "Аварийная бригада приедет сегодня до 15:00."
    page = form.submit(status=302).follow()
    assert page.html.select_one("#appeal-status").get_text(strip=True) == "В работе"

    mail = appeals.mails()[-1]
    assert mail["to"] == "ivanov@mail.example"
    assert mail["subject"] == "Обращение № 4: ответ и новый статус «В работе»"
    assert "Аварийная бригада приедет сегодня до 15:00." in mail["body"]
    assert "http://localhost/o/vodokanal/appeals/4/" in mail["body"]

    page = resident.get("/o/vodokanal/appeals/4/")
    texts = [li.get_text(" ", strip=True) for li in page.html.select("#thread > li")]
    assert len(texts) == 2 and "Аварийная бригада приедет" in texts[1] and "специалист" in texts[1]
    assert page.html.select_one("#appeal-status").get_text(strip=True) == "В работе"
