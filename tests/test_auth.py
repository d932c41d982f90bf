"""Authentication and request hygiene through the whole WSGI stack:
sessions, cookies, password hashing and policy, throttling, password
reset, CSRF, body limits, malformed input, open redirects."""
from __future__ import annotations

import email
import email.header
import re
import time

import pytest

from lk_platform.demo import DEMO_PASSWORD, load_demo
from lk_platform.testing import DB, Browser, close_app, mail_files, make_settings

NEW_PASSWORD = "Zelenaya-vetka-1987"


@pytest.fixture
def lk_demo(lk_demo_copy):
    """The demo from a copy of one loaded per session (lk_platform.testing)."""
    return lk_demo_copy


@pytest.fixture
def make_demo_app(tmp_path):
    """An app with demo data and extra settings."""
    apps = []

    def make(**overrides):
        from lk_platform.app import make_app
        folder = tmp_path / ("app%d" % len(apps))
        folder.mkdir()
        settings = make_settings(folder, **overrides)
        app = make_app(dict(settings))
        with DB(app) as platform:
            load_demo(platform, app.registry)
        apps.append(app)
        return app, settings

    yield make
    for app in apps:
        close_app(app)


def session_cookie(b):
    return b.app.cookies.get("lk_session")


def set_cookie_headers(response, name):
    return [h for h in response.headers.getall("Set-Cookie") if h.startswith(name + "=")]


def is_anonymous(b):
    response = b.get("/cabinet", expect_errors=True)
    return response.status_int == 302 and "/login" in response.headers["Location"]


def message(page):
    found = re.search(r'id="(?:login-error|error-message)"[^>]*>([^<]*)<', page.text)
    return found.group(1) if found else ""


# --- sessions and cookies ----------------------------------------------------------

def test_login_issues_a_new_session_and_the_old_cookie_stays_anonymous(demo_browser):
    b = demo_browser
    b.get("/login")
    before = session_cookie(b)
    assert before
    assert b.login("ivanov").status_int == 303
    after = session_cookie(b)
    assert after and after != before
    assert not is_anonymous(b)
    # a cookie planted before the login (session fixation) gains nothing
    b.app.reset()
    b.app.set_cookie("lk_session", before)
    assert is_anonymous(b)


def test_logout_ends_the_session_on_the_server(demo_browser):
    b = demo_browser
    b.login("ivanov")
    stolen = session_cookie(b)
    response = b.post_csrf("/logout")
    assert response.status_int == 303
    assert is_anonymous(b)
    # replaying the cookie captured while logged in does not log back in
    b.app.reset()
    b.app.set_cookie("lk_session", stolen)
    assert is_anonymous(b)


def test_logout_needs_post_with_csrf(demo_browser):
    b = demo_browser
    b.login("ivanov")
    assert b.get("/logout", expect_errors=True).status_int == 404
    assert b.post("/logout", {}, expect_errors=True).status_int == 400
    assert b.post("/logout", {"csrf_token": "forged"}, expect_errors=True).status_int == 400
    assert not is_anonymous(b)


def test_cookie_flags(demo_browser):
    b = demo_browser
    response = b.login("ivanov")
    (cookie,) = set_cookie_headers(response, "lk_session")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie
    response = b.post_csrf("/language", {"language": "en", "next": "/cabinet"})
    (lang,) = set_cookie_headers(response, "lk_locale")
    assert "HttpOnly" in lang and "SameSite=Lax" in lang


def test_secure_cookies_when_configured(make_demo_app):
    app, _settings = make_demo_app(**{"lk.secure_cookies": "true"})
    b = Browser(app)
    b.app.extra_environ["wsgi.url_scheme"] = "https"   # behind a TLS-terminating proxy
    first = b.app.get("/login")
    response = b.login("ivanov")
    assert response.status_int == 303
    for cookie in set_cookie_headers(first, "lk_session") + set_cookie_headers(response, "lk_session"):
        assert "; secure" in cookie.lower() and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert not is_anonymous(b)
    # over https Pyramid also checks where a POST comes from
    assert b.post_csrf("/language", {"language": "en"}, expect_errors=True).status_int == 400
    response = b.post_csrf("/language", {"language": "en"}, headers={"Origin": "https://localhost"})
    (lang,) = set_cookie_headers(response, "lk_locale")
    assert "; secure" in lang.lower()


def test_password_is_stored_as_argon2id(lk_demo):
    with DB(lk_demo) as platform:
        stored = platform.users["ivanov"].password_hash
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert DEMO_PASSWORD not in stored


