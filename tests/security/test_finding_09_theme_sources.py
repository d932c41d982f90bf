"""Finding 9 (issue #9, security hardening):

    **`/static/theme/` serves template sources** (`.pt`) — lk_platform/app.py
    adds `config.add_static_view("static/theme", themes_dir)`. Serve only
    static assets (the themes' `static/` folders and images/fonts/css/js;
    never `.pt`, never anything under `templates/`); a test fetches a known
    template path and gets 404, and a stylesheet still 200.
"""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("path", [
    "/static/theme/default/templates/layout.pt",
    "/static/theme/default/templates/admin/form.pt",
    "/static/theme/default/templates/chrome/head.pt",
    "/static/theme/harbor/templates/layout.pt",
    "/static/theme/default/deform/file_upload.pt",
    "/static/theme/harbor/deform/textinput.pt",
    "/static/theme/default/static/../templates/login.pt",
    "/static/theme/default/static/%2e%2e/templates/login.pt",
])
def test_template_sources_are_not_served(browser, path):
    answer = browser.get(path, status="*")
    assert answer.status_int == 404, (path, answer.status)
    assert "metal:" not in answer.text and "tal:" not in answer.text


def test_a_stylesheet_is_still_served(browser):
    page = browser.get("/login")
    stylesheets = [href for href in page.html.select("link[rel=stylesheet]")]
    assert stylesheets
    for link in stylesheets:
        href = link["href"]
        answer = browser.get(href.replace("http://localhost", ""))
        assert answer.status_int == 200
        assert answer.content_type == "text/css"
    assert browser.get("/static/theme/default/static/lk.css").status_int == 200
    assert browser.get("/static/theme/harbor/static/theme.css").status_int == 200
