"""Reminders through the outbox: the window is open and readings are
missing; a verification is due or overdue. Each goes once; a staff button
and a plain function for cron send them."""
import email
from email.header import decode_header, make_header

import pytest

from lk_meters.readings import latest
from lk_meters.reminders import remind_all
from lk_platform.testing import close_app, mail_files

pytestmark = pytest.mark.calendar  # windows and verification dates relative to today


def letters(app, since=0):
    out = []
    for path in mail_files(app.registry.settings)[since:]:
        with open(path, "rb") as f:
            message = email.message_from_binary_file(f)
        out.append((message["To"], str(make_header(decode_header(message["Subject"]))),
                    message.get_payload(decode=True).decode("utf-8")))
    return sorted(out)


def test_staff_button_sends_window_and_verification_reminders_once(demo_browser, lk_demo, lk_db, kit):
    with lk_db as platform:
        # petrova already submitted her cold water; ivanov nothing yet
        o = platform.organisations["vodokanal"]
        mid, last = kit.meter_by_serial(o, "ХВ-1000021").__name__, latest(kit.meter_by_serial(o, "ХВ-1000021")).values[0]
    demo_browser.login("petrova")
    demo_browser.post_csrf("/o/vodokanal/readings", {"m%s-t1" % mid: kit.value_text(last + 1)}, status=303)
    before = len(mail_files(lk_demo.registry.settings))
    demo_browser.login("admin.vodokanal")
    assert "Отправить сейчас" in demo_browser.get("/o/vodokanal/@@meter-reminders").text
    res = demo_browser.post_csrf("/o/vodokanal/@@meter-reminders", {"window": "1", "verification": "1"}, status=303)
    assert "о приёме показаний — 2, о поверке — 2" in res.follow().text
    sent = letters(lk_demo, before)
    window = [m for m in sent if m[1].startswith("Передайте показания")]
    verification = [m for m in sent if m[1].startswith("Срок поверки")]
    assert [m[0] for m in window] == ["ivanov@mail.example", "petrova@mail.example"]
    ivanov_body = window[0][2]
    assert "ХВ-1000011" in ivanov_body and "ХВ-0990013" not in ivanov_body
    assert "http://localhost/o/vodokanal/readings" in ivanov_body
    petrova_body = window[1][2]
    assert "ГВ-1000022" in petrova_body and "ХВ-1000021" not in petrova_body   # already submitted
    assert [m[0] for m in verification] == ["ivanov@mail.example", "petrova@mail.example"]
    assert "ГВ-1000012 — поверка до" in verification[0][2] and "ГВ-1000022 — срок истёк" in verification[1][2]
    with lk_db as platform:
        assert platform.organisations["vodokanal"].audit.page(limit=1)[0].action == "meters.reminders"
    # running again sends nothing new
    demo_browser.post_csrf("/o/vodokanal/@@meter-reminders", {"window": "1", "verification": "1"}, status=303)
    assert len(mail_files(lk_demo.registry.settings)) == before + 4


def test_no_window_reminder_while_the_window_is_closed_and_settings_switch_them_off(lk_demo, lk_db, kit):
    with lk_db as platform:
        o = platform.organisations["vodokanal"]
        kit.set_window(o, *kit.closed_window_days(kit.org_today(o)))
        settings = o.plugin_settings("meters")
        settings["remind_verification"] = False
        o.set_plugin_settings("meters", settings)
    before = len(mail_files(lk_demo.registry.settings))
    result = remind_all(lk_demo.registry, ["vodokanal"])
    assert result == {"vodokanal": {"window": 0, "verification": 0}}
    assert len(mail_files(lk_demo.registry.settings)) == before


def test_cron_function_covers_every_organisation_outside_http(lk_demo, lk_db, kit):
    with lk_db as platform:
        kit.set_window(platform.organisations["uk-dom"], None, None)
    before = len(mail_files(lk_demo.registry.settings))
    result = remind_all(lk_demo.registry)
    assert result["vodokanal"] == {"window": 2, "verification": 2}
    assert result["uk-dom"]["window"] == 1 and result["uk-dom-sever"]["window"] == 1
    sent = letters(lk_demo, before)
    assert len(sent) == 6
    assert any("Т-2000014" in body for _to, _s, body in sent) is False     # automatic meter: no reminder
    assert remind_all(lk_demo.registry) == {slug: {"window": 0, "verification": 0}
                                            for slug in ("uk-dom", "uk-dom-sever", "vodokanal")}


def test_command_line_entry_for_cron(lk_demo, lk_settings, tmp_path, capsys):
    from lk_platform.cli import main
    close_app(lk_demo)                  # FileStorage is one process's: the command opens it itself
    ini = tmp_path / "cron.ini"
    lines = ["[app:main]", "use = egg:lk_platform"] + ["%s = %s" % (k, v) for k, v in lk_settings.items()
                                                         if k != "here"]
    ini.write_text("\n".join(lines) + "\n")
    before = len(mail_files(lk_settings))
    assert main(["-c", str(ini), "meters", "reminders", "--org", "vodokanal"]) == 0
    assert "vodokanal: писем о приёме показаний — 2, о поверке — 2" in capsys.readouterr().out
    assert len(mail_files(lk_settings)) == before + 4
