"""The operator's pages through the whole stack: the list of organisations
(searchable, paginated from the folder's catalog), a new organisation or
sub-organisation, and host names that make an organisation the site's root
without opening a way into another organisation."""
from __future__ import annotations

import pytest
from lxml import html

from lk_platform.model.organisations import create_organisation
from lk_platform.testing import DB, Browser, make_settings

HOST = "kabinet.vodokanal.example"


@pytest.fixture
def lk_settings(tmp_path):
    # the operator also works on the platform's name lk.example (the platform answers only for its own names)
    return make_settings(tmp_path, **{"lk.allowed_hosts": "lk.example"})


def logged_in(app, login, host="localhost"):
    browser = Browser(app, host=host)
    response = browser.login(login)
    assert response.status_int == 303, response.text[:500]
    return browser


def listed(page):
    return [a.text_content().strip() for a in html.fromstring(page.text).xpath("//table[@id='organisations']//td[1]/a")]


def errors(page):
    return [e.text_content().strip() for e in html.fromstring(page.text).xpath("//*[contains(@class,'invalid-feedback')]")]


def test_organisations_list_is_searchable_and_paginated(lk_demo):
    with DB(lk_demo) as platform:
        for i in range(23):
            create_organisation(platform, lk_demo.registry, "tsg-%02d" % i, "ТСЖ «Берёзка-%02d»" % i)
    operator = logged_in(lk_demo, "operator")
    page = operator.get("/o/@@admin")
    assert page.html.find(id="total").text == "26"
    first = listed(page)
    assert len(first) == 20 and first == sorted(first, key=str.lower)
    second = operator.get("/o/@@admin?page=2")
    assert len(listed(second)) == 6 and not set(listed(second)) & set(first)
    assert len(listed(operator.get("/o/@@admin?size=50"))) == 26

    found = operator.get("/o/@@admin", {"q": "водоканал"})
    assert listed(found) == ["Водоканал-Сервис"]
    row = found.html.find(id="organisations").find("tbody").find("tr")
    assert "Вопросы и ответы" in row.text        # enabled modules are named
    assert listed(operator.get("/o/@@admin", {"q": "6601234565"})) == ["УК «Наш дом»"]
    assert listed(operator.get("/o/@@admin", {"q": "uk-dom-sever"})) == ["УК «Наш дом» — Северный участок"]
    assert listed(operator.get("/o/@@admin", {"q": "берёзка-07"})) == ["ТСЖ «Берёзка-07»"]
    assert listed(operator.get("/o/@@admin", {"q": "ничего такого"})) == []
    assert operator.get("/o/@@admin?page=x&size=100000").status_int == 200   # bad paging is not an error
    assert operator.get("/o/").location == "http://localhost/o/@@admin"

    # a renamed organisation is found by its new name
    form = operator.get("/o/tsg-03/@@settings").forms["lkform"]
    form["title"] = "ЖСК Ромашка"
    form.submit("save")
    assert listed(operator.get("/o/@@admin", {"q": "ромашка"})) == ["ЖСК Ромашка"]

    for login in ("admin.vodokanal", "ivanov"):
        logged_in(lk_demo, login).get("/o/@@admin", status=403)


def test_operator_creates_an_organisation_with_its_modules(lk_demo):
    operator = logged_in(lk_demo, "operator")
    form = operator.get("/o/@@add").forms["lkform"]
    form["slug"] = " Teplo-Set "
    form["title"] = "Теплосеть"
    form["inn"] = "7707083893"
    form["kpp"] = "770701001"
    form["timezone"] = "Asia/Novosibirsk"
    for box in form.fields["checkbox"]:
        box.checked = box._value == "faq"
    response = form.submit("save")
    assert response.status_int == 302 and response.location == "http://localhost/o/teplo-set/@@admin"
    home = response.follow()
    assert "Организация создана" in home.text and "Теплосеть" in home.text

    with DB(lk_demo) as platform:
        org = platform.organisations["teplo-set"]
        assert (org.title, org.inn, org.kpp, org.timezone) == ("Теплосеть", "7707083893", "770701001",
                                                             "Asia/Novosibirsk")
        assert org.enabled_plugins == ("faq",)
        assert {"accounts", "custom_fields", "faq"} <= set(org.container_names())
        assert org.now().utcoffset().total_seconds() == 7 * 3600
        entry = org.audit.page(limit=1)[0]
        assert entry.action == "add:organisation" and entry.who == "operator"
    assert operator.get("/o/teplo-set/faq/@@admin").status_int == 200
    assert "Теплосеть" in Browser(lk_demo).get("/o/teplo-set/").text


