"""Finding 1 (issue #9, security hardening):

    **Reset and welcome links take their host from the request.** `/forgot`
    with `Host: evil.example` mails `http://evil.example/reset?token=…`;
    staff "reset" and "welcome" links likewise. […] Build every link that
    leaves the site (mail, SMS later, exports, plugin e-mails […]) from the
    configured public URL of the platform (`lk.public_url`) or of the
    organisation's mapped host […], never from the request. […] Refuse
    unknown hosts: an allow-list derived from the organisations' host names
    and the public URL's host (plus `lk.allowed_hosts`) […], answering 400
    with a short page for any other Host, before any view runs.

The app here is public at ``https://lk.example`` and also answers for the
extra names ``localhost`` and ``alias.example`` (``lk.allowed_hosts``): a
request on an allowed name that is not the public one shows that the links
no longer follow the request's ``Host``; a forged name is refused outright.
"""
from __future__ import annotations

import email
import email.header
import re

import pytest

from lk_platform.testing import DB, Browser, mail_files, make_settings

PUBLIC = "https://lk.example"
ORG_HOST = "kabinet.vodokanal.example"
NEW_PASSWORD = "Kv4#pQ8!zLm2Xr"


@pytest.fixture
def lk_settings(tmp_path):
    return make_settings(tmp_path, **{"lk.public_url": PUBLIC + "/", "lk.allowed_hosts": "localhost, alias.example"})


lk_demo = pytest.fixture(lambda lk_demo_copy: lk_demo_copy)


def mails(app, since=0):
    out = []
    for path in mail_files(app.registry.settings)[since:]:
        with open(path, "rb") as f:
            message = email.message_from_binary_file(f)
        subject = str(email.header.make_header(email.header.decode_header(message["Subject"])))
        part = message.get_body(("plain",)) if message.is_multipart() else message
        body = part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
        out.append((message["To"], subject, body))
    return out


def links(text):
    return re.findall(r"https?://[^\s\"<>]+", text)


def map_host(app, slug="vodokanal", host=ORG_HOST):
    with DB(app) as platform:
        platform.hosts[host] = slug
        platform.organisations[slug].hosts = (host,)


def logged_in(app, login, host="localhost", password=None):
    browser = Browser(app, host=host)
    assert browser.login(login, password).status_int == 303
    return browser


def use_reset_link(app, url, host):
    """The mailed link works where it points: it sets a new password."""
    path = url.split(host, 1)[1]
    page = Browser(app, host=host).get(path)
    form = [f for f in page.forms.values() if "confirm" in f.fields][0]
    form["password"] = form["confirm"] = NEW_PASSWORD
    assert form.submit().status_int == 302


# --- unknown hosts are refused before any view ----------------------------------------

@pytest.mark.parametrize("path", ["/", "/login", "/forgot", "/o/vodokanal/", "/o/vodokanal/forgot", "/health",
                                  "/static/theme/default/static/lk.css", "/static/deform/css/form.css",
                                  "/no-such-page"])
def test_an_unknown_host_gets_400_with_a_short_page(lk_demo, path):
    answer = Browser(lk_demo, host="evil.example").get(path, status=400)
    assert "evil.example" not in answer.text
    assert len(answer.text) < 400 and "<h1>400</h1>" in answer.text


def test_a_forged_host_cannot_ask_for_a_reset_mail(lk_demo):
    before = len(mail_files(lk_demo.registry.settings))
    evil = Browser(lk_demo, host="evil.example:80")
    page = evil.get("/login", status="*")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    data = {"login": "ivanov", "csrf_token": token.group(1) if token else ""}
    assert evil.post("/forgot", data, status="*").status_int == 400
    assert evil.post("/o/vodokanal/forgot", data, status="*").status_int == 400
    assert len(mail_files(lk_demo.registry.settings)) == before


def test_known_hosts_are_served(lk_demo):
    map_host(lk_demo)
    for host in ("lk.example", "LK.example.:443", "localhost", "alias.example:8080", ORG_HOST):
        assert Browser(lk_demo, host=host).get("/login").status_int == 200, host
    # the organisation's own site: its root, its login, its residents
    site = Browser(lk_demo, host=ORG_HOST)
    assert site.get("/").html.find("h1").text == "Водоканал-Сервис"
    assert logged_in(lk_demo, "ivanov", host=ORG_HOST).get("/accounts/1000001/").status_int == 200
    # a host released by the operator is refused again
    with DB(lk_demo) as platform:
        del platform.hosts[ORG_HOST]
        platform.organisations["vodokanal"].hosts = ()
    Browser(lk_demo, host=ORG_HOST).get("/", status=400)


# --- links in mail: the public URL or the organisation's host ---------------------------

