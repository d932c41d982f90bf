"""Russian by default, English through the gettext catalog, switchable per
user (saved) or per browser (cookie); and every message the core shows
has an English translation."""
from __future__ import annotations

import email
import os
import re

import pytest

from lk_platform.i18n import extract
from lk_platform.testing import DB, Browser, mail_files


@pytest.fixture
def lk_demo(lk_demo_copy):
    """The demo from a copy of one loaded per session (lk_platform.testing)."""
    return lk_demo_copy


@pytest.fixture(scope="module", autouse=True)
def compiled_catalog():
    """``make catalogs`` compiles the .po at setup; a test run straight after
    editing the .po compiles it here (atomically) before any app starts."""
    mo = extract.PO[:-3] + ".mo"
    if not os.path.exists(mo) or os.path.getmtime(mo) < os.path.getmtime(extract.PO):
        extract.compile_catalog()


def lang(page):
    return re.search(r'<html lang="([a-z]+)"', page.text).group(1)


def switch(b, language, **kw):
    return b.post_csrf("/language", {"language": language, "next": "/login"}, **kw)


# --- the catalog ------------------------------------------------------------------------

def test_every_core_message_has_an_english_translation():
    missing = extract.untranslated()
    assert missing == [], "msgids without English (run python -m lk_platform.i18n.extract --update " \
                          "and translate): %s" % missing


def test_the_check_notices_a_missing_translation(tmp_path):
    from babel.messages.pofile import write_po
    catalog = extract.read_catalog()
    catalog["Неверный логин или пароль"].string = ""
    broken = tmp_path / "broken.po"
    with open(broken, "wb") as f:
        write_po(f, catalog)
    assert [m for m, _w in extract.untranslated(str(broken))] == ["Неверный логин или пароль"]


def test_extraction_covers_python_and_templates():
    found = extract.core_msgids()
    assert "Неверный логин или пароль" in found                      # _() in views/auth.py
    assert "Пароль должен быть не короче ${n} символов" in found     # _() with a mapping
    assert "Вход в личный кабинет" in found                          # i18n:translate in login.pt
    assert "Основное меню" in found                                  # i18n:attributes in layout.pt
    assert any(w.startswith("themes/default/templates/login.pt") for w in found["Вход в личный кабинет"])


def test_template_reader_follows_chameleon_rules(tmp_path):
    template = tmp_path / "t.pt"
    template.write_text('''<div i18n:domain="lk_platform">
      <p i18n:translate="">Счёт   № <b i18n:name="number">${n}</b>
         закрыт</p>
      <p i18n:translate="">${dynamic.value}</p>
      <input placeholder="Найти счёт" i18n:attributes="placeholder">
      <span i18n:translate="explicit_id">Текст</span>
      <div i18n:domain="lk_meters"><p i18n:translate="">Чужой домен</p></div>
    </div>''', encoding="utf-8")
    assert [m for m, _w in extract.template_msgids(str(template))] == [
        "Счёт № ${number} закрыт", "Найти счёт", "explicit_id"]


# --- switching ----------------------------------------------------------------------------

def test_russian_by_default(demo_browser):
    page = demo_browser.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert lang(page) == "ru"
    assert "Вход в личный кабинет" in page.text and "Забыли пароль?" in page.text
    response = demo_browser.login("ivanov", "wrong-password-123")
    assert "Неверный логин или пароль" in response.text


def test_anonymous_switch_uses_a_cookie(demo_browser):
    b = demo_browser
    response = switch(b, "en")
    assert response.status_int == 303 and response.headers["Location"] == "http://localhost/login"
    page = b.get("/login")
    assert lang(page) == "en"
    assert "Log in to your account" in page.text and "Forgot your password?" in page.text
    assert "Вход в личный кабинет" not in page.text
    # a validation error comes in English too
    response = b.login("ivanov", "wrong-password-123")
    assert "Wrong login or password" in response.text
    assert "Невер" not in response.text
    # and back
    switch(b, "ru")
    assert "Вход в личный кабинет" in b.get("/login").text


