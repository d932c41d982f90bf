"""Brand themes through the whole stack: the demo's uk-dom (and its
sub-organisation) wear the ``harbor`` theme, vodokanal the default one.
A theme's deform overrides reach only its organisations' forms, a theme
missing a template falls back to the default, and each organisation's brand
(name, colours, footer) renders safely."""
from __future__ import annotations

import os
import re
import shutil

import pytest
from lxml import html

from lk_platform.app import make_app
from lk_platform.testing import DB, REPO, Browser, close_app, make_settings
from lk_platform.theming.themes import Themes, brand_colour, readable_on

THEMES = os.path.join(REPO, "themes")


def stylesheets(page):
    return re.findall(r'<link rel="stylesheet" href="([^"]+)"', page.text)


def footer(page):
    return html.fromstring(page.text).xpath("//footer")[0]


def test_harbor_pages_use_harbor_css_layout_and_contacts(demo_browser):
    uk = demo_browser.get("/o/uk-dom/login")
    css = stylesheets(uk)
    assert any(u.endswith("/static/theme/default/static/lk.css") for u in css)  # base styles stay
    assert any(u.endswith("/static/theme/harbor/static/theme.css") for u in css)
    assert not any(u.endswith("/default/static/theme.css") for u in css)
    foot = footer(uk)
    assert foot.xpath(".//*[@class='harbor-footer']"), "harbor's layout fills the footer"
    assert foot.xpath(".//a[@href='tel:+73437654321']")[0].text == "+7 343 765-43-21"
    assert foot.xpath(".//a[@href='mailto:dom@uk.example']")

    # the stylesheet the page links is really served
    harbor_css = [u for u in css if u.endswith("harbor/static/theme.css")][0]
    served = demo_browser.get(harbor_css.replace("http://localhost", ""))
    assert served.content_type == "text/css" and b".harbor-footer" in served.body

    # the sub-organisation has theme harbor too
    assert any(u.endswith("harbor/static/theme.css") for u in stylesheets(demo_browser.get("/o/uk-dom/uk-dom-sever/login")))

    vk = demo_browser.get("/o/vodokanal/login")
    assert any(u.endswith("/static/theme/default/static/theme.css") for u in stylesheets(vk))
    assert not any("harbor" in u for u in stylesheets(vk))
    assert not footer(vk).xpath(".//*[@class='harbor-footer']")
    assert "ООО «Водоканал-Сервис», диспетчерская" in footer(vk).text_content()


def _number_input(page):
    return html.fromstring(page.text).xpath("//form[@id='lkform']//input[@name='number']")[0]


def test_deform_override_reaches_only_the_themes_organisations(lk_demo):
    uk, vk = Browser(lk_demo), Browser(lk_demo)
    uk.login("admin.ukdom")
    vk.login("admin.vodokanal")
    # interleaved, so a renderer leaking between requests would show
    for _round in range(2):
        uk_input = _number_input(uk.get("/o/uk-dom/accounts/@@add"))
        vk_input = _number_input(vk.get("/o/vodokanal/accounts/@@add"))
        assert "harbor-input" in uk_input.get("class").split()
        assert "harbor-input" not in vk_input.get("class").split()
        assert "form-control" in vk_input.get("class").split()

    # harbor's override ties the Russian error to the field for screen readers
    form = uk.get("/o/uk-dom/accounts/@@add").forms["lkform"]
    form["number"] = "12 34!"
    form["house"] = "1"
    failed = form.submit("save")
    field = _number_input(failed)
    assert field.get("aria-invalid") == "true"
    error = html.fromstring(failed.text).xpath("//*[@id=$id]", id=field.get("aria-describedby"))[0]
    assert "Только цифры, буквы, дефис и /" in error.text_content()
    # the default theme renders the same failure without harbor's markup
    form = vk.get("/o/vodokanal/accounts/@@add").forms["lkform"]
    form["number"] = "12 34!"
    form["house"] = "1"
    field = _number_input(form.submit("save"))
    assert field.get("aria-invalid") is None and "harbor-input" not in field.get("class")


def test_every_generated_field_has_a_label(demo_browser):
    demo_browser.login("admin.ukdom")
    doc = html.fromstring(demo_browser.get("/o/uk-dom/accounts/@@add").text)
    fields = doc.xpath("//form[@id='lkform']//*[self::input or self::select or self::textarea]"
                       "[not(@type='hidden') and not(@type='submit')]")
    assert len(fields) >= 8
    for field in fields:
        assert doc.xpath("//label[@for=$id]", id=field.get("id")), field.get("name")


def test_template_missing_in_harbor_comes_from_default(demo_browser):
    # harbor has no cabinet.pt: the default's renders inside harbor's layout
    assert not os.path.exists(os.path.join(THEMES, "harbor", "templates", "cabinet.pt"))
    demo_browser.login("ivanov")
    page = demo_browser.get("/o/uk-dom/cabinet")
    assert "Лицевой счёт" in page.text and "2000001" in page.text
    assert footer(page).xpath(".//*[@class='harbor-footer']")


