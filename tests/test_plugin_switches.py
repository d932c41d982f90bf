"""Plugins switched per organisation by the operator, and data of plugins
that are not installed any more.

Switching a plugin off hides everything of it for that organisation only
(views answer 404, menus, widgets and admin types are gone) while its data
stays; switching it on again brings all of it back. A plugin that is
uninstalled — its classes cannot even be imported, so ZODB hands out
``Broken`` placeholders — leaves pages working and its data shown as
unavailable, and comes back intact when it is installed again.
"""
from __future__ import annotations

import importlib
import sys
import textwrap
import uuid

import pytest
from lxml import html
from ZODB.broken import Broken

from lk_platform import corehooks
from lk_platform.app import make_app
from lk_platform.demo import load_demo
from lk_platform.testing import DB, Browser

VK = "/o/vodokanal/"
UK = "/o/uk-dom/"


def logged_in(app, login, host="localhost"):
    browser = Browser(app, host=host)
    response = browser.login(login)
    assert response.status_int == 303, response.text[:500]
    return browser


def add_question(browser, base, question, answer):
    form = browser.get(base + "faq/@@add").forms["lkform"]
    form["question"] = question
    form["answer"] = answer
    assert form.submit("save").status_int == 302


def switch(operator, slug, **wanted):
    form = operator.get("/o/%s/@@plugins" % slug).forms["lkform"]
    for name, on in wanted.items():
        form[name] = on
    return form.submit("save")


def links(page):
    return {a.get("href").replace("http://localhost", "") for a in html.fromstring(page.text).xpath("//a[@href]")}


def widget_titles(page, org_title):
    tree = html.fromstring(page.text)
    groups = [g for g in tree.xpath("//section[contains(@class,'org-group')]") if g.xpath("h2")[0].text == org_title]
    assert groups, org_title
    return [h.text for h in groups[0].xpath(".//section[contains(@class,'widget')]/h3")]


def figures(page, number):
    """The summary figures shown on the card of account ``number``."""
    card = [a for a in page.html.find_all("article", class_="account-card") if "№ " + number in a.h3.text][0]
    return [dt.text for dt in card.find_all("dt")]


def test_switching_faq_off_hides_it_for_that_organisation_only_and_keeps_its_data(lk_demo):
    vk_admin = logged_in(lk_demo, "admin.vodokanal")
    uk_admin = logged_in(lk_demo, "admin.ukdom")
    add_question(vk_admin, VK, "Как передать показания?", "В личном кабинете до 25 числа.")
    add_question(uk_admin, UK, "Когда приходит квитанция?", "До 5 числа.")
    resident = logged_in(lk_demo, "ivanov")
    anonymous = Browser(lk_demo)
    assert "Как передать показания?" in anonymous.get(VK + "faq-page").text
    assert "Частые вопросы" in widget_titles(resident.get("/cabinet"), "Водоканал-Сервис")

    operator = logged_in(lk_demo, "operator")
    page = operator.get(VK + "@@plugins")
    label = html.fromstring(page.text).xpath("//input[@name='faq']/ancestor::div[contains(@class,'mb-3')][1]")[0]
    assert "Вопросы и ответы" in label.text_content() and "Пример модуля" in label.text_content()
    assert page.forms["lkform"]["faq"].checked
    response = switch(operator, "vodokanal", faq=False)
    assert response.status_int == 302 and "Сохранено" in response.follow().text

    # vodokanal: every trace of faq is gone ...
    anonymous.get(VK + "faq-page", status=404)
    vk_admin.get(VK + "faq/@@admin", status=404)
    vk_admin.get(VK + "faq/@@add", status=404)
    vk_admin.get(VK + "faq/1/@@edit", status=404)
    vk_admin.get(VK + "faq/@@export.csv", status=404)
    assert VK + "faq/@@admin" not in links(vk_admin.get(VK + "@@admin"))
    assert VK + "faq-page" not in links(resident.get(VK + "cabinet"))
    cabinet = resident.get("/cabinet")
    assert "Частые вопросы" not in widget_titles(cabinet, "Водоканал-Сервис")
    assert "модуль недоступен" not in vk_admin.get(VK + "@@admin").text   # switched off, not missing
    # ... while uk-dom keeps all of it
    assert "Когда приходит квитанция?" in anonymous.get(UK + "faq-page").text
    assert UK + "faq/@@admin" in links(uk_admin.get(UK + "@@admin"))
    assert UK + "faq-page" in links(resident.get(UK + "cabinet"))
    assert "Частые вопросы" in widget_titles(cabinet, "УК «Наш дом»")

    with DB(lk_demo) as platform:
        vk = platform.organisations["vodokanal"]
        assert "faq" not in vk.enabled_plugins
        assert [q.question for q in vk["faq"].values()] == ["Как передать показания?"]   # data stays
        entry = vk.audit.page(limit=1)[0]
        assert entry.action == "edit:plugins" and entry.who == "operator"
        assert entry.changes == (("faq", "включён", "выключен"),)

    # switching it on again brings everything back, data included
    switch(operator, "vodokanal", faq=True)
    assert "Как передать показания?" in anonymous.get(VK + "faq-page").text
    assert VK + "faq/@@admin" in links(vk_admin.get(VK + "@@admin"))
    assert "Как передать показания?" in vk_admin.get(VK + "faq/@@admin").text
    assert "Частые вопросы" in widget_titles(resident.get("/cabinet"), "Водоканал-Сервис")


