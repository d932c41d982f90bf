"""The organisation admin through the whole stack: the admin home, the
organisation's settings and brand (validated, audited), the logo upload
stored as a ZODB blob and served publicly, per-plugin settings, CSRF, and
the tenancy walls between organisations and down to sub-organisations."""
from __future__ import annotations

import struct
import types
import zlib

import colander
import pytest
from lxml import html
from webtest import Upload
from ZODB.blob import Blob

import lk_platform
from lk_platform.admin.orgschema import inn_is_valid, normalise_host
from lk_platform.app import make_app
from lk_platform.testing import DB, Browser
from lk_platform.util.files import StoredFile

ORG = "/o/vodokanal/"
UK = "/o/uk-dom/"


def png_bytes(width=3, height=2, pad=0):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + b"\x80\x40\x20" * width for _ in range(height))
    body = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw))
    if pad:
        body += chunk(b"tEXt", b"c\x00" + b"x" * pad)
    return b"\x89PNG\r\n\x1a\n" + body + chunk(b"IEND", b"")


SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def logged_in(app, login, host="localhost"):
    browser = Browser(app, host=host)
    response = browser.login(login)
    assert response.status_int == 303, response.text[:500]
    return browser


def settings_form(browser, base=ORG):
    return browser.get(base + "@@settings").forms["lkform"]


def errors(page):
    return [e.text_content().strip() for e in html.fromstring(page.text).xpath("//*[contains(@class,'invalid-feedback')]")]


def org(app, slug):
    with DB(app) as platform:
        found = platform.organisations[slug]
        values = {k: getattr(found, k) for k in ("title", "legal_name", "inn", "kpp", "phone", "email", "address",
                                                  "timezone", "theme", "brand_name", "primary_color",
                                                  "accent_color", "footer", "logo")}
        values["audit"] = found.audit.page(limit=20)
        if values["logo"] is not None:
            values["logo_data"] = values["logo"].read()
        return values


# --- landing and admin home ------------------------------------------------------

LANDINGS = [
    ("admin.vodokanal", "/o/vodokanal/@@admin"),
    ("clerk.vodokanal", "/o/vodokanal/@@admin"),
    ("admin.ukdom", "/o/uk-dom/@@admin"),
    ("operator", "/o/@@admin"),
    ("ivanov", "/cabinet"),
]


def test_login_lands_where_the_person_works(lk_demo):
    for login, landing in LANDINGS:
        browser = Browser(lk_demo)
        response = browser.login(login)
        assert response.status_int == 303
        assert response.location == "http://localhost" + landing, login
        assert browser.get(landing).status_int == 200


def test_admin_home_tiles_follow_the_staff_members_permissions(lk_demo):
    admin = logged_in(lk_demo, "admin.vodokanal")
    page = admin.get(ORG + "@@admin")
    tiles = {a.get("href").replace("http://localhost", ""): a.text_content().strip()
             for a in html.fromstring(page.text).xpath("//*[@id='admin-tiles']//a")}
    assert tiles[ORG + "accounts/@@admin"] == "Лицевые счета"
    assert tiles[ORG + "@@settings"] == "Настройки организации"
    assert tiles[ORG + "faq/@@admin"] == "Вопросы и ответы"
    assert ORG + "@@plugins" not in tiles and ORG + "@@hosts" not in tiles  # the operator's
    assert page.html.find(id="accounts-count").text == "3"
    assert page.html.find("aside", class_="sidebar") is None      # the tiles are the menu here
    assert admin.get(ORG + "accounts/@@admin").html.find("aside", class_="sidebar") is not None
    assert "модуль недоступен" not in page.text

    clerk = logged_in(lk_demo, "clerk.vodokanal")
    tiles = [a.get("href") for a in html.fromstring(clerk.get(ORG + "@@admin").text).xpath("//*[@id='admin-tiles']//a")]
    assert tiles == ["http://localhost/o/vodokanal/accounts/@@admin"]
    assert clerk.get(ORG + "@@settings", status=403)

    operator = logged_in(lk_demo, "operator")
    tiles = [a.get("href") for a in html.fromstring(operator.get(ORG + "@@admin").text).xpath("//*[@id='admin-tiles']//a")]
    assert "http://localhost/o/vodokanal/@@plugins" in tiles and "http://localhost/o/vodokanal/@@hosts" in tiles

    resident = logged_in(lk_demo, "ivanov")
    resident.get(ORG + "@@admin", status=403)
    anonymous = Browser(lk_demo)
    assert anonymous.get(ORG + "@@admin", status=302).location.startswith("http://localhost/o/vodokanal/login?")


