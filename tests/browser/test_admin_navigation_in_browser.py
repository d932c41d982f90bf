"""The staff sidebar in a real browser: beside the page on a desktop, one
toggle on a phone that opens the areas by tap and by keyboard."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_desktop_shows_the_areas_beside_the_page(page, log_in):
    log_in(page, "admin.vodokanal", base="/o/vodokanal")
    page.goto("/o/vodokanal/accounts/@@admin")
    sidebar = page.locator("aside.sidebar")
    assert sidebar.get_by_role("heading", name="Счета и пользователи").is_visible()
    assert sidebar.get_by_role("link", name="Пользователи").is_visible()
    assert not page.locator(".admin-nav-label").is_visible()
    # a column of its own: the sidebar's right edge is left of the main content
    aside_box, main_box = sidebar.bounding_box(), page.locator("main").bounding_box()
    assert aside_box["x"] + aside_box["width"] <= main_box["x"]


def test_phone_collapses_the_areas_behind_one_toggle(phone, log_in):
    log_in(phone, "admin.vodokanal", base="/o/vodokanal")
    phone.goto("/o/vodokanal/accounts/@@admin")
    link = phone.locator("aside.sidebar").get_by_role("link", name="Пользователи")
    assert not link.is_visible()
    phone.locator(".admin-nav-label").tap()
    assert link.is_visible()
    link.click()
    phone.wait_for_url("**/o/vodokanal/@@users")
    # from the keyboard: Tab to the toggle, Space opens it
    toggle = phone.locator("#admin-nav-toggle")
    toggle.focus()
    phone.keyboard.press("Space")
    assert phone.locator("aside.sidebar").get_by_role("link", name="Лицевые счета").is_visible()