# --- passwords ------------------------------------------------------------------------

@pytest.mark.parametrize("password, ok, why", [
    ("Ab3$kq9Lm2Z", False, "Пароль должен быть не короче 12 символов"),
    ("Ab3$kq9Lm2Zx", True, ""),
    ("Xy7-" * 32, True, ""),
    ("Xy7-" * 32 + "q", False, "Пароль должен быть не длиннее 128 символов"),
    ("qwertyuiop123", False, "Этот пароль слишком распространён, выберите другой"),
    ("ЙЦУКЕНГШЩЗХЪ", False, "Этот пароль слишком распространён, выберите другой"),
    ("aaaaaaaaaaaaaaaa", False, "Этот пароль слишком распространён, выберите другой"),
    ("petrova-2026-summer", False, "Пароль не должен содержать логин"),
])
def test_password_policy(password, ok, why):
    from lk_platform.util.passwords import password_problems
    problems = password_problems(password, "petrova")
    assert (not problems) == ok
    if not ok:
        # the source texts are Russian: that is what the default locale shows
        rendered = problems[0].interpolate()
        assert rendered == why


def reset_link(b, settings, login="petrova"):
    response = b.post_csrf("/forgot", {"login": login})
    assert response.status_int == 200
    path = mail_files(settings)[-1]
    with open(path, "rb") as f:
        msg = email.message_from_binary_file(f)
    body = msg.get_payload(decode=True).decode(msg.get_content_charset())
    subject = str(email.header.make_header(email.header.decode_header(msg["Subject"])))
    assert subject == "Восстановление пароля"
    return msg["To"], re.search(r"http://localhost(/reset\?token=\S+)", body).group(1)


def submit_reset(b, link, password, confirm=None):
    page = b.get(link)
    form = [f for f in page.forms.values() if "confirm" in f.fields][0]
    form["password"] = password
    form["confirm"] = password if confirm is None else confirm
    return form.submit(expect_errors=True)


@pytest.mark.parametrize("password, confirm, why", [
    ("Ab3$kq9Lm2Z", None, "Пароль должен быть не короче 12 символов"),
    ("Xy7-" * 32 + "q", None, "Пароль должен быть не длиннее 128 символов"),
    ("qwertyuiop123", None, "Этот пароль слишком распространён, выберите другой"),
    (NEW_PASSWORD, NEW_PASSWORD + "x", "Пароли не совпадают"),
])
def test_reset_page_refuses_weak_passwords_in_russian(lk_demo, lk_settings, password, confirm, why):
    b = Browser(lk_demo)
    _to, link = reset_link(b, lk_settings)
    response = submit_reset(b, link, password, confirm)
    assert response.status_int == 200
    assert why in response.text
    with DB(lk_demo) as platform:
        from lk_platform.util.passwords import verify_password
        assert verify_password(platform.users["petrova"].password_hash, DEMO_PASSWORD)
    # the link still works after a refused attempt
    assert submit_reset(b, link, NEW_PASSWORD).status_int == 302


@pytest.mark.parametrize("password", ["Ab3$kq9Lm2Zx", "Xy7-" * 32])
def test_reset_accepts_the_length_bounds(lk_demo, lk_settings, password):
    b = Browser(lk_demo)
    _to, link = reset_link(b, lk_settings)
    assert submit_reset(b, link, password).status_int == 302
    assert Browser(lk_demo).login("petrova", password).status_int == 303


def test_password_reset_by_emailed_one_time_token(lk_demo, lk_settings):
    holder = Browser(lk_demo)
    holder.login("petrova")
    b = Browser(lk_demo)
    to, link = reset_link(b, lk_settings)
    assert to == "petrova@mail.example"
    response = submit_reset(b, link, NEW_PASSWORD)
    assert response.status_int == 302 and response.headers["Location"].endswith("/login")
    assert "Пароль изменён" in response.follow().text
    # old password gone, new one works, other sessions ended
    assert Browser(lk_demo).login("petrova", DEMO_PASSWORD).status_int == 401
    assert Browser(lk_demo).login("petrova", NEW_PASSWORD).status_int == 303
    assert is_anonymous(holder)
    # used once: the second use fails
    again = Browser(lk_demo).get(link, expect_errors=True)
    assert again.status_int == 400 and "Ссылка недействительна или устарела" in again.text
    response = Browser(lk_demo).post_csrf("/reset", {"token": link.split("token=")[1], "password": "Another-pass-2027",
                                                     "confirm": "Another-pass-2027"}, expect_errors=True)
    assert response.status_int == 400
    assert Browser(lk_demo).login("petrova", NEW_PASSWORD).status_int == 303


