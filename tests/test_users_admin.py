"""Staff user management: /o/<slug>/@@users per organisation and the
operator's /users/@@admin, through the whole WSGI stack on the demo data."""
from __future__ import annotations

import email
import re

import pytest

from lk_platform.testing import DB, Browser, mail_files

NEW_PASSWORD = "Zelenaya-vetka-1987"


@pytest.fixture
def lk_demo(lk_demo_copy):
    """The demo from a copy of one loaded per session (lk_platform.testing)."""
    return lk_demo_copy


def browser_as(app, login):
    b = Browser(app)
    response = b.login(login)
    assert response.status_int == 303, response.text
    return b


@pytest.fixture
def admin(lk_demo):
    return browser_as(lk_demo, "admin.vodokanal")


def errors(page):
    return re.findall(r'class="alert alert-danger" role="alert">([^<]*)<', page.text)


def flash(page):
    return re.findall(r'class="alert alert-info" role="status">([^<]*)<', page.text)


def audit_actions(app, slug=None):
    with DB(app) as platform:
        log = platform.organisations[slug].audit if slug else platform.audit
        return [(e.who, e.action, e.target, e.changes) for e in log.page(limit=1000)]


def add_form(b, url="/o/vodokanal/@@add-user", **values):
    form = b.get(url).forms["lkform"]
    for key, value in values.items():
        form[key] = value
    return form.submit("save", expect_errors=True)


def password_form(page):
    return [f for f in page.forms.values() if "confirm" in f.fields][0]


def read_mail(settings, index=-1):
    path = mail_files(settings)[index]
    with open(path, "rb") as f:
        message = email.message_from_binary_file(f)
    subject = str(email.header.make_header(email.header.decode_header(message["Subject"])))
    body = message.get_payload(decode=True).decode(message.get_content_charset())
    return message["To"], subject, body


# --- the list -------------------------------------------------------------------

def linked_logins(app, slug):
    """Logins tied to ``slug`` (plugins' demo data may add staff of their own)."""
    with DB(app) as platform:
        return sorted(u.login for u in platform.users.values() if slug in u.org_slugs)


def user_count(app):
    with DB(app) as platform:
        return len(platform.users)


def test_list_shows_only_users_linked_to_the_organisation(lk_demo, admin):
    page = admin.get("/o/vodokanal/@@users")
    logins = re.findall(r'/o/vodokanal/@@users/([a-z0-9.@_-]+)"', page.text)
    assert logins == linked_logins(lk_demo, "vodokanal")
    assert {"admin.vodokanal", "clerk.vodokanal", "ivanov", "petrova"} <= set(logins)
    assert not {"admin.ukdom", "support.ukdom", "operator"} & set(logins)
    assert "admin.ukdom" not in page.text and "support.ukdom" not in page.text and "operator@" not in page.text
    # accounts of this organisation only: ivanov's uk-dom account is not shown
    row = re.search(r"ivanov</a></td>(.*?)</tr>", page.text, re.S).group(1)
    assert "1000001" in row and "2000001" not in row


def test_list_search_and_pages(lk_demo, admin):
    base = len(linked_logins(lk_demo, "vodokanal"))
    with DB(lk_demo) as platform:
        from lk_platform.model.users import create_user
        for i in range(25):
            create_user(platform, "resident%02d" % i, None, name="Житель номер %d" % i,
                        home_organisation="vodokanal")
        create_user(platform, "stranger", None, name="Житель чужой", home_organisation="uk-dom")
    page = admin.get("/o/vodokanal/@@users")
    assert page.html.find(id="total").text == str(base + 25)
    first = re.findall(r'/o/vodokanal/@@users/([a-z0-9.@_-]+)"', page.text)
    assert len(first) == 20 and first == sorted(first)
    second = admin.get("/o/vodokanal/@@users?page=2")
    rest = re.findall(r'/o/vodokanal/@@users/([a-z0-9.@_-]+)"', second.text)
    assert len(rest) == min(20, base + 5) and not set(rest) & set(first) and rest == sorted(rest)
    assert first[-1] < rest[0]
    found = admin.get("/o/vodokanal/@@users", {"q": "Петрова"})
    assert re.findall(r'/o/vodokanal/@@users/([a-z0-9.@_-]+)"', found.text) == ["petrova"]
    found = admin.get("/o/vodokanal/@@users", {"q": "Житель"})
    assert found.html.find(id="total").text == "25"  # "stranger" belongs to uk-dom
    # bad paging input is not an error
    assert admin.get("/o/vodokanal/@@users?page=abc").status_int == 200
    assert admin.get("/o/vodokanal/@@users?page=-5").status_int == 200


