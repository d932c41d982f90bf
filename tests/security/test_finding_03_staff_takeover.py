"""Security finding 3 (issue #9) stays fixed:

    **Support staff can take over colleagues**: a role with user management
    can change a non-admin colleague's e-mail and then send that colleague a
    reset link, reaching roles it could not grant. Changing a staff member's
    e-mail, or sending a reset (or welcome) link for them, is for those who
    hold every role the target holds (in the organisation, and the operator
    role is reachable only by operators); a changed e-mail is confirmed at the
    new address before it is used for resets: store it as pending with a
    confirmation token (time-limited, single-use, digest stored not the
    token), mail a confirmation link to the NEW address and a notice to the
    OLD one, and keep using the old address for resets until confirmed. Show
    the pending state in the user admin page.

Residents cannot change their own e-mail in the cabinet (there is no
profile page for it); every change goes through the staff's edit form, so
the confirmation below covers residents' addresses as well.
"""
from __future__ import annotations

import email
import re
import time

import pytest
import time_machine

from lk_platform.model.users import EMAIL_CONFIRM_LIFETIME, create_user, grant_role
from lk_platform.testing import DB, Browser, mail_files

NEW_PASSWORD = "Zelenaya-vetka-1987"


@pytest.fixture
def lk_demo(lk_demo_copy):
    return lk_demo_copy


def browser_as(app, login, password=None):
    b = Browser(app)
    assert b.login(login, password).status_int == 303
    return b


def add_staff(app, login, slug, *roles):
    """A staff member of ``slug`` alone (so its staff may edit them)."""
    with DB(app) as platform:
        user = create_user(platform, login, NEW_PASSWORD, name=login, email=login + "@old.example",
                           home_organisation=slug)
        for role in roles:
            grant_role(platform.organisations[slug], user, role, app.registry)


def letters(settings):
    out = []
    for path in mail_files(settings):
        with open(path, "rb") as f:
            message = email.message_from_binary_file(f)
        subject = str(email.header.make_header(email.header.decode_header(message["Subject"])))
        out.append((message["To"], subject, message.get_payload(decode=True).decode(message.get_content_charset())))
    return out


def user_state(app, login):
    with DB(app) as platform:
        user = platform.users[login]
        return user.email, user.pending_email


def user_actions(app, slug):
    with DB(app) as platform:
        return [(e.who, e.action, e.target, e.changes) for e in platform.organisations[slug].audit.page(limit=1000)
                if e.action.startswith("user.")]


def edit_email(b, url, address, status=303):
    """Post the edit form of ``url`` (the person's page) with a new address."""
    return b.post_csrf(url + "/edit", {"name": "Новое имя", "email": address, "phone": "",
                                       "__formid__": "lkform", "save": "save"}, status=status)


def letter_to(settings, address):
    found = [body for to, _s, body in letters(settings) if to == address]
    assert len(found) == 1, found
    return found[0]


def confirm_link(body):
    return re.search(r"http://localhost(/\S*confirm-email\?\S+)", body).group(1)


def confirm_form(page):
    """The page's confirmation form, or None (the header has forms of its own)."""
    found = [f for f in page.forms.values() if "token" in f.fields]
    return found[0] if found else None


# --- who may change a colleague's address or send them a password link ------------

@pytest.mark.parametrize("target, roles", [
    ("clerk.ukdom", ("accounts_clerk",)),     # a permission support lacks (accounts.manage)
    ("auditor.ukdom", ("auditor",)),          # audit.view
    ("mixed.ukdom", ("support", "auditor")),  # one role support holds, one it lacks
    ("admin.ukdom", None),                    # the demo's organisation admin
])
def test_support_cannot_change_email_or_send_reset_to_a_colleague_with_more_roles(
        lk_demo, lk_settings, target, roles):
    if roles is not None:
        add_staff(lk_demo, target, "uk-dom", *roles)
    before = user_state(lk_demo, target)
    support = browser_as(lk_demo, "support.ukdom")
    url = "/o/uk-dom/@@users/" + target
    page = support.get(url)
    assert url + "/edit" not in page.text and url + "/reset" not in page.text
    # the edit form is refused, and so is a forged post of it
    assert support.get(url + "/edit").status_int == 303
    refused = edit_email(support, url, "support@attacker.example").follow()
    assert "может только" in refused.text
    response = support.post_csrf(url + "/reset", status=400)
    assert "может только" in response.text
    assert user_state(lk_demo, target) == before
    with DB(lk_demo) as platform:
        assert platform.users[target].name != "Новое имя"
    assert mail_files(lk_settings) == []
    assert user_actions(lk_demo, "uk-dom") == []