def test_expired_reset_token_fails(lk_demo, lk_settings):
    b = Browser(lk_demo)
    _to, link = reset_link(b, lk_settings)
    with DB(lk_demo) as platform:
        for digest, (login, _expires) in list(platform.reset_tokens.items()):
            platform.reset_tokens[digest] = (login, time.time() - 1)
    response = submit_reset_raw(b, link)
    assert response.status_int == 400 and "Ссылка недействительна или устарела" in response.text
    with DB(lk_demo) as platform:
        from lk_platform.util.passwords import verify_password
        assert verify_password(platform.users["petrova"].password_hash, DEMO_PASSWORD)


def submit_reset_raw(b, link):
    token = link.split("token=")[1]
    return b.post_csrf("/reset", {"token": token, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
                       expect_errors=True)


@pytest.mark.parametrize("value", ["nobody", "nobody@mail.example", "", "x" * 5000])
def test_forgot_does_not_tell_which_logins_exist(lk_demo, lk_settings, value):
    b = Browser(lk_demo)
    known = b.post_csrf("/forgot", {"login": "petrova"})
    unknown = b.post_csrf("/forgot", {"login": value})
    assert unknown.status_int == known.status_int == 200
    assert message_text(unknown) == message_text(known)
    assert len(mail_files(lk_settings)) == 1


def test_forgot_accepts_the_email_address(lk_demo, lk_settings):
    to, _link = reset_link(Browser(lk_demo), lk_settings, login="Petrova@Mail.example")
    assert to == "petrova@mail.example"


def message_text(page):
    found = re.search(r'class="alert alert-info" role="status">([^<]*)<', page.text)
    return found.group(1) if found else None


# --- throttling -------------------------------------------------------------------------

def wrong_login(b, login, password="wrong-password-123"):
    token = b.csrf()
    return b.app.post("/login", {"login": login, "password": password, "csrf_token": token}, expect_errors=True)


def test_throttle_per_account(lk_demo):
    b = Browser(lk_demo)
    for _ in range(5):
        assert wrong_login(b, "ivanov").status_int == 401
    # even the right password waits now, from any address
    elsewhere = Browser(lk_demo)
    elsewhere.app.extra_environ["REMOTE_ADDR"] = "10.9.9.9"
    response = elsewhere.login("ivanov")
    assert response.status_int == 429
    assert re.match(r"Слишком много неудачных попыток\. Повторите через \d+ с\.", message(response))
    assert is_anonymous(elsewhere)
    # another account is not affected
    assert Browser(lk_demo).login("petrova").status_int == 303
    # once the delay has passed (moved back rather than slept) the right password works
    from lk_platform.auth.throttle import Failures
    with DB(lk_demo) as platform:
        entry = platform.throttle[("login", "ivanov")]
        platform.throttle[("login", "ivanov")] = Failures(entry.count, entry.last - 31)
    assert elsewhere.login("ivanov").status_int == 303
    with DB(lk_demo) as platform:
        assert ("login", "ivanov") not in platform.throttle


def test_throttle_delay_grows(lk_demo):
    from lk_platform.auth.throttle import Failures, wait_seconds
    with DB(lk_demo) as platform:
        now = time.time()
        platform.throttle[("login", "ivanov")] = Failures(7, now)
        assert 110 <= wait_seconds(platform, "ivanov", "", now) <= 121
        platform.throttle[("login", "ivanov")] = Failures(7, now - 121)
        assert wait_seconds(platform, "ivanov", "", now) == 0


def test_throttle_per_address(lk_demo):
    b = Browser(lk_demo)
    b.app.extra_environ["REMOTE_ADDR"] = "10.0.0.7"
    for i in range(20):
        assert wrong_login(b, "guess%02d" % i).status_int == 401
    response = b.login("petrova")
    assert response.status_int == 429 and "Слишком много неудачных попыток" in message(response)
    other = Browser(lk_demo)
    other.app.extra_environ["REMOTE_ADDR"] = "10.0.0.8"
    assert other.login("petrova").status_int == 303


def test_blocked_user_cannot_log_in_and_loses_open_sessions(lk_demo):
    open_session = Browser(lk_demo)
    open_session.login("petrova")
    with DB(lk_demo) as platform:
        platform.users["petrova"].blocked = True
    assert is_anonymous(open_session)
    response = Browser(lk_demo).login("petrova")
    assert response.status_int == 403 and "заблокирована" in message(response)
    # a wrong password does not reveal the block
    assert wrong_login(Browser(lk_demo), "petrova").status_int == 401


# --- CSRF ---------------------------------------------------------------------------------

@pytest.mark.parametrize("token", [None, "", "forged-token"])
@pytest.mark.parametrize("url, params", [
    ("/login", {"login": "ivanov", "password": DEMO_PASSWORD}),
    ("/forgot", {"login": "petrova"}),
    ("/language", {"language": "en"}),
    ("/o/vodokanal/login", {"login": "ivanov", "password": DEMO_PASSWORD}),
])
def test_posts_without_valid_csrf_token_are_refused(lk_demo, lk_settings, token, url, params):
    b = Browser(lk_demo)
    b.get("/login")
    data = dict(params)
    if token is not None:
        data["csrf_token"] = token
    response = b.app.post(url, data, expect_errors=True)
    assert response.status_int == 400
    assert "данные не сохранены" in message(response)
    assert set_cookie_headers(response, "lk_locale") == []
    assert is_anonymous(b)
    assert mail_files(lk_settings) == []


def test_reset_without_csrf_changes_nothing(lk_demo, lk_settings):
    b = Browser(lk_demo)
    _to, link = reset_link(b, lk_settings)
    token = link.split("token=")[1]
    response = b.app.post("/reset", {"token": token, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
                          expect_errors=True)
    assert response.status_int == 400
    with DB(lk_demo) as platform:
        from lk_platform.util.passwords import verify_password
        assert verify_password(platform.users["petrova"].password_hash, DEMO_PASSWORD)
    assert submit_reset(b, link, NEW_PASSWORD).status_int == 302


def test_staff_post_with_another_sessions_token_is_refused(lk_demo):
    victim = Browser(lk_demo)
    victim.login("admin.vodokanal")
    attacker = Browser(lk_demo)
    attacker.login("ivanov")
    response = victim.app.post("/o/vodokanal/accounts/1000001/@@delete", {"csrf_token": attacker.csrf()},
                               expect_errors=True)
    assert response.status_int == 400
    with DB(lk_demo) as platform:
        assert "1000001" in platform.organisations["vodokanal"]["accounts"]


# --- body size and malformed input ----------------------------------------------------------

def test_oversized_post_is_refused_with_a_clear_message(make_demo_app):
    app, _settings = make_demo_app(**{"lk.max_upload_bytes": str(64 * 1024)})
    b = Browser(app)
    b.login("admin.vodokanal")
    token = b.csrf()
    response = b.app.post("/o/vodokanal/accounts/@@add", {
        "csrf_token": token, "__formid__": "lkform", "number": "1000077", "house": "1",
        "holder": "x" * (70 * 1024), "save": "save"}, expect_errors=True)
    assert response.status_int == 413
    assert "слишком велики" in message(response) and "не больше" in message(response)
    assert "Ничего не сохранено" in message(response)
    with DB(app) as platform:
        assert "1000077" not in platform.organisations["vodokanal"]["accounts"]
    # an upload too
    response = b.app.post("/o/vodokanal/accounts/@@add", {"csrf_token": token},
                          upload_files=[("file", "big.csv", b"1;2\n" * 20000)], expect_errors=True)
    assert response.status_int == 413
    # just under the limit is read normally
    response = b.app.post("/o/vodokanal/accounts/@@add", {
        "csrf_token": token, "__formid__": "lkform", "number": "1000077", "house": "1",
        "holder": "Иванов", "save": "save"})
    assert response.status_int == 302


def test_oversized_post_answers_json_to_json_clients(make_demo_app):
    app, _settings = make_demo_app(**{"lk.max_upload_bytes": "1000"})
    response = Browser(app).app.post("/login", {"login": "x" * 2000}, headers={"Accept": "application/json"},
                                     expect_errors=True)
    assert response.status_int == 413 and response.json["status"] == 413
    assert "слишком велики" in response.json["error"]


@pytest.mark.parametrize("body, content_type", [
    (b"login=ivanov&login=petrova&password=x", "application/x-www-form-urlencoded"),   # repeated fields
    (b"", "application/x-www-form-urlencoded"),                                         # missing fields
    (b"login=\xff\xfe\xfd&password=\xc3", "application/x-www-form-urlencoded"),         # invalid UTF-8
    (b"login=%ff%fe&password=%c3", "application/x-www-form-urlencoded"),                # encoded invalid UTF-8
    (b'{"login": "ivanov"}', "application/json"),
    (b"garbage", "multipart/form-data; boundary=xyz"),
    (b"login=" + b"a" * (10 * 1024 * 1024) + b"&password=b", "application/x-www-form-urlencoded"),  # 10 MB
])
def test_malformed_login_posts_get_a_clear_answer(lk_demo, body, content_type):
    b = Browser(lk_demo)
    token = b.csrf()
    if content_type.startswith("application/x-www-form-urlencoded"):
        body = b"csrf_token=" + token.encode() + (b"&" + body if body else b"")
    response = b.app.post("/login", body, content_type=content_type, expect_errors=True)
    assert response.status_int in (400, 401)
    assert message(response) in ("Неверный логин или пароль", ) or "данные не сохранены" in message(response)
    assert len(response.body) < 200_000   # the 10 MB value is not echoed back
    assert is_anonymous(b)


@pytest.mark.parametrize("fields, expected", [
    ({"area": "abc"}, r"«Площадь, м²»: |\"abc\" не является числом"),
    ({"residents": "1.5"}, "не является числом"),
    ({"residents": "-3"}, "-3 меньше чем 0"),
    ({"house": ""}, "Требуется"),   # missing
    ({"holder": "x" * (10 * 1024 * 1024)}, "Слишком длинное значение"),   # a 10 MB field, not echoed
    ({"holder": "x" * 201}, "Больше, чем максимальная длина 200"),
    ({"number": "12 34"}, "Только цифры, буквы"),
])
def test_malformed_admin_form_posts_get_field_messages(lk_demo, fields, expected):
    b = Browser(lk_demo)
    b.login("admin.vodokanal")
    form = b.get("/o/vodokanal/accounts/@@add").forms["lkform"]
    values = {"number": "1000088", "house": "3", "street": "Речная"}
    values.update(fields)
    params = {k: v for k, v in form.submit_fields()}
    params.update(values)
    response = b.app.post("/o/vodokanal/accounts/@@add", params, expect_errors=True)
    assert response.status_int < 500
    assert re.search(expected, response.text)
    with DB(lk_demo) as platform:
        assert "1000088" not in platform.organisations["vodokanal"]["accounts"]


def test_invalid_utf8_in_an_admin_form(lk_demo):
    b = Browser(lk_demo)
    b.login("admin.vodokanal")
    token = re.search(r'name="csrf_token" value="([^"]+)"', b.get("/o/vodokanal/accounts/@@add").text).group(1)
    body = b"csrf_token=" + token.encode() + b"&__formid__=lkform&number=\xff\xfe&house=\xc3&save=save"
    response = b.app.post("/o/vodokanal/accounts/@@add", body, content_type="application/x-www-form-urlencoded",
                          expect_errors=True)
    assert response.status_int < 500 and "Только цифры, буквы" in response.text


# --- open redirects -----------------------------------------------------------------------------

@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "\\\\evil.example", "http:evil.example",
    "javascript:alert(1)", "/cabinet\r\nSet-Cookie: x=1", "/\t/evil.example", " //evil.example",
])
def test_login_next_never_leaves_the_site(lk_demo, target):
    b = Browser(lk_demo)
    page = b.get("/login", {"next": target})
    form = page.forms[0] if len(page.forms) == 1 else [f for f in page.forms.values() if "password" in f.fields][0]
    form["login"] = "ivanov"
    form["password"] = DEMO_PASSWORD
    response = form.submit(expect_errors=True)
    assert response.status_int == 303
    location = response.headers["Location"]
    assert location.startswith("http://localhost/") and "evil" not in location.split("/")[2]
    assert "\n" not in location and "\r" not in location


def test_login_next_keeps_local_paths(demo_browser):
    page = demo_browser.get("/login", {"next": "/o/vodokanal/accounts/1000001/?tab=1"})
    form = [f for f in page.forms.values() if "password" in f.fields][0]
    form["login"] = "ivanov"
    form["password"] = DEMO_PASSWORD
    assert form.submit().headers["Location"] == "http://localhost/o/vodokanal/accounts/1000001/?tab=1"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "/x\r\nLocation: //evil"])
def test_language_next_never_leaves_the_site(demo_browser, target):
    response = demo_browser.post_csrf("/language", {"language": "en", "next": target})
    assert response.status_int == 303
    assert response.headers["Location"].startswith("http://localhost/")