def test_error_pages_and_messages_in_english(demo_browser, lk_settings):
    b = demo_browser
    switch(b, "en")
    assert "Page not found." in b.get("/o/vodokanal/no-such-page", expect_errors=True).text
    assert "The form has expired" in b.post("/forgot", {"login": "x"}, expect_errors=True).text
    # the password policy of the reset page
    b.post_csrf("/forgot", {"login": "petrova"})
    with open(mail_files(lk_settings)[-1], "rb") as f:
        message = email.message_from_binary_file(f)
    body = message.get_payload(decode=True).decode("utf-8")
    assert "To set a new password, open this link" in body     # the e-mail is in the chosen language
    link = re.search(r"http://localhost(/reset\?token=\S+)", body).group(1)
    form = [f for f in b.get(link).forms.values() if "confirm" in f.fields][0]
    form["password"] = form["confirm"] = "short-pass1"
    page = form.submit()
    assert "The password must be at least 12 characters long" in page.text
    form = [f for f in page.forms.values() if "confirm" in f.fields][0]
    form["password"] = form["confirm"] = "Zelenaya-vetka-1987"
    assert "Password changed. Log in with the new password." in form.submit().follow().text


def test_a_logged_in_users_choice_is_saved(lk_demo):
    b = Browser(lk_demo)
    b.login("admin.vodokanal")
    switch(b, "en")
    with DB(lk_demo) as platform:
        assert platform.users["admin.vodokanal"].locale == "en"
    # another browser, no cookie: the saved choice wins after login
    other = Browser(lk_demo)
    assert lang(other.get("/login")) == "ru"
    other.login("admin.vodokanal")
    page = other.get("/o/vodokanal/@@users")
    assert lang(page) == "en"
    assert "Add user" in page.text and "Organisation administrator" in page.text
    person = other.get("/o/vodokanal/@@users/admin.vodokanal")
    assert "Organisation administrator" in person.text and "Администратор организации" not in person.text
    assert "Grant role" in person.text and "Staff roles" in person.text
    # a link staff send goes out in the recipient's language (petrova never chose: Russian)
    other.post_csrf("/o/vodokanal/@@users/petrova/reset")
    with open(mail_files(lk_demo.registry.settings)[-1], "rb") as f:
        letter = email.message_from_binary_file(f)
    assert "Для вашей учётной записи запрошена смена пароля" in letter.get_payload(decode=True).decode("utf-8")
    # colander/deform messages of a generated form follow too
    form = other.get("/o/vodokanal/@@add-user").forms["lkform"]
    form["login"] = "x"
    failed = form.submit("save", expect_errors=True)
    assert "3–64 characters: Latin letters" in failed.text
    assert "знака" not in failed.text
    # switching back is saved as well
    switch(other, "ru")
    with DB(lk_demo) as platform:
        assert platform.users["admin.vodokanal"].locale == "ru"


def test_generated_admin_validation_in_english(lk_demo):
    b = Browser(lk_demo)
    b.login("admin.vodokanal")
    switch(b, "en")
    form = b.get("/o/vodokanal/accounts/@@add").forms["lkform"]
    form["number"] = "1000050"
    form["residents"] = "abc"
    page = form.submit("save", expect_errors=True)
    assert '"abc" is not a number' in page.text
    assert "Required" in page.text          # house is required
    assert "House" in page.text and "Area, m²" in page.text


@pytest.mark.parametrize("value", ["de", "", "en\r\nX-Evil: 1", "../../etc", "EN"])
def test_unknown_languages_are_ignored(demo_browser, value):
    response = demo_browser.post_csrf("/language", {"language": value, "next": "/login"})
    assert response.status_int == 303
    assert not [h for h in response.headers.getall("Set-Cookie") if h.startswith("lk_locale=")]
    assert lang(demo_browser.get("/login")) == "ru"


def test_a_forged_cookie_value_falls_back_to_russian(demo_browser):
    demo_browser.app.set_cookie("lk_locale", "xx")
    assert lang(demo_browser.get("/login")) == "ru"


def test_catalog_compiles_with_pybabel(tmp_path):
    """What ``make catalogs`` runs: the .po must compile cleanly."""
    import subprocess
    pybabel = os.path.join(extract.REPO, ".venv", "bin", "pybabel")
    result = subprocess.run([pybabel, "compile", "-i", extract.PO, "-o", str(tmp_path / "x.mo")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "x.mo").stat().st_size > 10000


def test_number_field_message_in_english_names_the_field(demo_browser):
    """DecimalText's messages are translated, the field title inside them too."""
    demo_browser.login("admin.vodokanal")
    demo_browser.post_csrf("/language", {"language": "en", "next": "/"})
    form = demo_browser.get("/o/vodokanal/accounts/1000003/@@edit").forms["lkform"]
    form["area"] = "1e9"
    page = form.submit("save")
    assert "enter a number, e.g. 1234,56" in page.text
    error = page.html.find(class_="invalid-feedback") or page.html.find(class_="help-block")
    assert "Area, m²" in page.text and "Площадь" not in page.text, error