@pytest.mark.parametrize("target, roles", [
    ("clerk.ukdom", ("accounts_clerk",)),
    ("mixed.ukdom", ("support", "auditor")),
])
def test_support_cannot_block_or_unblock_a_colleague_with_more_roles(lk_demo, target, roles):
    """Locking a colleague out (or letting a blocked one back in) is for
    those who hold every role they hold, like changing their e-mail."""
    add_staff(lk_demo, target, "uk-dom", *roles)
    support = browser_as(lk_demo, "support.ukdom")
    url = "/o/uk-dom/@@users/" + target
    assert url + "/block" not in support.get(url).text
    response = support.post_csrf(url + "/block", status=400)
    assert "может только" in response.text
    with DB(lk_demo) as platform:
        assert platform.users[target].blocked is False
        platform.users[target].blocked = True
    assert "может только" in support.post_csrf(url + "/unblock", status=400).text
    with DB(lk_demo) as platform:
        assert platform.users[target].blocked is True
    admin = browser_as(lk_demo, "admin.ukdom")
    assert admin.post_csrf(url + "/unblock").status_int == 303
    with DB(lk_demo) as platform:
        assert platform.users[target].blocked is False


def test_a_colleague_of_another_organisation_is_out_of_reach(lk_demo, lk_settings):
    """ivanov is a resident of uk-dom and (here) a clerk of vodokanal: uk-dom's
    support must not send him a password link either."""
    with DB(lk_demo) as platform:
        grant_role(platform.organisations["vodokanal"], platform.users["ivanov"], "accounts_clerk", lk_demo.registry)
    support = browser_as(lk_demo, "support.ukdom")
    response = support.post_csrf("/o/uk-dom/@@users/ivanov/reset", status=400)
    assert "все его роли" in response.text
    assert mail_files(lk_settings) == []


def test_who_holds_every_role_of_the_target_may(lk_demo, lk_settings):
    add_staff(lk_demo, "helper.ukdom", "uk-dom", "support")
    add_staff(lk_demo, "clerk.ukdom", "uk-dom", "accounts_clerk")
    # a support colleague: support.ukdom holds that role
    support = browser_as(lk_demo, "support.ukdom")
    assert support.post_csrf("/o/uk-dom/@@users/helper.ukdom/reset").status_int == 303
    edit_email(support, "/o/uk-dom/@@users/helper.ukdom", "helper@new.example")
    assert user_state(lk_demo, "helper.ukdom") == ("helper.ukdom@old.example", "helper@new.example")
    # the admin holds every permission of the clerk's role
    admin = browser_as(lk_demo, "admin.ukdom")
    assert admin.post_csrf("/o/uk-dom/@@users/clerk.ukdom/reset").status_int == 303
    edit_email(admin, "/o/uk-dom/@@users/clerk.ukdom", "clerk@new.example")
    assert user_state(lk_demo, "clerk.ukdom") == ("clerk.ukdom@old.example", "clerk@new.example")
    sent = [(to, subject) for to, subject, _b in letters(lk_settings)]
    assert ("helper.ukdom@old.example", "Смена пароля") in sent and ("clerk.ukdom@old.example", "Смена пароля") in sent
    assert ("helper@new.example", "Подтвердите адрес эл. почты") in sent
    assert ("clerk@new.example", "Подтвердите адрес эл. почты") in sent


# --- a changed address is pending until confirmed -----------------------------------

@pytest.mark.parametrize("target", ["clerk.vodokanal", "resident"])
def test_changed_email_is_not_used_until_confirmed(lk_demo, lk_settings, target):
    if target == "resident":
        with DB(lk_demo) as platform:
            create_user(platform, "resident", NEW_PASSWORD, email="resident@old.example",
                        home_organisation="vodokanal")
    old = user_state(lk_demo, target)[0]
    admin = browser_as(lk_demo, "admin.vodokanal")
    url = "/o/vodokanal/@@users/" + target
    page = edit_email(admin, url, "New@Mail.example").follow()
    assert "new@mail.example" in page.text and "после подтверждения" not in page.text
    assert user_state(lk_demo, target) == (old, "new@mail.example")
    # a confirmation link to the new address, a notice to the old one
    (to_new, subject, body), (to_old, notice_subject, notice) = sorted(
        letters(lk_settings), key=lambda letter: letter[0] != "new@mail.example")
    assert to_new == "new@mail.example" and subject == "Подтвердите адрес эл. почты" and "24 ч" in body
    assert to_old == old and notice_subject == "Смена адреса эл. почты" and "new@mail.example" in notice
    assert "confirm-email" not in notice
    token = re.search(r"token=([\w-]+)", body).group(1)
    with DB(lk_demo) as platform:
        user = platform.users[target]
        assert token not in repr(user.__getstate__()) and user.pending_email_digest   # the digest, not the token
    # the person's page shows the pending address
    pending = admin.get(url).html.find(id="pending-email")
    assert pending is not None and "new@mail.example" in pending.text and "ждёт подтверждения" in pending.text
    # resets still go to the old address: /forgot by login, /forgot by the new address, staff's link
    anon = Browser(lk_demo)
    anon.post_csrf("/forgot", {"login": target})
    anon.post_csrf("/forgot", {"login": "new@mail.example"})
    admin.post_csrf(url + "/reset")
    recipients = sorted(to for to, _s, _b in letters(lk_settings))
    assert recipients == sorted([old, old, old, "new@mail.example"])   # the notice and two resets
    # confirming makes the new address the one in use
    link = confirm_link(body)
    form = confirm_form(anon.get(link))
    assert form.submit().status_int == 303
    assert user_state(lk_demo, target) == ("new@mail.example", "")
    anon.post_csrf("/forgot", {"login": "new@mail.example"})
    assert sorted(s for to, s, _b in letters(lk_settings) if to == "new@mail.example") == [
        "Восстановление пароля", "Подтвердите адрес эл. почты"]
    actions = [(a[1], a[3]) for a in user_actions(lk_demo, "vodokanal")]
    assert ("user.email-confirm", (("email", old, "new@mail.example"),)) in actions
    assert ("user.email-change", (("pending_email", "", "new@mail.example"),)) in actions


