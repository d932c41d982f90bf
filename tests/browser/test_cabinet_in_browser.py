"""The cabinet in a real browser (Chromium via Playwright) against the app
served by waitress: the themed cabinet, a generated admin form with its
Russian validation message, a plugin switched off for one organisation, a
360-px phone and the keyboard."""
from __future__ import annotations

import os
import re

import pytest

pytestmark = pytest.mark.browser


def rgb(hex_colour):
    h = hex_colour.lstrip("#")
    return "rgb(%d, %d, %d)" % tuple(int(h[i:i + 2], 16) for i in (0, 2, 4))


def style(page, selector, prop):
    return page.locator(selector).first.evaluate("(e, p) => getComputedStyle(e)[p]", prop)


def nav_titles(page):
    return [t.strip() for t in page.locator("nav.mainnav ul a").all_inner_texts()]


def test_login_shows_the_themed_cabinet(page, open_page, log_in, screenshots):
    log_in(page, "ivanov", base="/o/uk-dom")
    # the dashboard gathers the person's accounts at both organisations
    assert page.get_by_role("heading", name="Личный кабинет", level=1).is_visible()
    assert page.get_by_role("link", name="Лицевой счёт № 1000001").is_visible()
    assert page.get_by_role("link", name="Лицевой счёт № 2000001").is_visible()

    page.get_by_role("link", name="Лицевой счёт № 2000001").click()
    page.wait_for_url("**/o/uk-dom/accounts/2000001/")
    # uk-dom's brand and its theme (harbor) in what the browser computed
    assert page.locator("header .brand").inner_text().strip() == "УК «Наш дом»"
    assert style(page, ".topbar", "borderTopColor") == rgb("#0b6e4f")
    assert style(page, ".footer", "backgroundColor") == rgb("#0b6e4f")
    assert style(page, "h1", "fontFamily").startswith("Georgia")
    assert "приём жителей пн–пт" in page.locator("footer").inner_text()

    page.goto("/o/uk-dom/cabinet")
    page.screenshot(path=os.path.join(screenshots, "desktop-uk-dom-cabinet.png"), full_page=True)
    # vodokanal: the default theme in vodokanal's colours
    page.goto("/o/vodokanal/cabinet")
    assert page.locator("header .brand").inner_text().strip() == "Водоканал-Сервис"
    assert style(page, ".topbar", "backgroundColor") == rgb("#1f5fa8")
    assert style(page, ".topbar a.brand", "color") == rgb("#ffffff")

    # the colours are the organisation's settings: its admin changes one, the resident sees it
    admin = log_in(open_page(), "admin.ukdom", base="/o/uk-dom")
    _set_primary_colour(admin, "#7a1f5c")
    try:
        page.goto("/o/uk-dom/cabinet")
        assert style(page, ".footer", "backgroundColor") == rgb("#7a1f5c")
        assert style(page, ".topbar", "borderTopColor") == rgb("#7a1f5c")
    finally:
        _set_primary_colour(admin, "#0b6e4f")


def _set_primary_colour(admin, colour):
    admin.goto("/o/uk-dom/@@settings")
    admin.get_by_label("Основной цвет").fill(colour)
    with admin.expect_navigation():
        admin.locator("#lkform").get_by_role("button", name="Сохранить").click()
    assert admin.get_by_role("status").filter(has_text="Сохранено").is_visible()


def test_admin_adds_an_account_through_the_generated_form(page, log_in):
    log_in(page, "admin.vodokanal", base="/o/vodokanal")
    page.goto("/o/vodokanal/accounts/@@add")
    number = page.get_by_label("Номер лицевого счёта")
    number.fill("77 01!")
    page.get_by_label("Улица").fill("Лесная")
    page.get_by_label("Дом").fill("8")
    page.get_by_label("Площадь, м²").fill("48,5")  # a decimal comma, as people type it
    with page.expect_navigation():
        page.get_by_role("button", name="Сохранить").click()

    # nothing saved; the message is in Russian, next to the field, and the input kept
    item = page.locator(".mb-3", has=page.get_by_label("Номер лицевого счёта"))
    assert item.locator(".invalid-feedback").inner_text().strip() == \
        "Только цифры, буквы, дефис и /, не длиннее 32 знаков"
    assert item.locator(".invalid-feedback").is_visible()
    assert page.get_by_label("Номер лицевого счёта").input_value() == "77 01!"
    assert page.get_by_label("Улица").input_value() == "Лесная"

    page.get_by_label("Номер лицевого счёта").fill("7701")
    with page.expect_navigation():
        page.get_by_role("button", name="Сохранить").click()
    assert re.search(r"/o/vodokanal/accounts/7701/@@admin$", page.url)
    assert page.get_by_role("status").filter(has_text="Сохранено").is_visible()
    body = page.locator("main").inner_text()
    assert "7701" in body and "Лесная" in body and "48.50" in body

    page.goto("/o/vodokanal/accounts/@@admin?q=7701")
    assert page.locator("main table").get_by_text("7701", exact=True).is_visible()


def _switch_faq(operator, slug, on):
    """The operator ticks the plugin on or off on the organisation's @@plugins page."""
    operator.goto("/o/%s/@@plugins" % slug)
    switch = operator.locator("#lkform input[type=checkbox][name=faq]")
    switch.set_checked(on)
    with operator.expect_navigation():
        operator.locator("#lkform").get_by_role("button", name="Сохранить").click()
    assert operator.get_by_role("status").filter(has_text="Сохранено").is_visible()
    assert operator.locator("#lkform input[type=checkbox][name=faq]").is_checked() == on