def test_staff_without_users_manage_is_refused(lk_demo):
    clerk = browser_as(lk_demo, "clerk.vodokanal")
    assert clerk.get("/o/vodokanal/@@users", expect_errors=True).status_int == 403
    assert clerk.get("/o/vodokanal/@@add-user", expect_errors=True).status_int == 403
    resident = browser_as(lk_demo, "ivanov")
    assert resident.get("/o/vodokanal/@@users", expect_errors=True).status_int == 403


# --- creating ---------------------------------------------------------------------

def test_create_with_password_links_account_or_grants_role(lk_demo, admin):
    response = add_form(admin, login="  Sidorov ", name="Сидоров Пётр", email="Sidorov@Mail.example",
                        phone="+7 900 000-00-00", password_mode="password", password=NEW_PASSWORD,
                        **{"password-confirm": NEW_PASSWORD}, account="1000003", reason="Заявление от 01.03")
    assert response.status_int == 302, errors(response) or response.text
    assert response.headers["Location"].endswith("/o/vodokanal/@@users/sidorov")
    with DB(lk_demo) as platform:
        user = platform.users["sidorov"]
        assert user.name == "Сидоров Пётр" and user.email == "sidorov@mail.example"
        assert user.password_hash.startswith("$argon2id$")
        assert user.accounts == (("vodokanal", "1000003"),)
        assert "sidorov" in platform.organisations["vodokanal"]["accounts"]["1000003"].holders
    actions = [a[1:] for a in audit_actions(lk_demo, "vodokanal")]
    assert [a[0] for a in actions[:2]] == ["user.link", "user.add"]
    assert actions[0][2] == (("account", "", "vodokanal/1000003"), ("reason", "", "Заявление от 01.03"))
    sidorov = Browser(lk_demo)
    assert sidorov.login("sidorov", NEW_PASSWORD).status_int == 303
    assert sidorov.get("/o/vodokanal/accounts/1000003/").status_int == 200
    # a staff member is created without accounts, and works as a clerk
    response = add_form(admin, login="kuznetsova", name="Кузнецова", password_mode="password",
                        password=NEW_PASSWORD, **{"password-confirm": NEW_PASSWORD}, role="accounts_clerk")
    assert response.status_int == 302, errors(response) or response.text
    with DB(lk_demo) as platform:
        assert platform.organisations["vodokanal"].staff["kuznetsova"] == ("accounts_clerk",)
    assert [a[1] for a in audit_actions(lk_demo, "vodokanal")[:2]] == ["user.grant", "user.add"]
    clerk = Browser(lk_demo)
    assert clerk.login("kuznetsova", NEW_PASSWORD).status_int == 303
    assert clerk.get("/o/vodokanal/accounts/@@admin").status_int == 200


def test_create_with_emailed_link(lk_demo, lk_settings, admin):
    response = add_form(admin, login="kozlov", name="Козлов", email="kozlov@mail.example")
    assert response.status_int == 302, errors(response) or response.text
    page = response.follow()
    assert "kozlov@mail.example" in " ".join(flash(page))
    to, subject, body = read_mail(lk_settings)
    assert to == "kozlov@mail.example" and "учётная запись" in subject
    link = re.search(r"http://localhost(/o/vodokanal/reset\?token=\S+)", body).group(1)
    with DB(lk_demo) as platform:
        assert platform.users["kozlov"].password_hash == ""
    anon = Browser(lk_demo)
    form = password_form(anon.get(link))
    form["password"] = form["confirm"] = NEW_PASSWORD
    assert form.submit().status_int == 302
    assert anon.login("kozlov", NEW_PASSWORD).status_int == 303