def test_a_plugin_that_is_not_installed_is_shown_and_kept(lk_demo):
    with DB(lk_demo) as platform:
        vk = platform.organisations["vodokanal"]
        vk.enabled_plugins = tuple(sorted(vk.enabled_plugins + ("meters-legacy",)))
    operator = logged_in(lk_demo, "operator")
    page = operator.get(VK + "@@plugins")
    item = html.fromstring(page.text).xpath("//label[normalize-space()='meters-legacy']/..")[0]
    assert "не установлен (данные сохранены)" in html.tostring(item, encoding="unicode")
    switch(operator, "vodokanal", faq=False)
    with DB(lk_demo) as platform:
        enabled = platform.organisations["vodokanal"].enabled_plugins
        assert "meters-legacy" in enabled and "faq" not in enabled
    home = logged_in(lk_demo, "admin.vodokanal").get(VK + "@@admin")
    assert "meters-legacy" in home.html.find(id="unavailable").text
    # the missing plugin does not break the organisation's pages
    assert Browser(lk_demo).get(VK).status_int == 200
    assert logged_in(lk_demo, "ivanov").get("/cabinet").status_int == 200


def test_excluded_plugin_leaves_its_data_unavailable_but_pages_work(lk_settings):
    app = make_app(dict(lk_settings))
    try:
        with DB(app) as platform:
            load_demo(platform, app.registry)
        add_question(logged_in(app, "admin.vodokanal"), VK, "Вопрос до удаления модуля?", "Ответ.")
    finally:
        app.registry.lk.database.close()

    app = make_app(dict(lk_settings, **{"lk.plugins.exclude": "faq"}))
    try:
        assert "faq" not in app.registry.lk.plugins.info
        admin = logged_in(app, "admin.vodokanal")
        home = admin.get(VK + "@@admin")
        rows = [[td.text_content().strip() for td in tr.xpath("td")]
                for tr in html.fromstring(home.text).xpath("//section[@id='unavailable']//tbody/tr")]
        assert ["faq", "1", "модуль недоступен"] in rows
        assert ["faq", "—", "модуль не установлен (данные сохранены)"] in rows
        admin.get(VK + "faq/@@admin", status=404)
        Browser(app).get(VK + "faq-page", status=404)
        assert admin.get(VK + "@@settings").status_int == 200
        assert logged_in(app, "ivanov").get("/cabinet").status_int == 200
        assert "не установлен (данные сохранены)" in logged_in(app, "operator").get(VK + "@@plugins").text
    finally:
        app.registry.lk.database.close()


NOTES_PLUGIN = '''
"""A throw-away plugin whose module the test removes to uninstall it."""
import colander
import lk_platform
from lk_platform.model.content import Content
from lk_platform.plugins.declarations import ContentType, MenuItem, PluginInfo, Widget


class {cls}(Content):
    type_name = "tmp_note"
    searchable_fields = ("text",)
    text = ""


class NoteSchema(colander.Schema):
    text = colander.SchemaNode(colander.String(), title="Текст заметки")


@lk_platform.hookimpl
def lk_plugin_info():
    return PluginInfo(title="Заметки")


@lk_platform.hookimpl
def lk_content_types():
    return [ContentType(name="tmp_note", title="Заметка", title_plural="Заметки", factory={cls},
                        schema=NoteSchema, container="tmpnotes", columns=("text",), searchable=("text",))]


@lk_platform.hookimpl
def lk_admin_menu(request, organisation):
    return [MenuItem("Заметки", "tmpnotes/@@admin", 85)]


@lk_platform.hookimpl
def lk_account_summary(request, organisation, account):
    return {{"Заметок": len([note.text for note in organisation["tmpnotes"].values()])}}   # fails on Broken


@lk_platform.hookimpl
def lk_dashboard_widgets(request, organisation, accounts):
    # the notes themselves go to the template, which fails on Broken ones
    return [Widget("Заметки", __name__ + ":widget.pt", {{"notes": list(organisation["tmpnotes"].values())}},
                   order=1)]


@lk_platform.hookimpl
def lk_public_sections(request, organisation):
    return [Widget("Заметки для всех", __name__ + ":widget.pt", {{"notes": list(organisation["tmpnotes"].values())}})]
'''