# --- settings ----------------------------------------------------------------------

def test_settings_change_is_stored_shown_and_audited_with_diffs(lk_demo):
    admin = logged_in(lk_demo, "admin.vodokanal")
    form = settings_form(admin)
    assert form["title"].value == "Водоканал-Сервис"
    assert form["timezone"].value == "Europe/Moscow"
    form["title"] = "  Водоканал-Сервис Плюс "
    form["phone"] = "+7 495 000-00-01"
    form["timezone"] = "Asia/Yekaterinburg"
    form["brand_name"] = "Водоканал"
    form["primary_color"] = "#0B3D91"
    form["footer"] = "Диспетчерская круглосуточно"
    response = form.submit("save")
    assert response.status_int == 302 and response.location.endswith("/o/vodokanal/@@settings")
    page = response.follow()
    assert "Сохранено" in page.text

    stored = org(lk_demo, "vodokanal")
    assert stored["title"] == "Водоканал-Сервис Плюс"
    assert stored["timezone"] == "Asia/Yekaterinburg"
    assert stored["primary_color"] == "#0b3d91"          # normalised
    assert stored["inn"] == "7701234560"                  # untouched fields stay
    entry = stored["audit"][0]
    assert entry.action == "edit:organisation" and entry.who == "admin.vodokanal"
    diff = {field: (old, new) for field, old, new in entry.changes}
    assert diff == {"title": ("Водоканал-Сервис", "Водоканал-Сервис Плюс"),
                    "phone": ("+7 495 123-45-67", "+7 495 000-00-01"),
                    "timezone": ("Europe/Moscow", "Asia/Yekaterinburg"),
                    "brand_name": ("", "Водоканал"), "primary_color": ("#1f5fa8", "#0b3d91"),
                    "footer": ("ООО «Водоканал-Сервис», диспетчерская: +7 495 123-45-67",
                               "Диспетчерская круглосуточно")}

    # the brand is what every page of the organisation now wears
    public = Browser(lk_demo).get(ORG)
    brand_css = public.html.find("link", href=lambda h: h and "@@brand.css" in h)["href"]
    assert "--primary: #0b3d91" in Browser(lk_demo).get(brand_css.replace("http://localhost", "")).text
    assert public.html.find("footer").get_text().strip() == "Диспетчерская круглосуточно"
    assert public.html.find(class_="brand").get_text().strip() == "Водоканал"

    # saving again without changes records nothing
    again = settings_form(admin).submit("save").follow()
    assert "Изменений нет" in again.text
    assert len(org(lk_demo, "vodokanal")["audit"]) == 1


BAD_SETTINGS = [
    ("inn", "7701234567", "контрольная цифра"),
    ("inn", "77012345", "10 цифр"),
    ("kpp", "77010100", "9 знаков"),
    ("email", "not-an-address", "Неверный адрес эл. почты"),
    ("phone", "звоните нам", "Телефон"),
    ("primary_color", "red", "#rrggbb"),
    ("accent_color", "#12345g", "#rrggbb"),
    ("timezone", "Mars/Olympus_Mons", "Неизвестный часовой пояс «Mars/Olympus_Mons»"),
    ("theme", "no-such-theme", "Тема «no-such-theme» не установлена"),
    ("title", "", "Требуется"),
]