@pytest.mark.parametrize("values, field, message", [
    (dict(login="ivanov", email="x@mail.example"), "login", "уже занят"),
    (dict(login="x"), "login", "3–64 знака"),
    (dict(login="новый", email="x@mail.example"), "login", "3–64 знака"),
    (dict(login="newbie"), "email", "укажите эл. почту"),
    (dict(login="newbie", email="not-an-address"), "email", "Неверный адрес"),
    (dict(login="newbie", password_mode="password", password="short-pass1",
          **{"password-confirm": "short-pass1"}), "password", "не короче 12"),
    (dict(login="newbie", password_mode="password", password="qwertyuiop123",
          **{"password-confirm": "qwertyuiop123"}), "password", "слишком распространён"),
    (dict(login="newbie", password_mode="password"), "password", "Введите пароль"),
    (dict(login="newbie", email="x@mail.example", account="2000002"), "account", "нет лицевого счёта № 2000002"),
    (dict(login="newbie", email="x@mail.example", phone="<script>"), "phone", "Неверный номер"),
])
def test_create_refuses_bad_input_and_writes_nothing(lk_demo, lk_settings, admin, values, field, message):
    before = audit_actions(lk_demo, "vodokanal")
    count = user_count(lk_demo)
    response = add_form(admin, **values)
    assert response.status_int == 400
    assert message in response.text
    # the message sits next to its field
    block = re.search(r'id="item-[^"]*"[^>]*>(?:(?!id="item-).)*?name="%s"(?:(?!id="item-).)*' % re.escape(field),
                      response.text, re.S)
    assert block is not None and message in block.group(0)
    with DB(lk_demo) as platform:
        assert "newbie" not in platform.users and "новый" not in platform.users
        assert len(platform.users) == count
    assert audit_actions(lk_demo, "vodokanal") == before
    assert mail_files(lk_settings) == []


def test_create_refuses_role_the_creator_cannot_grant(lk_demo):
    support = browser_as(lk_demo, "support.ukdom")
    form = support.get("/o/uk-dom/@@add-user").forms["lkform"]
    offered = [value for value, *_rest in form["role"].options]
    assert "org_admin" not in offered and "accounts_clerk" not in offered and "support" in offered
    response = support.post_csrf("/o/uk-dom/@@add-user", {
        "login": "newbie", "email": "x@mail.example", "password_mode": "link", "role": "org_admin",
        "locale": "ru", "__formid__": "lkform", "save": "save"}, expect_errors=True)
    assert response.status_int == 400
    with DB(lk_demo) as platform:
        assert "newbie" not in platform.users


# --- block, reset, edit -------------------------------------------------------------

def make_local_user(app, login="sidorov", email="sidorov@mail.example"):
    from lk_platform.model.users import create_user
    with DB(app) as platform:
        create_user(platform, login, NEW_PASSWORD, name="Сидоров", email=email, home_organisation="vodokanal")


def test_block_ends_sessions_and_login_then_unblock(lk_demo, admin):
    make_local_user(lk_demo)
    sidorov = Browser(lk_demo)
    assert sidorov.login("sidorov", NEW_PASSWORD).status_int == 303
    assert sidorov.get("/cabinet").status_int == 200
    response = admin.post_csrf("/o/vodokanal/@@users/sidorov/block")
    assert response.status_int == 303
    assert "заблокирован" in " ".join(flash(response.follow()))
    # the open session is gone at once, and logging in again is refused
    assert sidorov.get("/cabinet", expect_errors=True).status_int == 302
    refused = Browser(lk_demo).login("sidorov", NEW_PASSWORD)
    assert refused.status_int == 403 and "заблокирована" in refused.text
    assert admin.post_csrf("/o/vodokanal/@@users/sidorov/unblock").status_int == 303
    assert Browser(lk_demo).login("sidorov", NEW_PASSWORD).status_int == 303
    actions = [a[1:] for a in audit_actions(lk_demo, "vodokanal")][:2]
    assert actions == [("user.unblock", "/users/sidorov", (("blocked", "True", "False"),)),
                       ("user.block", "/users/sidorov", (("blocked", "False", "True"),))]


