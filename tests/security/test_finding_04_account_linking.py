"""Security finding 4 (issue #9) stays fixed:

    **Support can link any account to themselves** and then act as that
    resident (readings, appeals, receipts). Staff may not link accounts to
    their own user, nor to another staff member's (anyone holding a staff role
    anywhere, or the operator); linking is audited with who and why: the link
    form asks for a reason (required, shown in the audit log entry with the
    account and the user).
"""
from __future__ import annotations

import re

import pytest

from lk_platform.model.users import create_user, grant_role
from lk_platform.testing import DB, Browser

NEW_PASSWORD = "Zelenaya-vetka-1987"
REASON = "Заявление жителя от 01.03, паспорт проверен"


@pytest.fixture
def lk_demo(lk_demo_copy):
    return lk_demo_copy


def browser_as(app, login):
    b = Browser(app)
    assert b.login(login).status_int == 303
    return b


@pytest.fixture
def support(lk_demo):
    return browser_as(lk_demo, "support.ukdom")


def errors(page):
    return re.findall(r'class="alert alert-danger" role="alert">([^<]*)<', page.text)


def holders(app, slug, number):
    with DB(app) as platform:
        return platform.organisations[slug]["accounts"][number].holders


def accounts_of(app, login):
    with DB(app) as platform:
        return platform.users[login].accounts


def link_entries(app, slug):
    with DB(app) as platform:
        return [e for e in platform.organisations[slug].audit.page(limit=1000) if e.action == "user.link"]


def test_staff_cannot_link_an_account_to_their_own_login(lk_demo, support):
    before = accounts_of(lk_demo, "support.ukdom")
    page = support.get("/o/uk-dom/@@users/support.ukdom")
    assert page.html.find(id="link-refusal") is not None and 'id="link-number"' not in page.text
    response = support.post_csrf("/o/uk-dom/@@users/support.ukdom/link", {"number": "2000002", "reason": REASON},
                                 status=400)
    assert errors(response) == ["Нельзя привязать лицевой счёт к своей собственной учётной записи. Если вы сами "
                                "житель, войдите под отдельной учётной записью жителя; привязку делает другой "
                                "сотрудник."]
    assert accounts_of(lk_demo, "support.ukdom") == before
    assert "support.ukdom" not in holders(lk_demo, "uk-dom", "2000002")
    assert link_entries(lk_demo, "uk-dom") == []
    # so support cannot act as the account's resident
    support.get("/o/uk-dom/accounts/2000002/", status=403)


@pytest.mark.parametrize("target", ["admin.ukdom", "helper.ukdom", "ivanov-clerk-elsewhere"])
def test_staff_cannot_link_an_account_to_another_staff_member(lk_demo, support, target):
    if target == "helper.ukdom":
        with DB(lk_demo) as platform:
            user = create_user(platform, target, NEW_PASSWORD, home_organisation="uk-dom")
            grant_role(platform.organisations["uk-dom"], user, "support", lk_demo.registry)
    elif target == "ivanov-clerk-elsewhere":
        # a resident of uk-dom who is staff of another organisation
        target = "ivanov"
        with DB(lk_demo) as platform:
            grant_role(platform.organisations["vodokanal"], platform.users["ivanov"], "accounts_clerk",
                       lk_demo.registry)
    before = accounts_of(lk_demo, target)
    response = support.post_csrf("/o/uk-dom/@@users/%s/link" % target, {"number": "2000002", "reason": REASON},
                                 status=400)
    assert "учётная запись сотрудника или оператора" in " ".join(errors(response))
    assert accounts_of(lk_demo, target) == before
    assert holders(lk_demo, "uk-dom", "2000002") == ()
    assert link_entries(lk_demo, "uk-dom") == []


