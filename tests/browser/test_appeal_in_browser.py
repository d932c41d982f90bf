"""Appeals in a real browser (Chromium via Playwright) against the app served
by waitress: a resident opens an appeal with a photo made by Pillow, the
routed specialist finds it in the queue by a word of its subject, answers
and leaves an internal note; the resident sees the answer (not the note) and
has an e-mail about it. Plus the new-appeal form on a 360-px phone."""
from __future__ import annotations

import email
import email.policy
import os
import re

import pytest

from lk_platform.testing import mail_files

pytestmark = pytest.mark.browser

SUBJECT = "Протечка трубы в подвале"
TEXT = "Из трубы холодной воды в подвале второго подъезда капает, на полу лужа. Фото прилагаю."
ANSWER = "Здравствуйте! Аварийная бригада приедет сегодня до 18:00 и заменит участок трубы."
NOTE = "Бригада Петрова, участок 4; ключ от подвала у старшего по дому."
PHOTO = (320, 240)

#: Whether an <img> has really been fetched and decoded by the browser.
IMAGE_LOADED = "img => img.complete && img.naturalWidth > 0"


@pytest.fixture
def photo(tmp_path):
    """A real small JPEG, as a phone camera would leave in a folder."""
    from PIL import Image, ImageDraw
    image = Image.new("RGB", PHOTO, (70, 110, 150))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 150, 320, 240), fill=(120, 100, 80))          # the floor
    draw.rectangle((140, 0, 180, 150), fill=(150, 150, 160))         # the pipe
    draw.ellipse((100, 170, 240, 215), fill=(40, 80, 160))          # the puddle
    path = tmp_path / "протечка.jpg"
    image.save(path, "JPEG", quality=85)
    return path


def log_out(page):
    with page.expect_navigation():
        page.locator("header").get_by_role("button", name="Выйти").click()
    assert page.url.endswith("/login")


def thread_texts(page):
    return [t.strip() for t in page.locator("#thread > li .appeal-text").all_inner_texts()]


def wait_image_loaded(page, img):
    img.scroll_into_view_if_needed()      # the thumbnails load lazily
    page.wait_for_function(IMAGE_LOADED, arg=img.element_handle())
    return img.evaluate("img => [img.naturalWidth, img.naturalHeight]")


def read_mails(live_server):
    out = []
    for path in mail_files(live_server.app.registry.settings):
        with open(path, "rb") as f:
            msg = email.message_from_binary_file(f, policy=email.policy.default)
        out.append({"to": msg["To"], "subject": str(msg["Subject"]), "body": msg.get_body().get_content()})
    return out