def test_forgot_mails_a_link_on_the_public_url(lk_demo):
    before = len(mail_files(lk_demo.registry.settings))
    Browser(lk_demo, host="alias.example").post_csrf("/forgot", {"login": "ivanov"})
    Browser(lk_demo, host="alias.example").post_csrf("/o/vodokanal/forgot", {"login": "petrova"})
    sent = mails(lk_demo, before)
    assert [to for to, _s, _b in sent] == ["ivanov@mail.example", "petrova@mail.example"]
    ivanov, petrova = (links(body) for _to, _s, body in sent)
    assert len(ivanov) == 1 and ivanov[0].startswith(PUBLIC + "/reset?token=")
    assert len(petrova) == 1 and petrova[0].startswith(PUBLIC + "/o/vodokanal/reset?token=")
    use_reset_link(lk_demo, ivanov[0], "lk.example")
    assert Browser(lk_demo).login("ivanov", NEW_PASSWORD).status_int == 303


def test_forgot_on_an_organisations_own_host_mails_a_link_on_that_host(lk_demo):
    map_host(lk_demo)
    before = len(mail_files(lk_demo.registry.settings))
    Browser(lk_demo, host=ORG_HOST).post_csrf("/forgot", {"login": "ivanov"})
    # reached through the platform's address, the organisation still links to its own site
    Browser(lk_demo, host="alias.example").post_csrf("/o/vodokanal/forgot", {"login": "petrova"})
    (ivanov,), (petrova,) = (links(body) for _to, _s, body in mails(lk_demo, before))
    # the scheme is the public URL's (https), not the request's (http)
    assert ivanov.startswith("https://%s/reset?token=" % ORG_HOST)
    assert petrova.startswith("https://%s/reset?token=" % ORG_HOST)
    use_reset_link(lk_demo, ivanov, ORG_HOST)


def test_staff_reset_and_welcome_links_use_the_public_url(lk_demo):
    admin = logged_in(lk_demo, "admin.vodokanal", host="alias.example")
    before = len(mail_files(lk_demo.registry.settings))
    assert admin.post_csrf("/o/vodokanal/@@users/petrova/reset").status_int == 303
    form = admin.get("/o/vodokanal/@@add-user").forms["lkform"]
    form["login"], form["name"], form["email"] = "newbie", "Новый Житель", "newbie@mail.example"
    form["password_mode"] = "link"
    assert form.submit("save").status_int == 302
    sent = mails(lk_demo, before)
    assert [to for to, _s, _b in sent] == ["petrova@mail.example", "newbie@mail.example"]
    for _to, _subject, body in sent:
        (url,) = links(body)
        assert url.startswith(PUBLIC + "/o/vodokanal/reset?token="), url
    use_reset_link(lk_demo, links(sent[1][2])[0], "lk.example")
    assert Browser(lk_demo).login("newbie", NEW_PASSWORD).status_int == 303

    # the operator's pages (no organisation) link to the platform's own reset page
    operator = logged_in(lk_demo, "operator", host="alias.example")
    before = len(mail_files(lk_demo.registry.settings))
    assert operator.post_csrf("/users/@@admin/ivanov/reset").status_int == 303
    (url,) = links(mails(lk_demo, before)[0][2])
    assert url.startswith(PUBLIC + "/reset?token=")


def test_staff_links_on_an_organisations_host_use_that_host(lk_demo):
    map_host(lk_demo)
    admin = logged_in(lk_demo, "admin.vodokanal", host=ORG_HOST)
    before = len(mail_files(lk_demo.registry.settings))
    assert admin.post_csrf("/@@users/petrova/reset").status_int == 303
    (url,) = links(mails(lk_demo, before)[0][2])
    assert url.startswith("https://%s/reset?token=" % ORG_HOST)


def test_a_plugin_mail_uses_the_public_url_in_and_outside_http(lk_demo):
    """lk-meters' reminders: sent by staff from a page, and by cron."""
    from lk_meters.reminders import remind_all
    admin = logged_in(lk_demo, "admin.vodokanal", host="alias.example")
    before = len(mail_files(lk_demo.registry.settings))
    admin.post_csrf("/o/vodokanal/@@meter-reminders", {"window": "1"}, status=303)
    sent = mails(lk_demo, before)
    assert sent
    for _to, _subject, body in sent:
        assert links(body) == [PUBLIC + "/o/vodokanal/readings"], body

    # cron, for an organisation with its own site: links on that site
    map_host(lk_demo, "uk-dom", "dom.example")
    before = len(mail_files(lk_demo.registry.settings))
    remind_all(lk_demo.registry, ["uk-dom", "uk-dom-sever"])
    sent = mails(lk_demo, before)
    found = sorted({url for _to, _s, body in sent for url in links(body)})
    assert found and set(found) <= {"https://dom.example/readings", "https://dom.example/uk-dom-sever/readings"}, found
