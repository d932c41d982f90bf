"""Demo data (with every installed plugin, as ``lk demo`` runs it) and the
cron entry point."""
import datetime as dt

import pytest

from lk_announcements.models import Announcement
from lk_platform.cli import main
from lk_platform.demo import load_demo
from lk_platform.testing import DB, REPO, close_app, mail_files, make_app, make_settings

from .conftest import read_mails


def _snapshot(platform):
    out = {}
    for slug in ("vodokanal", "uk-dom", "uk-dom-sever"):
        org = platform.organisations[slug]
        out[slug] = tuple(len(org.get(c) or ()) for c in ("announcements", "public_pages", "public_documents"))
    return out


@pytest.mark.calendar
def test_demo_with_all_plugins_is_complete_and_idempotent(tmp_path):
    app = make_app(make_settings(tmp_path))
    try:
        with DB(app) as platform:
            load_demo(platform, app.registry)
        with DB(app) as platform:
            first = _snapshot(platform)
            load_demo(platform, app.registry)
        with DB(app) as platform:
            assert _snapshot(platform) == first
            assert first["vodokanal"] == (3, 3, 1) and first["uk-dom"] == (3, 3, 1)
            assert first["uk-dom-sever"][0] == 3
            items = list(platform.organisations["vodokanal"]["announcements"].values())
            outage = [a for a in items if a.importance == "outage"]
            assert len(outage) == 1 and outage[0].target == "buildings" and len(outage[0].target_buildings) == 1
            assert any(a.target == "all" and a.importance == "normal" for a in items)
            doc = next(iter(platform.organisations["vodokanal"]["public_documents"].values()))
            with doc.file.open() as f:
                assert f.read(5) == b"%PDF-"
    finally:
        close_app(app)


def test_cron_command_sends_due_mail(tmp_path, capsys):
    var = tmp_path / "var"
    ini = tmp_path / "cron.ini"
    ini.write_text(
        "[app:main]\nuse = egg:lk_platform\nlk.themes_dir = %s/themes\n"
        "zodbconn.uri = file://%s/Data.fs?blobstorage_dir=%s/blobs\n"
        "lk.secret = test-secret-0123456789abcdef0123456789abcdef\n"
        "mail.mode = files\nmail.directory = %s/mail\nlk.public_url = https://lk.example\n" % (REPO, var, var, var))
    var.mkdir()
    settings = {"mail.directory": str(var / "mail")}
    app = make_app(make_settings(tmp_path))
    try:
        with DB(app) as platform:
            load_demo(platform, app.registry)
            org = platform.organisations["uk-dom"]
            item = Announcement(title="Ночные работы", body="x", notify_email=True,
                                publish_at=org.now() - dt.timedelta(minutes=1))
            org["announcements"].add(item)
            org["announcements"].reindex(item)
    finally:
        close_app(app)
    assert main(["-c", str(ini), "announcements", "send"]) == 0
    assert "отправлено писем: 1" in capsys.readouterr().out
    mails = read_mails(settings)
    assert len(mails) == 1 and mails[0]["to"] == "ivanov@mail.example"
    assert "https://lk.example/o/uk-dom/announcements/" in mails[0]["body"]
    assert main(["-c", str(ini), "announcements", "send"]) == 0
    assert len(mail_files(settings)) == 1