def test_bad_settings_are_refused_with_the_field_named_and_nothing_saved(lk_demo):
    admin = logged_in(lk_demo, "admin.vodokanal")
    before = org(lk_demo, "vodokanal")
    for field, value, message in BAD_SETTINGS:
        form = settings_form(admin)
        form["legal_name"] = "Изменение, которое не должно сохраниться"
        if field in ("timezone", "theme"):
            form[field].force_value(value)
        else:
            form[field] = value
        page = form.submit("save")
        assert page.status_int == 200
        item = html.fromstring(page.text).xpath(
            "//*[@id=//*[@name='%s']/@id]/ancestor::div[contains(@class,'mb-3')][1]" % field)
        assert item, "the field is on the page again"
        assert len(errors(page)) == 1 and message in errors(page)[0], (field, errors(page))
        assert message in item[0].text_content(), field    # shown at the field itself
        after = org(lk_demo, "vodokanal")
        assert after["legal_name"] == before["legal_name"] and after["audit"] == before["audit"]


def test_sole_trader_has_no_kpp_and_twelve_digit_inn_is_checked(lk_demo):
    admin = logged_in(lk_demo, "admin.vodokanal")
    form = settings_form(admin)
    form["inn"] = "500100732259"   # a valid 12-digit INN
    form["kpp"] = "770101001"
    page = form.submit("save")
    assert "У ИП (ИНН из 12 цифр) КПП не бывает" in page.text
    form = page.forms["lkform"]
    form["kpp"] = ""
    assert form.submit("save").status_int == 302
    assert org(lk_demo, "vodokanal")["inn"] == "500100732259"
    assert org(lk_demo, "vodokanal")["kpp"] == ""


def test_inn_checksum_and_host_names():
    assert inn_is_valid("7707083893") and inn_is_valid("500100732259")
    assert not inn_is_valid("7707083894") and not inn_is_valid("500100732258") and not inn_is_valid("12345")
    assert normalise_host(" Kabinet.Vodokanal.Example. ") == "kabinet.vodokanal.example"
    punycode = normalise_host("Кабинет.Водоканал.РФ")
    assert punycode.startswith("xn--") and punycode.endswith(".xn--p1ai")   # as browsers send it
    assert punycode.encode("ascii").decode("idna") == "кабинет.водоканал.рф"
    for bad in ("localhost", "a b.ru", "host.ru:8080", "-bad.ru", "http://x.ru", "1.2.3.4", ""):
        with pytest.raises(ValueError):
            normalise_host(bad)


# --- the logo -------------------------------------------------------------------------

def test_logo_upload_is_a_blob_served_publicly_with_caching(lk_demo):
    admin = logged_in(lk_demo, "admin.vodokanal")
    data = png_bytes()
    form = settings_form(admin)
    form["upload"] = Upload("Логотип.png", data, "application/octet-stream")  # the browser's claim is ignored
    assert form.submit("save").status_int == 302

    stored = org(lk_demo, "vodokanal")
    assert isinstance(stored["logo"], StoredFile) and isinstance(stored["logo"].blob, Blob)
    assert stored["logo"].content_type == "image/png" and stored["logo"].filename == "Логотип.png"
    assert stored["logo_data"] == data and stored["logo"].size == len(data)
    diff = {f: (o, n) for f, o, n in stored["audit"][0].changes}
    assert diff["logo"][0] == "" and diff["logo"][1].startswith("Логотип.png (image/png")

    anonymous = Browser(lk_demo)
    public = anonymous.get(ORG)
    src = public.html.find("img", class_="logo")["src"]
    assert src == "http://localhost/o/vodokanal/@@logo?v=" + stored["logo"].version
    served = anonymous.get(src.replace("http://localhost", ""))
    assert served.body == data and served.content_type == "image/png"
    assert served.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served.headers["Content-Security-Policy"]
    unversioned = anonymous.get(ORG + "@@logo")
    assert unversioned.headers["Cache-Control"] == "public, max-age=300"
    anonymous.get(ORG + "@@logo", headers={"If-None-Match": served.headers["ETag"]}, status=304)
    anonymous.get(UK + "@@logo", status=404)   # uk-dom has none

    # saving other fields keeps the logo; the form shows the stored file's name
    page = admin.get(ORG + "@@settings")
    assert page.html.find(class_="upload-held").get_text().split() == ["Сейчас:", "Логотип.png.", "Выберите", "другой", "файл,", "чтобы", "заменить."]
    form = page.forms["lkform"]
    assert form["uid"].value == "current"
    form["footer"] = "Новый подвал"
    form.submit("save")
    assert org(lk_demo, "vodokanal")["logo_data"] == data

    # and it can be removed
    form = settings_form(admin)
    form["remove_logo"] = True
    form.submit("save")
    assert org(lk_demo, "vodokanal")["logo"] is None
    anonymous.get(ORG + "@@logo", status=404)
    assert not Browser(lk_demo).get(ORG).html.find("img", class_="logo")


