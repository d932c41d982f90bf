"""A phone walk with axe-core (the engine bundled by axe-playwright-python):
the resident's and the staff's main pages at 360 px have no serious or
critical accessibility violation (WCAG 2.1 A/AA rules)."""
from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser

ACC = "/o/vodokanal/accounts/1000001/"
RESIDENT_PAGES = ["/o/vodokanal/cabinet", ACC, ACC + "@@debt", "receipt", "/o/vodokanal/readings",
                  "/o/vodokanal/appeals/", "/o/vodokanal/appeals/@@new", "/o/vodokanal/announcements/"]
STAFF_PAGES = ["/o/vodokanal/@@admin", "/o/vodokanal/accounts/@@admin", "/o/vodokanal/@@users",
               "/o/vodokanal/@@debt", "/o/vodokanal/meters/@@admin", "/o/vodokanal/appeals/@@queue",
               "/o/vodokanal/@@settings"]
OPTIONS = {"resultTypes": ["violations"], "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def serious(page, path):
    if path == "receipt":   # the last receipt the debt page links to (its period follows the calendar)
        page.goto(ACC + "@@debt")
        path = page.locator("a[href*='@@receipt?period=']").first.get_attribute("href")
    response = page.goto(path)
    assert response.status == 200, path
    results = Axe().run(page, options=OPTIONS)
    return ["%s %s: %s (%s)" % (path, v["id"], v["help"], ", ".join(str(n["target"]) for n in v["nodes"][:3]))
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("login, pages", [("ivanov", RESIDENT_PAGES), ("admin.vodokanal", STAFF_PAGES)])
def test_phone_walk_finds_no_serious_violation(phone, log_in, login, pages):
    log_in(phone, login, base="/o/vodokanal")
    found = []
    for path in pages:
        found += serious(phone, path)
    assert found == []