def test_shared_user_cannot_be_blocked_or_edited_by_one_organisation(lk_demo, admin):
    # ivanov also holds an account at uk-dom: blocking him is the operator's call
    page = admin.get("/o/vodokanal/@@users/ivanov")
    assert "/ivanov/block" not in page.text and "оператор платформы" in page.text
    response = admin.post_csrf("/o/vodokanal/@@users/ivanov/block", expect_errors=True)
    assert response.status_int == 400 and "только оператор платформы" in response.text
    edit = admin.get("/o/vodokanal/@@users/ivanov/edit")
    assert edit.status_int == 303
    with DB(lk_demo) as platform:
        assert platform.users["ivanov"].blocked is False
    assert not [a for a in audit_actions(lk_demo, "vodokanal") if a[1].startswith("user.")]
    # the operator can
    operator = browser_as(lk_demo, "operator")
    assert operator.post_csrf("/users/@@admin/ivanov/block").status_int == 303
    with DB(lk_demo) as platform:
        assert platform.users["ivanov"].blocked is True
    assert audit_actions(lk_demo)[0][:3] == ("operator", "user.block", "/users/ivanov")


def test_staff_cannot_block_themselves_or_their_admin(lk_demo, admin):
    response = admin.post_csrf("/o/vodokanal/@@users/admin.vodokanal/block", expect_errors=True)
    assert response.status_int == 400 and "самого себя" in response.text
    make_local_user(lk_demo, "helper.vodokanal", "helper@vodokanal.example")
    assert admin.post_csrf("/o/vodokanal/@@users/helper.vodokanal/grant", {"role": "support"}).status_int == 303
    helper = Browser(lk_demo)
    assert helper.login("helper.vodokanal", NEW_PASSWORD).status_int == 303
    response = helper.post_csrf("/o/vodokanal/@@users/admin.vodokanal/block", expect_errors=True)
    assert response.status_int == 400 and "только администратор организации" in response.text
    with DB(lk_demo) as platform:
        assert not platform.users["admin.vodokanal"].blocked


def test_send_reset_link(lk_demo, lk_settings, admin):
    response = admin.post_csrf("/o/vodokanal/@@users/petrova/reset")
    assert response.status_int == 303
    assert "petrova@mail.example" in " ".join(flash(response.follow()))
    to, subject, body = read_mail(lk_settings)
    assert to == "petrova@mail.example"
    link = re.search(r"http://localhost(/o/vodokanal/reset\?token=\S+)", body).group(1)
    form = password_form(Browser(lk_demo).get(link))
    form["password"] = form["confirm"] = NEW_PASSWORD
    assert form.submit().status_int == 302
    assert Browser(lk_demo).login("petrova", NEW_PASSWORD).status_int == 303
    assert audit_actions(lk_demo, "vodokanal")[0][:3] == ("admin.vodokanal", "user.reset", "/users/petrova")


def test_reset_link_needs_an_address(lk_demo, lk_settings, admin):
    make_local_user(lk_demo, email="")
    response = admin.post_csrf("/o/vodokanal/@@users/sidorov/reset", expect_errors=True)
    assert response.status_int == 400 and "не указана эл. почта" in response.text
    assert mail_files(lk_settings) == []


def test_edit_profile_is_audited_with_changes(lk_demo, admin):
    make_local_user(lk_demo)
    form = admin.get("/o/vodokanal/@@users/sidorov/edit").forms["lkform"]
    assert form["name"].value == "Сидоров"
    form["name"] = "Сидоров Пётр Ильич"
    form["email"] = "broken"
    failed = form.submit("save", expect_errors=True)
    assert "Неверный адрес эл. почты" in failed.text
    form = failed.forms["lkform"]
    form["email"] = "new@mail.example"
    assert form.submit("save").status_int == 303
    with DB(lk_demo) as platform:
        assert platform.users["sidorov"].name == "Сидоров Пётр Ильич"
        # a new address waits for confirmation (tests/security/test_finding_03_*)
        assert platform.users["sidorov"].email == "sidorov@mail.example"
        assert platform.users["sidorov"].pending_email == "new@mail.example"
    (_w, confirm, _t, pending), (who, action, target, changes) = audit_actions(lk_demo, "vodokanal")[:2]
    assert confirm == "user.email-change" and pending == (("pending_email", "", "new@mail.example"),)
    assert action == "user.edit" and dict((c[0], c[1:]) for c in changes) == {
        "name": ("Сидоров", "Сидоров Пётр Ильич")}