BAD_LOGOS = [
    ("logo.svg", SVG, "SVG/HTML-документ"),
    ("logo.png", SVG, "SVG/HTML-документ"),                      # the name does not matter
    ("logo.png", b"MZ\x90\x00 not an image at all", "не является картинкой"),
    ("logo.pdf", b"%PDF-1.7\n%...", "не является картинкой"),
    ("big.png", png_bytes(pad=1024 * 1024), "больше 1,0 МБ"),
    ("empty.png", b"", "пустой"),
]


def test_logo_is_checked_by_content_and_size(lk_demo):
    admin = logged_in(lk_demo, "admin.vodokanal")
    for filename, data, message in BAD_LOGOS:
        form = settings_form(admin)
        form["footer"] = "не должен сохраниться"
        form["upload"] = Upload(filename, data, "image/png")
        page = form.submit("save")
        assert page.status_int == 200
        assert any(message in e and filename in e for e in errors(page)), (filename, errors(page))
        stored = org(lk_demo, "vodokanal")
        assert stored["logo"] is None and stored["footer"] != "не должен сохраниться"


def test_upload_survives_a_failed_form_without_choosing_the_file_again(lk_demo, tmp_path):
    admin = logged_in(lk_demo, "admin.vodokanal")
    data = png_bytes(5, 5)
    form = settings_form(admin)
    form["upload"] = Upload("brand.png", data, "image/png")
    form["email"] = "broken"
    page = form.submit("save")
    assert "Неверный адрес эл. почты" in page.text
    held = page.html.find(class_="upload-held").get_text(" ", strip=True)
    assert "Файл получен" in held and "brand.png" in held and "выбирать его заново не нужно" in held
    form = page.forms["lkform"]
    assert form["uid"].value and form["uid"].value != "current"
    form["email"] = "info@vodokanal.example"
    assert form.submit("save").status_int == 302
    assert org(lk_demo, "vodokanal")["logo_data"] == data

    # another session cannot claim that upload by its uid
    other = logged_in(lk_demo, "admin.vodokanal")
    form = settings_form(other)
    form["remove_logo"] = True
    form.submit("save")
    fields = settings_form(other).submit_fields("save")
    at = [k for k, _v in fields].index("upload") + 1
    fields.insert(at, ("uid", page.forms["lkform"]["uid"].value))
    assert other.app.post(ORG + "@@settings", fields).status_int == 302
    assert org(lk_demo, "vodokanal")["logo"] is None


# --- CSRF ------------------------------------------------------------------------------