def test_sub_organisation_takes_the_parents_brand_and_admins(lk_demo):
    operator = logged_in(lk_demo, "operator")
    form = operator.get("/o/@@add?parent=uk-dom").forms["lkform"]
    assert form["parent"].value == "uk-dom"
    form["slug"] = "uk-dom-yug"
    form["title"] = "УК «Наш дом» — Южный участок"
    form["timezone"] = "Asia/Yekaterinburg"
    response = form.submit("save")
    assert response.location == "http://localhost/o/uk-dom/uk-dom-yug/@@admin"
    with DB(lk_demo) as platform:
        sub = platform.organisations["uk-dom-yug"]
        parent = platform.organisations["uk-dom"]
        assert sub.parent_organisation is parent and "uk-dom-yug" in parent.subs
        assert (sub.theme, sub.primary_color) == (parent.theme, parent.primary_color)
    admin = logged_in(lk_demo, "admin.ukdom")
    assert admin.get("/o/uk-dom/uk-dom-yug/@@settings").status_int == 200
    assert "uk-dom-yug" in admin.get("/o/uk-dom/@@admin").text
    logged_in(lk_demo, "admin.vodokanal").get("/o/uk-dom/uk-dom-yug/@@admin", status=403)


BAD_SLUGS = [
    ("vodokanal", "Адрес «vodokanal» уже занят другой организацией"),
    ("Водоканал", "латинские строчные буквы"),
    ("a", "2–40 знаков"),
    ("bad_slug", "латинские строчные буквы"),
    ("accounts", "«accounts» — служебное имя"),   # a container name: would shadow it under a parent
    ("settings", "«settings» — служебное имя"),   # a view name
    ("login", "«login» — служебное имя"),
    ("faq-page", "«faq-page» — служебное имя"),   # a plugin's view
]


def test_new_organisation_slug_is_validated(lk_demo):
    operator = logged_in(lk_demo, "operator")
    for slug, message in BAD_SLUGS:
        form = operator.get("/o/@@add").forms["lkform"]
        form["slug"] = slug
        form["title"] = "Новая"
        form["parent"] = "uk-dom"
        page = form.submit("save")
        assert page.status_int == 200
        assert any(message in e for e in errors(page)), (slug, errors(page))
    with DB(lk_demo) as platform:
        assert len(platform.organisations) == 3
        assert platform.organisations["uk-dom"].subs == ("uk-dom-sever",)


def test_new_organisation_requisites_are_checked(lk_demo):
    operator = logged_in(lk_demo, "operator")
    form = operator.get("/o/@@add").forms["lkform"]
    form["slug"] = "new-org"
    form["title"] = "Новая"
    form["inn"] = "1234567890"
    form["parent"].force_value("no-such-parent")
    page = form.submit("save")
    found = " ".join(errors(page))
    assert "контрольная цифра" in found and "no-such-parent" in found
    with DB(lk_demo) as platform:
        assert "new-org" not in platform.organisations


# --- host names ------------------------------------------------------------------------

def set_hosts(browser, slug, text):
    form = browser.get("/o/%s/@@hosts" % slug).forms["lkform"]
    form["hosts"] = text
    return form.submit("save")


