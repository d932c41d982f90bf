"""Settings as the shipped ini files write them (``%(here)s/../themes``)
serve pages: static URLs must match the normalised themes folder."""
import os

from lk_platform.testing import REPO, Browser, make_settings, running_app


def test_relative_themes_dir_from_ini_serves_pages(tmp_path):
    settings = make_settings(tmp_path, **{"lk.themes_dir": os.path.join(REPO, "etc", "..", "themes")})
    with running_app(settings) as app:
        browser = Browser(app)
        page = browser.get("/login")
        css = [link for link in page.html.find_all("link") if "lk.css" in link.get("href", "")]
        assert css and browser.get(css[0]["href"].replace("http://localhost", "")).status_int == 200


def test_development_ini_builds_the_app(tmp_path):
    """etc/development.ini itself, with only the var/ folder moved."""
    from pyramid.paster import get_appsettings
    settings = dict(get_appsettings(os.path.join(REPO, "etc", "development.ini")))
    settings["zodbconn.uri"] = "file://%s?blobstorage_dir=%s" % (tmp_path / "Data.fs", tmp_path / "blobs")
    settings["mail.directory"] = str(tmp_path / "mail")
    with running_app(settings) as app:
        assert Browser(app).get("/login").status_int == 200