@pytest.mark.parametrize("token", ["wrong-token", None])
def test_settings_post_without_the_right_csrf_token_is_refused(lk_demo, token):
    admin = logged_in(lk_demo, "admin.vodokanal")
    form = settings_form(admin)
    form["title"] = "Подделка"
    fields = [(k, v) for k, v in form.submit_fields("save") if k != "csrf_token"]
    if token is not None:
        fields.append(("csrf_token", token))
    page = admin.app.post(ORG + "@@settings", fields, status=400)
    assert "Форма устарела или отправлена не с нашего сайта" in page.text
    assert "данные не сохранены" in page.text
    stored = org(lk_demo, "vodokanal")
    assert stored["title"] == "Водоканал-Сервис" and stored["audit"] == []


# --- plugin settings -----------------------------------------------------------------

def _settings_plugin():
    module = types.ModuleType("lk_test_settings_plugin")

    class Schema(colander.Schema):
        greeting = colander.SchemaNode(colander.String(), title="Приветствие", validator=colander.Length(1, 100))
        limit = colander.SchemaNode(colander.Integer(), title="Лимит", validator=colander.Range(1, 31),
                                    default=25, missing=25)

    @lk_platform.hookimpl
    def lk_plugin_info():
        return lk_platform.plugins.declarations.PluginInfo(title="Приветствия", description="Тестовый модуль с настройками")

    @lk_platform.hookimpl
    def lk_settings_schema():
        return Schema()

    module.lk_plugin_info = lk_plugin_info
    module.lk_settings_schema = lk_settings_schema
    return module


@pytest.fixture
def settings_app(lk_settings):
    from lk_platform.app import load_plugins
    from lk_platform.demo import load_demo
    app = make_app(dict(lk_settings), plugins=load_plugins(extra=[("greeter", _settings_plugin())]))
    with DB(app) as platform:
        load_demo(platform, app.registry)
    yield app
    app.registry.lk.database.close()


def test_plugin_settings_are_a_generated_form_per_organisation(settings_app):
    admin = logged_in(settings_app, "admin.vodokanal")
    settings_page = admin.get(ORG + "@@settings")
    link = settings_page.html.find("a", href="http://localhost/o/vodokanal/@@plugin-settings/greeter")
    assert link is not None and "Приветствия" in link.text
    form = admin.get(ORG + "@@plugin-settings/greeter").forms["lkform"]
    assert form["limit"].value == "25"
    form["greeting"] = "Здравствуйте!"
    form["limit"] = "40"
    page = form.submit("save")
    assert "Должно быть не больше 31" in page.text or "31" in " ".join(errors(page))
    with DB(settings_app) as platform:
        assert platform.organisations["vodokanal"].plugin_settings("greeter") == {}
    form = page.forms["lkform"]
    form["limit"] = "10"
    assert form.submit("save").status_int == 302
    with DB(settings_app) as platform:
        vk = platform.organisations["vodokanal"]
        assert vk.plugin_settings("greeter") == {"greeting": "Здравствуйте!", "limit": 10}
        assert platform.organisations["uk-dom"].plugin_settings("greeter") == {}
        entry = vk.audit.page(limit=1)[0]
        assert entry.action == "edit:plugin_settings"
        assert ("greeter.limit", "", "10") in entry.changes
    assert admin.get(ORG + "@@plugin-settings/greeter").forms["lkform"]["greeting"].value == "Здравствуйте!"

    admin.get(ORG + "@@plugin-settings/nothing", status=404)
    admin.get(ORG + "@@plugin-settings", status=404)
    admin.get(ORG + "@@plugin-settings/faq", status=404)          # faq declares no settings
    admin.get(UK + "@@plugin-settings/greeter", status=403)       # not vodokanal's admin there
    with DB(settings_app) as platform:
        from lk_platform.model.organisations import disable_plugin
        disable_plugin(platform.organisations["vodokanal"], settings_app.registry, "greeter")
    admin.get(ORG + "@@plugin-settings/greeter", status=404)
    assert "@@plugin-settings/greeter" not in admin.get(ORG + "@@settings").text


# --- sub-organisations and the walls between tenants ---------------------------------------

SEVER = "/o/uk-dom/uk-dom-sever/"