# --- accounts -----------------------------------------------------------------------

def test_link_and_unlink_account(lk_demo, admin):
    response = admin.post_csrf("/o/vodokanal/@@users/petrova/link", {"number": " 1000003 ", "reason": "Заявление"})
    assert response.status_int == 303
    with DB(lk_demo) as platform:
        assert ("vodokanal", "1000003") in platform.users["petrova"].accounts
        assert "petrova" in platform.organisations["vodokanal"]["accounts"]["1000003"].holders
    petrova = browser_as(lk_demo, "petrova")
    assert petrova.get("/o/vodokanal/accounts/1000003/").status_int == 200
    assert admin.post_csrf("/o/vodokanal/@@users/petrova/unlink", {"number": "1000003"}).status_int == 303
    with DB(lk_demo) as platform:
        assert ("vodokanal", "1000003") not in platform.users["petrova"].accounts
        assert platform.organisations["vodokanal"]["accounts"]["1000003"].holders == ()
    assert petrova.get("/o/vodokanal/accounts/1000003/", expect_errors=True).status_int == 403
    actions = [(a[1], a[3]) for a in audit_actions(lk_demo, "vodokanal")[:2]]
    assert actions == [("user.unlink", (("account", "vodokanal/1000003", ""),)),
                       ("user.link", (("account", "", "vodokanal/1000003"), ("reason", "", "Заявление")))]


def test_unlinking_the_last_tie_leaves_the_list(lk_demo, admin):
    response = admin.post_csrf("/o/vodokanal/@@users/petrova/unlink", {"number": "1000002"})
    assert response.headers["Location"].endswith("/o/vodokanal/@@users")
    assert admin.get("/o/vodokanal/@@users/petrova", expect_errors=True).status_int == 404


@pytest.mark.parametrize("number", ["2000002", "2000001", "3000001", "nope", "../1000001"])
def test_linking_another_organisations_account_fails_and_changes_nothing(lk_demo, admin, number):
    with DB(lk_demo) as platform:
        before = (platform.users["petrova"].accounts, platform.organisations["uk-dom"]["accounts"]["2000002"].holders)
    response = admin.post_csrf("/o/vodokanal/@@users/petrova/link", {"number": number}, expect_errors=True)
    assert response.status_int == 400
    assert "нет лицевого счёта № %s" % number in response.text.replace("&#47;", "/").replace("&#x2F;", "/") or \
        "нет лицевого счёта" in response.text
    assert "Привязать можно только счета этой организации" in response.text
    with DB(lk_demo) as platform:
        after = (platform.users["petrova"].accounts, platform.organisations["uk-dom"]["accounts"]["2000002"].holders)
    assert after == before
    assert not [a for a in audit_actions(lk_demo, "vodokanal") if a[1].startswith("user.")]


def test_link_requires_a_number(admin):
    response = admin.post_csrf("/o/vodokanal/@@users/petrova/link", {}, expect_errors=True)
    assert response.status_int == 400 and "Укажите номер лицевого счёта" in response.text


# --- roles --------------------------------------------------------------------------