def test_a_mapped_host_is_the_organisations_root_and_nothing_else(lk_demo):
    operator = logged_in(lk_demo, "operator")
    response = set_hosts(operator, "vodokanal", "Kabinet.Vodokanal.Example\n\nkabinet.vodokanal.example\n")
    assert response.status_int == 302
    with DB(lk_demo) as platform:
        assert dict(platform.hosts) == {HOST: "vodokanal"}
        assert platform.organisations["vodokanal"].hosts == (HOST,)
        assert platform.organisations["vodokanal"].audit.page(limit=1)[0].action == "edit:hosts"

    site = Browser(lk_demo, host=HOST)
    home = site.get("/")
    assert home.html.find("h1").text == "Водоканал-Сервис"
    assert home.html.find("a", class_="brand")["href"] == "http://%s/" % HOST
    assert site.get("/faq-page").status_int == 200

    # staff log in on the organisation's own site and work from its root
    admin = logged_in(lk_demo, "admin.vodokanal", host=HOST)
    assert admin.get("/@@admin").status_int == 200
    accounts = admin.get("/accounts/@@admin")
    assert "http://%s/accounts/1000001/@@admin" % HOST in accounts.text

    # no path leads from here to another organisation or to the operator's pages
    resident = logged_in(lk_demo, "ivanov", host=HOST)
    for browser in (site, admin, resident):
        for path in ("/o/uk-dom/", "/o/uk-dom/@@admin", "/uk-dom/", "/uk-dom/@@settings", "/uk-dom-sever/",
                     "/o/uk-dom/accounts/2000001/", "/uk-dom/accounts/2000001/", "/accounts/2000001/",
                     "/accounts/2000001/@@edit", "/o/@@admin", "/o/vodokanal/", "/../uk-dom/",
                     "/%2E%2E/uk-dom/", "/o/uk-dom/@@logo"):
            status = browser.get(path, expect_errors=True).status_int
            assert status == 404, (path, status)
    # the resident's own account is reachable there
    assert resident.get("/accounts/1000001/").status_int == 200

    # the platform's host still serves everything
    assert operator.get("/o/uk-dom/@@admin").status_int == 200


def test_host_names_are_validated_unique_and_released(lk_demo):
    operator = logged_in(lk_demo, "operator", host="lk.example")
    assert set_hosts(operator, "vodokanal", HOST).status_int == 302

    page = set_hosts(operator, "uk-dom", "dom.example\n" + HOST.upper())
    assert "Строка 2: «%s» уже закреплён за «Водоканал-Сервис»" % HOST in " ".join(errors(page))
    page = set_hosts(operator, "uk-dom", "dom.example\nnot a host\n")
    assert "Строка 2: «not a host» — не имя сайта" in " ".join(errors(page))
    page = set_hosts(operator, "uk-dom", "lk.example")
    assert "адрес самой платформы" in " ".join(errors(page))
    with DB(lk_demo) as platform:
        assert dict(platform.hosts) == {HOST: "vodokanal"}
        assert platform.organisations["uk-dom"].hosts == ()

    assert set_hosts(operator, "uk-dom", "дом.пример.рф").status_int == 302
    with DB(lk_demo) as platform:
        punycode = platform.organisations["uk-dom"].hosts[0]
        assert punycode.startswith("xn--") and platform.hosts[punycode] == "uk-dom"
    assert "УК «Наш дом»" in Browser(lk_demo, host=punycode).get("/").text

    # removing the host from vodokanal frees it for uk-dom
    assert set_hosts(operator, "vodokanal", "").status_int == 302
    assert set_hosts(operator, "uk-dom", HOST + "\n" + punycode).status_int == 302
    with DB(lk_demo) as platform:
        assert dict(platform.hosts) == {HOST: "uk-dom", punycode: "uk-dom"}
    assert "УК «Наш дом»" in Browser(lk_demo, host=HOST).get("/").text


def test_plugin_switches_and_hosts_are_the_operators_alone(lk_demo):
    for login in ("admin.vodokanal", "admin.ukdom", "clerk.vodokanal", "ivanov"):
        browser = logged_in(lk_demo, login)
        for path in ("/o/vodokanal/@@plugins", "/o/vodokanal/@@hosts", "/o/@@add"):
            assert browser.get(path, expect_errors=True).status_int in (403, 404), (login, path)
        csrf = browser.csrf()
        browser.app.post("/o/vodokanal/@@plugins", {"csrf_token": csrf}, status=403)
        browser.app.post("/o/vodokanal/@@hosts", {"csrf_token": csrf, "hosts": "x.example"}, status=403)
        browser.app.post("/o/@@add", {"csrf_token": csrf, "slug": "x", "title": "x"}, status=403)
    with DB(lk_demo) as platform:
        assert "faq" in platform.organisations["vodokanal"].enabled_plugins
        assert len(platform.hosts) == 0 and len(platform.organisations) == 3