def test_parent_admin_administers_the_sub_organisation(lk_demo):
    admin = logged_in(lk_demo, "admin.ukdom")
    home = admin.get(UK + "@@admin")
    assert home.html.find(id="suborganisations").find("a")["href"] == "http://localhost" + SEVER + "@@admin"
    sub_home = admin.get(SEVER + "@@admin")
    assert sub_home.html.find("a", href="http://localhost/o/uk-dom/@@admin") is not None  # up to the parent
    admin.get(SEVER + "accounts/@@admin")
    form = admin.get(SEVER + "accounts/3000001/@@edit").forms["lkform"]
    form["residents"] = "3"
    assert form.submit("save").status_int == 302
    form = settings_form(admin, SEVER)
    form["phone"] = "+7 343 111-22-33"
    assert form.submit("save").status_int == 302
    assert org(lk_demo, "uk-dom-sever")["phone"] == "+7 343 111-22-33"

    # but the sub-organisation's staff do not reach up to the parent
    with DB(lk_demo) as platform:
        from lk_platform.model.users import grant_role
        grant_role(platform.organisations["uk-dom-sever"], platform.users["support.ukdom"], "org_admin",
                   lk_demo.registry)
        grant_role(platform.organisations["uk-dom"], platform.users["support.ukdom"], "support",
                   lk_demo.registry, revoke=True)
    sub_admin = logged_in(lk_demo, "support.ukdom")
    sub_admin.get(SEVER + "@@settings")
    sub_admin.get(UK + "@@settings", status=403)
    sub_admin.get(UK + "@@admin", status=403)


GUESSES_GET = [UK + "@@admin", UK + "@@settings", UK + "accounts/@@admin", UK + "accounts/@@add",
               UK + "accounts/2000001/@@admin", UK + "accounts/2000001/@@edit", UK + "accounts/2000001/@@delete",
               UK + "accounts/@@export.csv", UK + "custom_fields/@@admin", UK + "faq/@@admin",
               UK + "@@plugins", UK + "@@hosts", UK + "@@plugin-settings/faq", UK + "@@users", UK + "@@audit",
               SEVER + "@@admin", SEVER + "@@settings", SEVER + "accounts/3000001/@@edit",
               "/o/@@admin", "/o/@@add", "/o/"]


def test_other_organisations_admin_is_out_of_reach(lk_demo):
    admin = logged_in(lk_demo, "admin.vodokanal")
    for url in GUESSES_GET:
        response = admin.get(url, expect_errors=True)
        assert response.status_int in (403, 404), (url, response.status)


def test_posts_into_another_organisation_change_nothing(lk_demo):
    admin = logged_in(lk_demo, "admin.vodokanal")
    own = settings_form(admin)
    own["title"] = "Захват"
    own["upload"] = Upload("x.png", png_bytes(), "image/png")
    fields = own.submit_fields("save")
    for url in (UK + "@@settings", SEVER + "@@settings"):
        admin.app.post(url, fields + [("upload", Upload("x.png", png_bytes(), "image/png"))], status=403)
    csrf = admin.csrf()
    admin.app.post(UK + "@@plugins", {"csrf_token": csrf, "faq": "true"}, status=403)
    admin.app.post(UK + "@@hosts", {"csrf_token": csrf, "hosts": "evil.example"}, status=403)
    admin.app.post(UK + "accounts/2000001/@@delete", {"csrf_token": csrf}, status=403)
    admin.app.post(UK + "accounts/2000001/@@edit", {"csrf_token": csrf, "number": "2000001", "house": "1"},
                   status=403)
    stored = org(lk_demo, "uk-dom")
    assert stored["title"] == "УК «Наш дом»" and stored["logo"] is None and stored["audit"] == []
    with DB(lk_demo) as platform:
        assert "2000001" in platform.organisations["uk-dom"]["accounts"]
        assert "evil.example" not in platform.hosts