def test_plugin_switched_off_for_one_organisation_loses_its_menu(page, open_page, live_server, log_in):
    if "faq" not in live_server.app.registry.lk.plugins.optional:
        pytest.skip("the example plugin lk_faq is not installed (pip install -e docs/example_plugin)")
    log_in(page, "ivanov")
    for slug in ("vodokanal", "uk-dom"):
        page.goto("/o/%s/cabinet" % slug)
        assert "Вопросы и ответы" in nav_titles(page)

    operator = log_in(open_page(), "operator")
    _switch_faq(operator, "vodokanal", on=False)
    try:
        page.goto("/o/vodokanal/cabinet")
        assert "Вопросы и ответы" not in nav_titles(page)
        assert page.goto("/o/vodokanal/faq-page").status == 404
        page.goto("/o/uk-dom/cabinet")
        assert "Вопросы и ответы" in nav_titles(page)
        page.locator("nav.mainnav").get_by_role("link", name="Вопросы и ответы").click()
        page.wait_for_url("**/o/uk-dom/faq-page")
        operator.goto("/o/uk-dom/@@plugins")
        assert operator.locator("#lkform input[type=checkbox][name=faq]").is_checked()
    finally:
        _switch_faq(operator, "vodokanal", on=True)
    page.goto("/o/vodokanal/cabinet")
    assert "Вопросы и ответы" in nav_titles(page)


def no_horizontal_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, "%s scrolls sideways: %dpx" % (page.url, width)


def test_phone_360px(phone, log_in, screenshots):
    log_in(phone, "ivanov", base="/o/uk-dom")
    for url in ("/cabinet", "/o/uk-dom/cabinet", "/o/uk-dom/accounts/2000001/", "/o/vodokanal/cabinet"):
        phone.goto(url)
        no_horizontal_scroll(phone)
    phone.goto("/o/uk-dom/cabinet")
    phone.screenshot(path=os.path.join(screenshots, "phone-uk-dom-cabinet.png"))

    # the menu is folded away and opens with the ☰ toggle
    menu = phone.locator("nav.mainnav")
    assert not menu.is_visible()
    toggle = phone.locator("label.nav-toggle-label")
    assert toggle.is_visible() and toggle.inner_text().strip() == "☰"
    box = toggle.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24  # a thumb can hit it
    toggle.tap()
    assert menu.is_visible()
    assert menu.get_by_role("link", name="Главная").is_visible()
    assert menu.get_by_role("button", name="Выйти").is_visible()
    no_horizontal_scroll(phone)
    phone.screenshot(path=os.path.join(screenshots, "phone-uk-dom-menu.png"))
    toggle.tap()
    assert not menu.is_visible()

    # from the keyboard: Tab to the toggle, Space opens the menu, Tab goes into it
    phone.mouse.click(2, 2)
    for _tab in range(5):
        phone.keyboard.press("Tab")
        if phone.evaluate("document.activeElement.id") == "nav-toggle":
            break
    assert phone.evaluate(FOCUS_VISIBLE)["visible"]
    assert not menu.is_visible()
    phone.keyboard.press("Space")
    assert menu.is_visible()
    phone.keyboard.press("Tab")
    inside = phone.evaluate(FOCUS_VISIBLE)
    assert inside["text"] == "Главная" and inside["onscreen"] and inside["visible"], inside


def test_phone_admin_pages_fit(phone, log_in, screenshots):
    log_in(phone, "admin.vodokanal", base="/o/vodokanal")
    for url in ("/o/vodokanal/@@admin", "/o/vodokanal/accounts/@@admin", "/o/vodokanal/accounts/@@add",
                "/o/vodokanal/accounts/1000001/@@edit"):
        phone.goto(url)
        no_horizontal_scroll(phone)
    phone.goto("/o/vodokanal/accounts/@@admin")
    phone.screenshot(path=os.path.join(screenshots, "phone-vodokanal-accounts.png"), full_page=True)


FOCUS_VISIBLE = """() => {
  const e = document.activeElement;
  // a visually hidden control (the ☰ checkbox) shows its focus on its label
  const shown = e.classList.contains('nav-toggle') ? document.querySelector('.nav-toggle-label') : e;
  const s = getComputedStyle(shown);
  const ring = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
  const r = shown.getBoundingClientRect();
  return {id: e.id, tag: e.tagName, type: e.type || '', text: (e.innerText || '').trim(),
          visible: ring || s.boxShadow !== 'none', onscreen: r.width > 0 && r.height > 0};
}"""


@pytest.mark.parametrize("device", ["page", "phone"])
def test_keyboard_alone_logs_in(device, request):
    page = request.getfixturevalue(device)
    page.goto("/o/uk-dom/login")
    # the login field has autofocus; start from the top bar instead
    page.wait_for_function("document.activeElement && document.activeElement.id === 'login'")
    page.mouse.click(2, 2)
    page.keyboard.press("Shift+Tab")
    skip = page.evaluate(FOCUS_VISIBLE)
    assert skip["text"] == "Перейти к содержимому" and skip["onscreen"] and skip["visible"]
    seen = []
    for _tab in range(25):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_VISIBLE)
        assert focused["onscreen"], "focus went to something not on screen: %s" % focused
        assert focused["visible"], "no visible focus on %s" % focused
        seen.append(focused)
        if focused["id"] == "login":
            page.keyboard.type("ivanov")
        elif focused["id"] == "password":
            from lk_platform.demo import DEMO_PASSWORD
            page.keyboard.type(DEMO_PASSWORD)
        elif focused["tag"] == "BUTTON" and focused["text"] == "Войти":
            break
    order = [f["id"] or "%s:%s" % (f["tag"], f["text"]) for f in seen]
    assert order.index("login") < order.index("password") < order.index("BUTTON:Войти"), order
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", name="Личный кабинет", level=1).is_visible()