def test_theme_chain_lookup(tmp_path):
    root = tmp_path / "themes"
    shutil.copytree(os.path.join(THEMES, "default"), root / "default")
    (root / "bare" / "templates" / "deform").mkdir(parents=True)
    (root / "bare" / "templates" / "login.pt").write_text("<p>bare login</p>")
    (root / "bare" / "templates" / "deform" / "textinput.pt").write_text("<p>bare</p>")
    themes = Themes(str(root))
    assert themes.find("bare", "login.pt") == str(root / "bare" / "templates" / "login.pt")
    assert themes.find("bare", "layout.pt") == str(root / "default" / "templates" / "layout.pt")
    assert themes.find("gone", "login.pt") == str(root / "default" / "templates" / "login.pt")
    # a package's template is overridden at templates/<package>/<file>, else comes from the package
    assert themes.find("bare", "deform:templates/textinput.pt") == \
        str(root / "bare" / "templates" / "deform" / "textinput.pt")
    assert themes.find("default", "deform:templates/textinput.pt").endswith(
        os.path.join("deform", "templates", "textinput.pt"))
    # no deform/ folder: forms use the default theme's overrides and deform's own
    assert themes.deform_dirs("bare") == [str(root / "default" / "deform")]


def test_unknown_theme_falls_back_to_default(lk_demo):
    with DB(lk_demo) as platform:
        platform.organisations["uk-dom"].theme = "removed-theme"
    page = Browser(lk_demo).get("/o/uk-dom/login")
    assert any(u.endswith("default/static/theme.css") for u in stylesheets(page))
    assert not footer(page).xpath(".//*[@class='harbor-footer']")
    assert "УК «Наш дом»" in page.text


def test_theme_page_override_keeps_the_head_slot(tmp_path):
    """A theme's own page template fills the ``head`` slot through harbor's
    extended layout (plugins add their CSS there)."""
    root = tmp_path / "themes"
    shutil.copytree(THEMES, root)
    (root / "harbor" / "templates" / "login.pt").write_text(
        '<metal:page use-macro="api.layout.macros[\'page\']">'
        '<metal:h fill-slot="head"><link rel="stylesheet" href="/marker.css"></metal:h>'
        '<metal:c fill-slot="content"><p id="own">harbor login</p></metal:c></metal:page>')
    app = make_app(make_settings(tmp_path, **{"lk.themes_dir": str(root)}))
    try:
        from lk_platform.demo import load_demo
        with DB(app) as platform:
            load_demo(platform, app.registry)
        client = Browser(app)
        page = client.get("/o/uk-dom/login")
        assert "/marker.css" in stylesheets(page)
        assert '<p id="own">harbor login</p>' in page.text
        assert footer(page).xpath(".//*[@class='harbor-footer']")
        assert 'id="own"' not in client.get("/o/vodokanal/login").text
    finally:
        close_app(app)


def root_vars(page):
    """The brand colours of ``page``: its @@brand.css stylesheet (no inline <style> under the CSP)."""
    href = html.fromstring(page.text).xpath("//link[contains(@href, '@@brand.css')]/@href")[0]
    stylesheet = page.test_app.get(href.replace("http://localhost", ""))
    assert stylesheet.content_type == "text/css"
    style = re.search(r":root \{(.*?)\}", stylesheet.text, re.S).group(1)
    return dict(re.findall(r"--([\w-]+):\s*([^;]+);", style))


def test_organisation_brand_renders(lk_demo):
    with DB(lk_demo) as platform:
        org = platform.organisations["vodokanal"]
        org.brand_name = "Водоканал <Плюс>"
        org.primary_color = "#123456"
        org.accent_color = "#ffd400"
        org.footer = "Аварийная служба: 8 800 000-00-00 <script>alert(1)</script>"
    page = Browser(lk_demo).get("/o/vodokanal/login")
    css = root_vars(page)
    assert css["primary"] == "#123456" and css["accent"] == "#ffd400"
    assert css["on-primary"] == "#ffffff" and css["on-accent"] == "#000000"
    doc = html.fromstring(page.text)
    assert doc.xpath("//header//a[@class='brand']/span")[0].text == "Водоканал <Плюс>"
    assert doc.xpath("//title")[0].text.endswith("Водоканал <Плюс>")
    assert "Аварийная служба: 8 800 000-00-00 <script>" in footer(page).text_content()
    assert "<script>alert(1)" not in page.text  # escaped, not markup
    # the other organisation keeps its own brand
    other = root_vars(Browser(lk_demo).get("/o/uk-dom/login"))
    assert other["primary"] == "#0b6e4f" and other["accent"] == "#e07a1f"


def test_bad_brand_colour_cannot_inject_css(lk_demo):
    with DB(lk_demo) as platform:
        org = platform.organisations["vodokanal"]
        org.primary_color = "red; } body { display: none; } :root { --x: 1"
        org.accent_color = "#fff"
    page = Browser(lk_demo).get("/o/vodokanal/login")
    assert "display: none" not in page.text
    css = root_vars(page)
    assert css["primary"] == "#1f5fa8" and css["accent"] == "#fff" and css["on-accent"] == "#000000"


def contrast(a, b):
    from lk_platform.theming.themes import _luminance
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("colour", ["#0b6e4f", "#1f5fa8", "#e07a1f", "#f2a900", "#ffff00", "#000", "#777777",
                                    "#ff0000", "#00ff00", "#5b6470"])
def test_text_on_brand_colours_is_readable(colour):
    on = readable_on(colour)
    other = "#000000" if on == "#ffffff" else "#ffffff"
    assert contrast(colour, on) >= contrast(colour, other)
    assert contrast(colour, on) >= 4.5  # WCAG AA for normal text; black or white always reaches it


def test_brand_colour_filter():
    assert brand_colour("#0B6E4F", "#000") == "#0B6E4F"
    assert brand_colour("#abc", "#000") == "#abc"
    for bad in ("", None, "red", "#abcd", "#12345g", "#123456;", "url(x)", 123):
        assert brand_colour(bad, "#000") == "#000"