def test_grant_and_revoke_role(lk_demo, admin):
    ivanov = browser_as(lk_demo, "ivanov")
    assert ivanov.get("/o/vodokanal/accounts/@@admin", expect_errors=True).status_int == 403
    assert admin.post_csrf("/o/vodokanal/@@users/ivanov/grant", {"role": "accounts_clerk"}).status_int == 303
    assert ivanov.get("/o/vodokanal/accounts/@@admin").status_int == 200
    # the role counts only in vodokanal
    assert ivanov.get("/o/uk-dom/accounts/@@admin", expect_errors=True).status_int == 403
    assert admin.post_csrf("/o/vodokanal/@@users/ivanov/revoke", {"role": "accounts_clerk"}).status_int == 303
    assert ivanov.get("/o/vodokanal/accounts/@@admin", expect_errors=True).status_int == 403
    with DB(lk_demo) as platform:
        assert "ivanov" not in platform.organisations["vodokanal"].staff
        assert platform.users["ivanov"].staff_of == ()
    actions = [(a[1], a[3]) for a in audit_actions(lk_demo, "vodokanal")[:2]]
    assert actions == [("user.revoke", (("roles", "accounts_clerk", ""),)),
                       ("user.grant", (("roles", "", "accounts_clerk"),))]


@pytest.mark.parametrize("role, message", [
    ("operator", "Нет такой роли"), ("", "Выберите роль"), ("role:operator", "Нет такой роли")])
def test_unknown_roles_are_refused(lk_demo, admin, role, message):
    response = admin.post_csrf("/o/vodokanal/@@users/ivanov/grant", {"role": role}, expect_errors=True)
    assert response.status_int == 400 and message in response.text
    with DB(lk_demo) as platform:
        assert "ivanov" not in platform.organisations["vodokanal"].staff
        assert not platform.users["ivanov"].is_operator


def test_only_an_admin_grants_org_admin_and_nobody_grants_more_than_they_hold(lk_demo):
    support = browser_as(lk_demo, "support.ukdom")
    page = support.get("/o/uk-dom/@@users/ivanov")
    assert 'value="org_admin"' not in page.text and 'value="accounts_clerk"' not in page.text
    response = support.post_csrf("/o/uk-dom/@@users/ivanov/grant", {"role": "org_admin"}, expect_errors=True)
    assert response.status_int == 400 and "только администратор организации" in response.text
    response = support.post_csrf("/o/uk-dom/@@users/ivanov/grant", {"role": "accounts_clerk"}, expect_errors=True)
    assert response.status_int == 400 and "нет всех её прав" in response.text
    # support may hand on its own role
    assert support.post_csrf("/o/uk-dom/@@users/ivanov/grant", {"role": "support"}).status_int == 303
    # and may not take org_admin away from the admin
    response = support.post_csrf("/o/uk-dom/@@users/admin.ukdom/revoke", {"role": "org_admin"}, expect_errors=True)
    assert response.status_int == 400
    admin = browser_as(lk_demo, "admin.ukdom")
    assert admin.post_csrf("/o/uk-dom/@@users/ivanov/grant", {"role": "org_admin"}).status_int == 303
    response = admin.post_csrf("/o/uk-dom/@@users/admin.ukdom/revoke", {"role": "org_admin"}, expect_errors=True)
    assert response.status_int == 400 and "с самого себя" in response.text
    with DB(lk_demo) as platform:
        staff = platform.organisations["uk-dom"].staff
        assert staff["ivanov"] == ("org_admin", "support") and staff["admin.ukdom"] == ("org_admin",)


# --- tenancy -------------------------------------------------------------------------

@pytest.mark.parametrize("method, url", [
    ("get", "/o/vodokanal/@@users/support.ukdom"),
    ("get", "/o/vodokanal/@@users/operator"),
    ("get", "/o/vodokanal/@@users/nobody"),
    ("post", "/o/vodokanal/@@users/support.ukdom/block"),
    ("post", "/o/vodokanal/@@users/admin.ukdom/grant"),
    ("post", "/o/vodokanal/@@users/admin.ukdom/reset"),
    ("get", "/o/vodokanal/@@users/admin.ukdom/edit"),
    ("post", "/o/vodokanal/@@users/ivanov/explode"),
    ("get", "/o/vodokanal/@@users/ivanov/block/more"),
])
def test_other_organisations_users_are_not_found(lk_demo, lk_settings, admin, method, url):
    if method == "post":
        response = admin.post_csrf(url, {"role": "org_admin", "number": "1000003"}, expect_errors=True)
    else:
        response = admin.get(url, expect_errors=True)
    assert response.status_int == 404
    assert "ukdom" not in response.text.split("<main", 1)[1]
    with DB(lk_demo) as platform:
        assert not platform.users["support.ukdom"].blocked
        assert "admin.ukdom" not in platform.organisations["vodokanal"].staff
    assert mail_files(lk_settings) == []