WIDGET = '''<metal:w define-macro="widget"><p tal:repeat="n data['notes']" class="note">${n.text}</p></metal:w>'''


class TempPlugin:
    """A plugin module in a folder on sys.path, which can be uninstalled
    (module and folder gone, so its classes cannot be imported) and put back."""

    def __init__(self, folder):
        self.name = "lk_tmpnotes_%s" % uuid.uuid4().hex[:8]
        self.folder = str(folder)
        self.write("Note")

    def write(self, cls):
        with open("%s/%s.py" % (self.folder, self.name), "w", encoding="utf-8") as f:
            f.write(textwrap.dedent(NOTES_PLUGIN).format(cls=cls))
        with open("%s/widget.pt" % self.folder, "w", encoding="utf-8") as f:
            f.write(WIDGET)

    def install(self):
        if self.folder not in sys.path:
            sys.path.insert(0, self.folder)
        importlib.invalidate_caches()

    def uninstall(self):
        sys.modules.pop(self.name, None)
        while self.folder in sys.path:
            sys.path.remove(self.folder)
        importlib.invalidate_caches()

    @property
    def settings(self):
        return {"lk.plugins.extra": "tmpnotes=%s" % self.name}


@pytest.fixture
def temp_plugin(tmp_path):
    folder = tmp_path / "site"
    folder.mkdir()
    plugin = TempPlugin(folder)
    yield plugin
    plugin.uninstall()


def open_app(settings):
    return make_app(dict(settings))


def close(app):
    app.registry.lk.database.close()