def test_resident_opens_an_appeal_with_a_photo_and_staff_answer(page, log_in, live_server, photo, screenshots):
    # -- the resident opens the appeal from the cabinet's menu ------------------------------
    log_in(page, "ivanov", base="/o/vodokanal")
    page.goto("/o/vodokanal/cabinet")
    page.locator("nav.mainnav").get_by_role("link", name="Обращения").click()
    page.wait_for_url("**/o/vodokanal/appeals/")
    page.get_by_role("link", name="Новое обращение").click()
    page.wait_for_url("**/o/vodokanal/appeals/@@new")

    form = page.locator("#new-appeal-form")
    # ivanov has one account at vodokanal: it is chosen already
    assert page.locator("#appeal-account").input_value() == "1000001"
    page.get_by_label("Категория").select_option(label="Ремонт и аварии")
    page.get_by_label("Тема").fill(SUBJECT)
    page.get_by_label("Текст обращения").fill(TEXT)
    page.get_by_label("Фото или документы").set_input_files(photo)
    with page.expect_navigation():
        form.locator("#appeal-submit").click()

    match = re.search(r"/o/vodokanal/appeals/(\d+)/$", page.url)
    assert match, page.url
    number = match.group(1)
    appeal_path = "/o/vodokanal/appeals/%s/" % number
    assert page.get_by_role("status").filter(has_text="Обращение № %s отправлено" % number).is_visible()
    assert page.get_by_role("heading", level=1).inner_text() == "Обращение № %s: %s" % (number, SUBJECT)
    assert page.locator("#appeal-status").inner_text() == "Новое"
    assert thread_texts(page) == [TEXT]
    thumb = page.locator("#thread > li img.appeal-thumb")
    assert thumb.count() == 1
    assert wait_image_loaded(page, thumb) == list(PHOTO)   # the very photo, decoded by the browser
    assert page.locator("#thread .appeal-files").get_by_text("протечка.jpg").is_visible()
    log_out(page)
    # logged out, the appeal's address leads to the login form, not to the appeal
    page.goto(appeal_path)
    assert page.get_by_label("Логин").is_visible()
    assert SUBJECT not in page.content()

    # -- the routed specialist finds it by a word of the subject ----------------------------
    log_in(page, "appeals.vodokanal", base="/o/vodokanal")
    page.goto("/o/vodokanal/appeals/@@queue")
    assert page.locator("tr[data-appeal='%s']" % number).count() == 1   # open appeals, before searching
    page.get_by_label("Поиск по теме и переписке").fill("подвал")        # a prefix of "подвале"
    with page.expect_navigation():
        page.locator("#f-submit").click()
    rows = page.locator("#queue tbody tr[data-appeal]")
    assert rows.count() == 1 and rows.get_attribute("data-appeal") == number
    assert page.locator("#total").inner_text() == "1"
    # "Ремонт и аварии" is routed to this specialist
    assert "Соколова Вера" in rows.inner_text()
    with page.expect_navigation():
        rows.get_by_role("link", name=SUBJECT).click()
    assert page.url.endswith(appeal_path + "@@manage")
    assert wait_image_loaded(page, page.locator("#thread img.appeal-thumb")) == list(PHOTO)

    page.locator("#answer-text").fill(ANSWER)
    page.locator("#answer-status").select_option(label="В работе")
    with page.expect_navigation():
        page.locator("#answer-submit").click()
    assert page.get_by_role("status").filter(has_text="Ответ отправлен жителю").is_visible()
    assert page.locator("#appeal-status").inner_text() == "В работе"
    page.locator("#note-text").fill(NOTE)
    with page.expect_navigation():
        page.locator("#note-submit").click()
    assert page.get_by_role("status").filter(has_text="Заметка добавлена").is_visible()
    assert thread_texts(page) == [TEXT, ANSWER, NOTE]
    assert page.locator("#thread > li.internal").count() == 1
    log_out(page)

    # -- the resident sees the answer, never the note --------------------------------------
    log_in(page, "ivanov", base="/o/vodokanal")
    page.goto(appeal_path)
    assert page.locator("#appeal-status").inner_text() == "В работе"
    assert thread_texts(page) == [TEXT, ANSWER]
    staff_message = page.locator("#thread > li").nth(1)
    assert "специалист" in staff_message.locator(".appeal-meta").inner_text()
    assert NOTE not in page.content() and "Бригада Петрова" not in page.content()
    assert page.locator("#thread > li.internal").count() == 0
    assert page.get_by_label("Ваш ответ").is_visible()    # the appeal is open: the resident may reply
    wait_image_loaded(page, page.locator("#thread img.appeal-thumb"))
    page.screenshot(path=os.path.join(screenshots, "desktop-appeal-resident.png"), full_page=True)

    # -- mail: the specialist heard of the new appeal, the resident of the answer, nobody of the note
    mails = [m for m in read_mails(live_server) if "№ %s" % number in m["subject"]]
    to_resident = [m for m in mails if m["to"] == "ivanov@mail.example"]
    assert [m["subject"] for m in to_resident] == ["Обращение № %s: ответ и новый статус «В работе»" % number]
    assert ANSWER in to_resident[0]["body"] and "Статус: Новое → В работе" in to_resident[0]["body"]
    assert live_server.url + appeal_path in to_resident[0]["body"]
    assert [(m["to"], m["subject"]) for m in mails if m["to"] != "ivanov@mail.example"] == \
        [("appeals@vodokanal.example", "Обращение № %s: новое обращение" % number)]
    assert not any(NOTE in m["body"] for m in mails)


LABELLED = """form => [...form.querySelectorAll('input, select, textarea')]
  .filter(e => e.type !== 'hidden')
  .map(e => ({id: e.id, label: [...e.labels].map(l => l.innerText.trim()).join(' '),
              right: e.getBoundingClientRect().right}))"""


def test_phone_new_appeal_form_fits_and_is_labelled(phone, log_in):
    log_in(phone, "ivanov", base="/o/vodokanal")
    phone.goto("/o/vodokanal/appeals/@@new")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, "the new-appeal form scrolls sideways: %dpx" % width
    fields = phone.locator("#new-appeal-form").evaluate(LABELLED)
    assert [f["id"] for f in fields] == ["appeal-account", "appeal-category", "appeal-subject", "appeal-text",
                                         "appeal-files"]
    for field in fields:
        assert field["label"], "%s has no label" % field["id"]
        assert field["right"] <= 360, "%s sticks out of the screen" % field["id"]
    submit = phone.locator("#appeal-submit").bounding_box()
    assert submit["x"] + submit["width"] <= 360 and submit["height"] >= 24