def test_operator_changes_go_through_confirmation_too(lk_demo, lk_settings):
    operator = browser_as(lk_demo, "operator")
    edit_email(operator, "/users/@@admin/admin.ukdom", "admin@new.example")
    assert user_state(lk_demo, "admin.ukdom") == ("admin@uk.example", "admin@new.example")
    link = confirm_link(letter_to(lk_settings, "admin@new.example"))
    assert link.startswith("/confirm-email?")
    confirm_form(Browser(lk_demo).get(link)).submit(status=303)
    assert user_state(lk_demo, "admin.ukdom") == ("admin@new.example", "")


def test_confirmation_link_works_once(lk_demo, lk_settings):
    admin = browser_as(lk_demo, "admin.vodokanal")
    edit_email(admin, "/o/vodokanal/@@users/clerk.vodokanal", "clerk@new.example")
    link = confirm_link(letter_to(lk_settings, "clerk@new.example"))
    anon = Browser(lk_demo)
    form = confirm_form(anon.get(link))
    # opening it changes nothing (mail scanners fetch links)
    assert user_state(lk_demo, "clerk.vodokanal") == ("clerk@vodokanal.example", "clerk@new.example")
    form.submit(status=303)
    assert user_state(lk_demo, "clerk.vodokanal") == ("clerk@new.example", "")
    assert confirm_form(anon.get(link, status=400)) is None
    form.submit(status=400)
    # a later change makes a new link; the used one stays dead
    edit_email(admin, "/o/vodokanal/@@users/clerk.vodokanal", "clerk@newer.example")
    assert "недействительна" in anon.post_csrf(link.split("?")[0], dict(
        re.findall(r"(login|token)=([^&\s]+)", link)), status=400).text
    assert user_state(lk_demo, "clerk.vodokanal") == ("clerk@new.example", "clerk@newer.example")


def test_wrong_token_is_refused(lk_demo, lk_settings):
    admin = browser_as(lk_demo, "admin.vodokanal")
    edit_email(admin, "/o/vodokanal/@@users/clerk.vodokanal", "clerk@new.example")
    link = confirm_link(letter_to(lk_settings, "clerk@new.example"))
    anon = Browser(lk_demo)
    login, token = re.search(r"login=([^&]+)&(?:amp;)?token=([\w-]+)", link).groups()
    for params in ({"login": login, "token": token[:-2] + "xx"}, {"login": login, "token": ""},
                   {"login": "petrova", "token": token}, {"login": login}):
        page = anon.get("/o/vodokanal/confirm-email", params, status=400)
        assert "недействительна" in page.text
        anon.post_csrf("/o/vodokanal/confirm-email", params, status=400)
    assert user_state(lk_demo, "clerk.vodokanal") == ("clerk@vodokanal.example", "clerk@new.example")


def test_confirmation_link_expires(lk_demo, lk_settings):
    admin = browser_as(lk_demo, "admin.vodokanal")
    edit_email(admin, "/o/vodokanal/@@users/clerk.vodokanal", "clerk@new.example")
    link = confirm_link(letter_to(lk_settings, "clerk@new.example"))
    anon = Browser(lk_demo)
    form = confirm_form(anon.get(link))
    with time_machine.travel(time.time() + EMAIL_CONFIRM_LIFETIME + 60):
        form.submit(status=400)
        assert confirm_form(anon.get(link, status=400)) is None
        page = browser_as(lk_demo, "admin.vodokanal").get("/o/vodokanal/@@users/clerk.vodokanal")
        assert "ссылка устарела" in page.html.find(id="pending-email").text
    assert user_state(lk_demo, "clerk.vodokanal") == ("clerk@vodokanal.example", "clerk@new.example")


def test_pending_change_can_be_cancelled(lk_demo, lk_settings):
    admin = browser_as(lk_demo, "admin.vodokanal")
    edit_email(admin, "/o/vodokanal/@@users/clerk.vodokanal", "clerk@new.example")
    link = confirm_link(letter_to(lk_settings, "clerk@new.example"))
    admin.post_csrf("/o/vodokanal/@@users/clerk.vodokanal/cancel-email", status=303)
    assert user_state(lk_demo, "clerk.vodokanal") == ("clerk@vodokanal.example", "")
    assert admin.get("/o/vodokanal/@@users/clerk.vodokanal").html.find(id="pending-email") is None
    Browser(lk_demo).get(link, status=400)
