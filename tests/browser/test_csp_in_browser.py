"""Finding 6 (issue #9, security hardening), in a real browser:

    […] a browser test (Playwright, see tests/browser/) checks that a deform
    form with its JS (e.g. a generated admin form with a date/select widget,
    the theme's nav toggle) works with no CSP violation reported in the
    console.

Every page is served with the Content-Security-Policy of
``lk_platform/web/headers.py``; Chromium reports each blocked script, style
or handler as a ``securitypolicyviolation`` event and a console error. Both
are collected from before the first page loads."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__violations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + e.sourceFile + ':' + e.lineNumber);
});
"""


def watched(page):
    """Collect CSP violations and console errors of ``page``."""
    console = []
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: console.append("page error: %s" % error))
    page.add_init_script(WATCH)
    return console


def violations(page):
    return page.evaluate("window.__violations || []")


def assert_clean(page, console):
    assert violations(page) == [], page.url
    assert [m for m in console if "Content Security Policy" in m or "Refused to" in m or "page error" in m] == []


def test_deform_forms_work_under_the_policy(page, log_in):
    console = watched(page)
    log_in(page, "admin.vodokanal", base="/o/vodokanal")
    assert_clean(page, console)

    # a sequence: deform's own JS adds and removes items, bound by a script file
    page.goto("/o/vodokanal/@@plugin-settings/meters")
    assert page.evaluate("typeof jQuery === 'function' && typeof deform === 'object'")
    sequence = page.locator(".deform-seq").first
    items = sequence.locator(".deform-seq-container > .deform-seq-item")
    assert items.count() == 0
    sequence.locator(".deform-seq-add").click()
    sequence.locator(".deform-seq-add").click()
    assert items.count() == 2
    assert items.first.locator("input[name=code]").is_visible()
    items.first.locator(".deform-close-button").click()
    assert items.count() == 1
    assert_clean(page, console)

    # a generated admin form with date-and-time and select widgets
    page.goto("/o/vodokanal/announcements/@@add")
    date = page.locator("input[type=date]").first
    assert date.is_visible()
    date.fill("2030-01-31")
    assert date.input_value() == "2030-01-31"
    select = page.locator("main select").first
    values = select.locator("option").evaluate_all("options => options.map(o => o.value)")
    select.select_option(values[-1])
    assert select.input_value() == values[-1]
    assert_clean(page, console)

    # the organisation's settings: brand colours from the brand stylesheet, the logo preview
    page.goto("/o/vodokanal/@@settings")
    primary = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--primary').trim()")
    assert primary.startswith("#")
    assert_clean(page, console)


def test_the_theme_works_under_the_policy_on_a_phone(phone, log_in):
    console = watched(phone)
    log_in(phone, "ivanov")
    phone.goto("/cabinet")
    nav = phone.locator("nav.mainnav")
    link = nav.get_by_role("link").first
    assert not link.is_visible()
    phone.locator("label.nav-toggle-label").tap()
    assert link.is_visible()
    # the brand colours are a stylesheet of their own, not an inline <style>
    topbar = phone.evaluate("getComputedStyle(document.querySelector('.topbar')).backgroundColor")
    assert topbar not in ("", "rgba(0, 0, 0, 0)")
    assert_clean(phone, console)
    for path in ("/o/vodokanal/", "/o/uk-dom/login", "/no-such-page"):
        phone.goto(path)
        assert_clean(phone, console)