def test_uninstalled_plugin_objects_are_broken_but_pages_render_and_reinstall_restores(lk_settings, temp_plugin):
    temp_plugin.install()
    app = open_app(dict(lk_settings, **temp_plugin.settings))
    try:
        with DB(app) as platform:
            load_demo(platform, app.registry)
            assert "tmpnotes" in platform.organisations["vodokanal"].enabled_plugins
        admin = logged_in(app, "admin.vodokanal")
        for text in ("Первая заметка", "Вторая заметка"):
            form = admin.get(VK + "tmpnotes/@@add").forms["lkform"]
            form["text"] = text
            assert form.submit("save").status_int == 302
        cabinet = logged_in(app, "ivanov").get("/cabinet")
        assert "Заметки" in widget_titles(cabinet, "Водоканал-Сервис")
        assert [p.text for p in cabinet.html.find_all("p", class_="note")][:2] == ["Первая заметка", "Вторая заметка"]
        assert "Заметок" in figures(cabinet, "1000001")
        public = Browser(app).get(VK)
        assert [p.text for p in public.html.find_all("p", class_="note")] == ["Первая заметка", "Вторая заметка"]
    finally:
        close(app)

    # uninstalled: the module is gone, its class cannot be imported
    temp_plugin.uninstall()
    with pytest.raises(ImportError):
        importlib.import_module(temp_plugin.name)
    app = open_app(lk_settings)
    try:
        with DB(app) as platform:
            folder = platform.organisations["vodokanal"]["tmpnotes"]
            notes = list(folder.values())
            assert len(notes) == 2 and all(isinstance(n, Broken) for n in notes)
        admin = logged_in(app, "admin.vodokanal")
        home = admin.get(VK + "@@admin")
        rows = [[td.text_content().strip() for td in tr.xpath("td")]
                for tr in html.fromstring(home.text).xpath("//section[@id='unavailable']//tbody/tr")]
        assert ["tmpnotes", "2", "модуль недоступен"] in rows
        assert VK + "tmpnotes/@@admin" not in links(home)
        admin.get(VK + "tmpnotes/@@admin", status=404)
        admin.get(VK + "tmpnotes/1/@@admin", status=404)
        admin.get(VK + "tmpnotes/1", status=404)
        for path in (VK + "@@settings", VK + "accounts/@@admin", VK + "faq/@@admin"):
            assert admin.get(path).status_int == 200, path
        assert Browser(app).get(VK).status_int == 200
        resident = logged_in(app, "ivanov")
        assert resident.get("/cabinet").status_int == 200 and resident.get(VK + "cabinet").status_int == 200

        # the operator sees it as not installed, and saving the switches keeps it
        operator = logged_in(app, "operator")
        assert "не установлен (данные сохранены)" in operator.get(VK + "@@plugins").text
        switch(operator, "vodokanal", faq=False)
        assert operator.get("/o/@@admin").status_int == 200
        with DB(app) as platform:
            assert "tmpnotes" in platform.organisations["vodokanal"].enabled_plugins
    finally:
        close(app)

    # a new version of the plugin that dropped the class: the type is known
    # again but its stored objects are not, and the generic admin copes
    temp_plugin.write("RenamedNote")
    temp_plugin.install()
    app = open_app(dict(lk_settings, **temp_plugin.settings))
    try:
        admin = logged_in(app, "admin.vodokanal")
        listing = admin.get(VK + "tmpnotes/@@admin")
        assert listing.html.find(id="total").text == "2"
        assert listing.text.count("объект недоступен") == 2
        export = admin.get(VK + "tmpnotes/@@export.csv")
        rows = [line.split(";")[0] for line in export.body.decode("utf-8-sig").splitlines()[1:]]
        assert rows == ["1", "2"]          # the ids stay; the values are unavailable
        admin.get(VK + "tmpnotes/1/@@admin", status=404)
        # the plugin's widget fails on them: the dashboard leaves out only that part
        cabinet = logged_in(app, "ivanov").get("/cabinet")
        group = [g for g in cabinet.html.find_all("section", class_="org-group")
                 if g.h2.text == "Водоканал-Сервис"][0]
        assert "Часть сведений сейчас недоступна" in group.text
        titles = widget_titles(cabinet, "Водоканал-Сервис")
        assert titles and "Заметки" not in titles      # the other plugins' widgets stay
        assert not cabinet.html.find_all("p", class_="note")
        assert "Заметок" not in figures(cabinet, "1000001")
        public = Browser(app).get(VK)
        assert public.html.find("h1").text == "Водоканал-Сервис" and not public.html.find_all("p", class_="note")
        assert "Часть сведений" not in [g for g in cabinet.html.find_all("section", class_="org-group")
                                        if g.h2.text == "УК «Наш дом»"][0].text
    finally:
        close(app)
        temp_plugin.uninstall()

    # re-installed as it was: everything is back, intact
    temp_plugin.write("Note")
    temp_plugin.install()
    app = open_app(dict(lk_settings, **temp_plugin.settings))
    try:
        admin = logged_in(app, "admin.vodokanal")
        home = admin.get(VK + "@@admin")
        assert "модуль недоступен" not in home.text
        assert VK + "tmpnotes/@@admin" in links(home)
        listing = admin.get(VK + "tmpnotes/@@admin")
        assert "Первая заметка" in listing.text and "Вторая заметка" in listing.text
        assert admin.get(VK + "tmpnotes/1/@@admin").status_int == 200
        with DB(app) as platform:
            note = platform.organisations["vodokanal"]["tmpnotes"]["1"]
            assert type(note).__name__ == "Note" and note.text == "Первая заметка"
            _total, found = platform.organisations["vodokanal"]["tmpnotes"].query(search="вторая")
            assert [n.text for n in found] == ["Вторая заметка"]
        cabinet = logged_in(app, "ivanov").get("/cabinet")
        assert "Часть сведений" not in cabinet.text and "Заметки" in widget_titles(cabinet, "Водоканал-Сервис")
    finally:
        close(app)


# --- declaration hooks: each plugin's implementation called separately --------------------

def test_declaration_hooks_are_answered_per_plugin_and_cannot_be_wrapped():
    import lk_platform
    from lk_platform.plugins.declarations import PluginInfo, Role
    from lk_platform.plugins.manager import Plugins

    class Described:
        @lk_platform.hookimpl
        def lk_plugin_info(self):
            return PluginInfo(title="Описанный")

        @lk_platform.hookimpl
        def lk_roles(self):
            return [Role("described_clerk", "Специалист", ("admin.view",))]

    class Silent:
        def lk_plugin_info(self):   # not a hook implementation: no @hookimpl
            return PluginInfo(title="Не должно попасть")

    class Wrapping:
        @lk_platform.hookimpl(wrapper=True)
        def lk_roles(self):
            return (yield)

    plugins = Plugins.load(corehooks, entry_points=False, extra=[("described", Described()), ("silent", Silent())])
    # every plugin answers for itself (no firstresult): each keeps its own info
    assert plugins.info["described"].title == "Описанный" and plugins.info["silent"].title == "silent"
    assert [(name, [r.name for r in roles]) for name, roles in plugins.per_plugin("lk_roles")
            if name != "core"] == [("described", ["described_clerk"])]
    wrapped = Plugins.load(corehooks, entry_points=False, extra=[("described", Described()), ("wrapping", Wrapping())])
    with pytest.raises(TypeError, match="'wrapping': lk_roles is called on each plugin separately"):
        list(wrapped.per_plugin("lk_roles"))