def test_nobody_links_an_account_to_the_operator(lk_demo):
    operator = browser_as(lk_demo, "operator")
    response = operator.post_csrf("/users/@@admin/operator/link",
                                  {"organisation": "uk-dom", "number": "2000002", "reason": REASON}, status=400)
    assert "Нельзя привязать лицевой счёт к своей собственной учётной записи" in errors(response)[0]
    admin = browser_as(lk_demo, "admin.vodokanal")
    response = admin.post_csrf("/users/@@admin/admin.ukdom/link",
                               {"organisation": "uk-dom", "number": "2000002", "reason": REASON}, status=403)
    assert holders(lk_demo, "uk-dom", "2000002") == ()


def test_a_new_staff_member_is_created_without_accounts(lk_demo, support):
    response = support.post_csrf("/o/uk-dom/@@add-user", {
        "login": "newbie", "email": "newbie@mail.example", "password_mode": "link", "role": "support",
        "account": "2000002", "reason": REASON, "locale": "ru", "__formid__": "lkform", "save": "save"}, status=400)
    assert "учётная запись сотрудника или оператора" in response.text
    with DB(lk_demo) as platform:
        assert "newbie" not in platform.users
    assert holders(lk_demo, "uk-dom", "2000002") == ()


def test_linking_to_a_resident_with_a_reason_is_audited(lk_demo, support):
    response = support.post_csrf("/o/uk-dom/@@users/ivanov/link", {"number": "2000002", "reason": REASON})
    assert response.status_int == 303
    assert ("uk-dom", "2000002") in accounts_of(lk_demo, "ivanov")
    assert "ivanov" in holders(lk_demo, "uk-dom", "2000002")
    (entry,) = link_entries(lk_demo, "uk-dom")
    assert entry.who == "support.ukdom" and entry.target == "/users/ivanov"
    assert entry.changes == (("account", "", "uk-dom/2000002"), ("reason", "", REASON))
    # the audit log page shows who, the user, the account and the reason together
    admin = browser_as(lk_demo, "admin.ukdom")
    row = admin.get("/o/uk-dom/@@audit", {"action": "user.link"}).html.find("tr", class_="audit-entry").text
    for shown in ("support.ukdom", "Иванов Иван Иванович", "/users/ivanov", "uk-dom/2000002", REASON):
        assert shown in row
    # a reason is kept to what the log shows, in one line
    response = support.post_csrf("/o/uk-dom/@@users/ivanov/unlink", {"number": "2000002"})
    support.post_csrf("/o/uk-dom/@@users/ivanov/link", {"number": "2000002", "reason": "  a\r\n" + "б" * 300})
    assert link_entries(lk_demo, "uk-dom")[0].changes[1][2] == "a " + "б" * 198


def test_linking_at_creation_needs_a_reason_too(lk_demo, support):
    values = {"login": "newbie", "email": "newbie@mail.example", "password_mode": "link", "account": "2000002",
              "locale": "ru", "__formid__": "lkform", "save": "save"}
    response = support.post_csrf("/o/uk-dom/@@add-user", values, status=400)
    assert "Укажите причину привязки счёта" in response.text
    assert support.post_csrf("/o/uk-dom/@@add-user", dict(values, reason=REASON)).status_int == 302
    (entry,) = link_entries(lk_demo, "uk-dom")
    assert entry.who == "support.ukdom" and entry.changes[1] == ("reason", "", REASON)


@pytest.mark.parametrize("language, message", [
    ("ru", "Укажите причину привязки счёта (например, заявление жителя и его дата)."),
    ("en", "Give the reason for linking the account (e.g. the resident's application and its date)."),
])
def test_a_missing_reason_is_refused_in_the_users_language(lk_demo, support, language, message):
    support.post_csrf("/language", {"language": language, "next": "/login"})
    for reason in (None, "   "):
        params = {"number": "2000002"} if reason is None else {"number": "2000002", "reason": reason}
        response = support.post_csrf("/o/uk-dom/@@users/ivanov/link", params, status=400)
        assert [e.replace("&#39;", "'") for e in errors(response)] == [message]
    assert ("uk-dom", "2000002") not in accounts_of(lk_demo, "ivanov")
    assert holders(lk_demo, "uk-dom", "2000002") == ()
    assert link_entries(lk_demo, "uk-dom") == []
