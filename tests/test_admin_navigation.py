"""The staff admin's navigation: links grouped by area (accounts and users,
billing, meters, appeals, content, settings) from the plugins' menu
declarations, in the reader's language, only what the staff member may
open; the organisation's admin home shows the same areas as tiles."""
from __future__ import annotations

from lk_platform.plugins.declarations import ADMIN_GROUPS, MenuItem
from lk_platform.testing import Browser
from lk_platform.theming.menus import grouped

ORG = "/o/vodokanal/"


def sidebar_groups(page):
    aside = page.html.find("aside", class_="sidebar")
    assert aside is not None
    return [(s["data-group"], s.find("h2").get_text(strip=True), [a.get_text(strip=True) for a in s.find_all("a")])
            for s in aside.find_all("section", class_="admin-group")]


def test_sidebar_groups_links_by_area_in_a_fixed_order(lk_demo):
    admin = Browser(lk_demo)
    admin.login("admin.vodokanal")
    groups = sidebar_groups(admin.get(ORG + "accounts/@@admin"))
    names = [g for g, _t, _l in groups]
    assert names == [g for g in (*ADMIN_GROUPS, "") if g in names]          # the fixed order, empty areas left out
    by_name = {g: (title, links) for g, title, links in groups}
    assert by_name["accounts"] == ("Счета и пользователи", ["Лицевые счета", "Пользователи"])
    assert by_name["settings"][0] == "Настройки"
    assert {"Журнал действий", "Дополнительные поля", "Настройки организации"} <= set(by_name["settings"][1])
    assert "Модули" not in by_name["settings"][1]          # the operator's link: not this admin's to see


def test_a_clerk_sees_only_the_areas_of_their_roles(lk_demo):
    clerk = Browser(lk_demo)
    clerk.login("clerk.vodokanal")
    groups = dict((g, links) for g, _t, links in sidebar_groups(clerk.get(ORG + "accounts/@@admin")))
    assert "Лицевые счета" in groups["accounts"]
    assert "Пользователи" not in groups.get("accounts", [])
    assert "settings" not in groups or "Настройки организации" not in groups["settings"]


def test_admin_home_shows_the_areas_as_tiles_and_in_english(lk_demo):
    admin = Browser(lk_demo)
    admin.login("admin.vodokanal")
    home = admin.get(ORG + "@@admin")
    areas = [s["data-group"] for s in home.html.find(id="admin-tiles").find_all("section")]
    assert areas[:1] == ["accounts"] and "settings" in areas
    admin.post_csrf("/language", {"language": "en", "next": ORG + "@@admin"})
    page = admin.get(ORG + "accounts/@@admin")
    titles = [t for _g, t, _l in sidebar_groups(page)]
    assert "Accounts and users" in titles and "Settings" in titles
    assert page.html.find("label", class_="admin-nav-label").get_text(strip=True) == "Admin sections"


def test_links_of_no_known_area_come_last_under_other():
    items = [MenuItem("b", "b", group="settings"), MenuItem("x", "x", group="nonsense"), MenuItem("a", "a", group="accounts"),
             MenuItem("y", "y")]
    assert [(g, [i.title for i in links]) for g, _t, links in grouped(items)] == \
        [("accounts", ["a"]), ("settings", ["b"]), ("", ["x", "y"])]