@pytest.mark.parametrize("url", ["/o/uk-dom/@@users", "/o/uk-dom/@@users/ivanov", "/o/uk-dom/@@add-user",
                                 "/o/uk-dom/uk-dom-sever/@@users", "/users/@@admin", "/users/@@add"])
def test_other_organisations_pages_are_forbidden(admin, url):
    response = admin.get(url, expect_errors=True)
    assert response.status_int == 403
    assert "support.ukdom" not in response.text and "petrova" not in response.text


def test_parent_staff_manage_the_sub_organisation(lk_demo):
    admin = browser_as(lk_demo, "admin.ukdom")
    page = admin.get("/o/uk-dom/uk-dom-sever/@@users")
    logins = re.findall(r'@@users/([a-z0-9.@_-]+)"', page.text)
    assert "petrova" in logins and logins == linked_logins(lk_demo, "uk-dom-sever")
    assert "ivanov" not in logins
    assert admin.get("/o/uk-dom/@@users/petrova", expect_errors=True).status_int == 404


def test_get_on_an_action_changes_nothing(lk_demo, admin):
    make_local_user(lk_demo)
    response = admin.get("/o/vodokanal/@@users/sidorov/block")
    assert response.status_int == 303
    with DB(lk_demo) as platform:
        assert not platform.users["sidorov"].blocked


def test_actions_without_csrf_token_change_nothing(lk_demo, admin):
    make_local_user(lk_demo)
    for action, params in (("block", {}), ("grant", {"role": "support"}), ("link", {"number": "1000003"})):
        response = admin.post("/o/vodokanal/@@users/sidorov/" + action, params, expect_errors=True)
        assert response.status_int == 400
        response = admin.post("/o/vodokanal/@@users/sidorov/" + action, dict(params, csrf_token="forged"),
                              expect_errors=True)
        assert response.status_int == 400 and "данные не сохранены" in response.text
    with DB(lk_demo) as platform:
        user = platform.users["sidorov"]
        assert not user.blocked and user.accounts == () and user.staff_of == ()
    assert not [a for a in audit_actions(lk_demo, "vodokanal") if a[1].startswith("user.")]


# --- the operator ---------------------------------------------------------------------

def test_operator_manages_everyone(lk_demo, lk_settings):
    operator = browser_as(lk_demo, "operator")
    page = operator.get("/users/@@admin")
    assert page.html.find(id="total").text == str(user_count(lk_demo))
    assert "support.ukdom" in page.text and "ivanov" in page.text
    # link an uk-dom account and grant an uk-dom role from the platform page
    assert operator.post_csrf("/users/@@admin/petrova/link",
                              {"organisation": "uk-dom", "number": "2000002", "reason": "Заявление"}).status_int == 303
    assert operator.post_csrf("/users/@@admin/petrova/grant",
                              {"organisation": "uk-dom", "role": "auditor"}).status_int == 303
    response = operator.post_csrf("/users/@@admin/petrova/grant", {"organisation": "nowhere", "role": "auditor"},
                                  expect_errors=True)
    assert response.status_int == 400 and "Нет организации «nowhere»" in response.text
    with DB(lk_demo) as platform:
        assert ("uk-dom", "2000002") in platform.users["petrova"].accounts
        assert platform.organisations["uk-dom"].staff["petrova"] == ("auditor",)
    # an organisation's own changes go to its log, even when the operator makes them
    assert [a[:2] for a in audit_actions(lk_demo, "uk-dom")[:2]] == [("operator", "user.grant"),
                                                                     ("operator", "user.link")]
    # the operator creates people at platform level
    response = add_form(operator, "/users/@@add", login="newstaff", email="newstaff@lk.example")
    assert response.status_int == 302
    with DB(lk_demo) as platform:
        assert platform.users["newstaff"].home_organisation == ""
    assert audit_actions(lk_demo)[0][:2] == ("operator", "user.add")
    assert len(mail_files(lk_settings)) == 1
