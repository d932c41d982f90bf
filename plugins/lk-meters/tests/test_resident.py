"""The resident's readings form, history and chart through the whole WSGI
stack on a real FileStorage: what is shown, what is saved, and that every
bad input gets a clear answer with nothing half-written."""
from decimal import Decimal

import pytest
from lxml import etree

from lk_meters.readings import current, latest, period_readings

FORM = "/o/vodokanal/readings"


def state(kit, lk_db, serial, org="vodokanal"):
    """(meter id, last value, current reading of this period) of a demo meter."""
    with lk_db as platform:
        o = platform.organisations[org]
        meter = kit.meter_by_serial(o, serial)
        return meter.__name__, latest(meter).values, current(meter, kit.period_now(o))


def readings_now(kit, lk_db, org="vodokanal"):
    """Every reading of this period in the organisation, for "nothing written"."""
    from lk_meters.meters import meters_folder
    with lk_db as platform:
        o = platform.organisations[org]
        period = kit.period_now(o)
        return sorted((m.__name__, r.values) for m in meters_folder(o).values() for r in period_readings(m, period))


def test_form_lists_the_residents_meters_with_previous_values(demo_browser, lk_db, kit):
    demo_browser.login("ivanov")
    page = demo_browser.get(FORM)
    mid, last, _ = state(kit, lk_db, "ХВ-1000011")
    assert "ХВ-1000011" in page.text and "ГВ-1000012" in page.text and "ХВ-1000014" in page.text
    assert "ХВ-0990013" not in page.text          # replaced: no longer read
    assert "ХВ-1000021" not in page.text          # petrova's
    assert kit.value_text(last[0]) in page.text       # previous value beside the input
    assert 'name="m%s-t1"' % mid in page.text and 'inputmode="decimal"' in page.text
    assert '<label for="m%s-t1"' % mid in page.text


@pytest.mark.calendar
def test_submit_with_decimal_comma_saves_and_history_shows_it(demo_browser, lk_db, kit):
    demo_browser.login("ivanov")
    cold, cold_last, _ = state(kit, lk_db, "ХВ-1000011")
    hot, hot_last, _ = state(kit, lk_db, "ГВ-1000012")
    new_cold = cold_last[0] + Decimal("3.5")
    res = demo_browser.post_csrf(FORM, {"m%s-t1" % cold: kit.value_text(new_cold), "m%s-t1" % hot: "",
                                        "m%s-t1" % "999": ""} if False else
                                 {"m%s-t1" % cold: kit.value_text(new_cold), "m%s-t1" % hot: ""}, status=303)
    page = res.follow()
    assert "Показания переданы" in page.text and kit.value_text(new_cold) in page.text
    _, _, reading = state(kit, lk_db, "ХВ-1000011")
    assert reading.values == (new_cold.quantize(Decimal("0.001")),)
    assert (reading.by_kind, reading.by, reading.source, reading.status) == ("resident", "ivanov", "web", "received")
    assert state(kit, lk_db, "ГВ-1000012")[2] is None          # left empty: not submitted
    history = demo_browser.get("/o/vodokanal/meters/%s/@@history" % cold)
    assert kit.value_text(new_cold) in history.text and "Получено" in history.text


def test_every_bad_value_gets_a_message_and_nothing_is_written(demo_browser, lk_db, kit):
    demo_browser.login("ivanov")
    cold, cold_last, _ = state(kit, lk_db, "ХВ-1000011")
    hot, hot_last, _ = state(kit, lk_db, "ГВ-1000012")
    before = readings_now(kit, lk_db)
    good = kit.value_text(hot_last[0] + 1)
    cases = {
        "1e9": "Введите число цифрами",
        "абв": "Введите число цифрами",
        "-1": "не может быть отрицательным",
        "123456789": "У счётчика 5 цифр до запятой, а введено 9",
        "1,23456": "У счётчика 3 цифры после запятой",
        kit.value_text(cold_last[0] - 10): "меньше предыдущего",
    }
    for bad, message in cases.items():
        # A good value for another meter in the same form is not saved either.
        page = demo_browser.post_csrf(FORM, {"m%s-t1" % cold: bad, "m%s-t1" % hot: good})
        assert page.status_int == 200
        assert "Показания не сохранены" in page.text and message in page.text, bad
        assert "ХВС № ХВ-1000011" in page.text           # the message names the meter
        assert 'aria-invalid="true"' in page.text
        assert 'value="%s"' % good in page.text         # what was typed is kept
    page = demo_browser.post_csrf(FORM, {"m%s-t1" % cold: "", "m%s-t1" % hot: "  "})
    assert "Введите показания хотя бы одного счётчика" in page.text
    assert readings_now(kit, lk_db) == before


def test_someone_elses_meter_is_not_found_and_nothing_is_written(demo_browser, lk_db, kit):
    before = readings_now(kit, lk_db)
    petrovas, _, _ = state(kit, lk_db, "ХВ-1000021")
    mine, last, _ = state(kit, lk_db, "ХВ-1000011")
    demo_browser.login("ivanov")
    page = demo_browser.post_csrf(FORM, {"m%s-t1" % mine: kit.value_text(last[0] + 1), "m%s-t1" % petrovas: "500"},
                                  status=404)
    assert "не найден среди ваших счётчиков" in page.text and "Ничего не сохранено" in page.text
    page = demo_browser.post_csrf(FORM, {"m99999-t1": "5"}, status=404)
    assert readings_now(kit, lk_db) == before


def test_residents_reach_only_their_own_meters_in_every_url(demo_browser, lk_db):
    from lk_meters.meters import meters_folder
    with lk_db as platform:
        owners = {}
        for slug in ("vodokanal", "uk-dom", "uk-dom-sever"):
            o = platform.organisations[slug]
            for meter in meters_folder(o).values():
                owners[(slug, meter.__name__)] = set(meter.account_object().holders)
    paths = {"vodokanal": "/o/vodokanal", "uk-dom": "/o/uk-dom", "uk-dom-sever": "/o/uk-dom/uk-dom-sever"}
    for login in ("ivanov", "petrova"):
        demo_browser.login(login)
        for (slug, mid), holders in sorted(owners.items()):
            for view in ("@@history", "@@chart.svg"):
                url = "%s/meters/%s/%s" % (paths[slug], mid, view)
                res = demo_browser.get(url, expect_errors=True)
                assert res.status_int == (200 if login in holders else 403), (login, url)
            # also the same id guessed under another organisation's folder
            for other in paths:
                if other != slug and (other, mid) not in owners:
                    assert demo_browser.get("%s/meters/%s/@@history" % (paths[other], mid),
                                            expect_errors=True).status_int == 404
            # and the staff page of the meter
            assert demo_browser.get("%s/meters/%s/@@readings" % (paths[slug], mid),
                                    expect_errors=True).status_int == 403
        assert demo_browser.get("/o/vodokanal/meters/99999/@@history", expect_errors=True).status_int == 404
        assert demo_browser.get("/o/vodokanal/@@meter-readings", expect_errors=True).status_int == 403
    anonymous = type(demo_browser)(demo_browser.app.app)
    assert anonymous.get("/o/vodokanal/meters/1/@@history").status_int == 302


@pytest.mark.calendar
def test_wrong_number_of_tariff_values_and_a_two_tariff_meter(demo_browser, lk_db, kit):
    with lk_db as platform:
        kit.set_window(platform.organisations["uk-dom"], None, None)
    mid, last, _ = state(kit, lk_db, "Э-2000013", "uk-dom")
    demo_browser.login("ivanov")
    url = "/o/uk-dom/readings"
    page = demo_browser.get(url)
    assert "День: показание" in page.text and "Ночь: показание" in page.text
    page = demo_browser.post_csrf(url, {"m%s-t1" % mid: kit.value_text(last[0] + 5)})
    assert "у счётчика 2 тарифа (День, Ночь), а передано значений: 1" in page.text
    page = demo_browser.post_csrf(url, {"m%s-t1" % mid: "1", "m%s-t2" % mid: "1", "m%s-t3" % mid: "1"})
    assert "передано значений: 3" in page.text
    page = demo_browser.post_csrf(url, {"m%s-t1" % mid: kit.value_text(last[0] + 5), "m%s-t2" % mid: "абв"})
    assert "тариф «Ночь»: Введите число цифрами" in page.text
    assert readings_now(kit, lk_db, "uk-dom") == []
    demo_browser.post_csrf(url, {"m%s-t1" % mid: kit.value_text(last[0] + 5), "m%s-t2" % mid: kit.value_text(last[1] + 2)},
                           status=303)
    assert state(kit, lk_db, "Э-2000013", "uk-dom")[2].values == (last[0] + 5, last[1] + 2)


def test_automatic_meter_is_shown_but_refuses_resident_readings(demo_browser, lk_db, kit):
    with lk_db as platform:
        kit.set_window(platform.organisations["uk-dom"], None, None)
    mid, last, _ = state(kit, lk_db, "Т-2000014", "uk-dom")
    demo_browser.login("ivanov")
    page = demo_browser.get("/o/uk-dom/readings")
    assert "Т-2000014" in page.text and "снимаются автоматически" in page.text
    assert 'name="m%s-t1"' % mid not in page.text
    page = demo_browser.post_csrf("/o/uk-dom/readings", {"m%s-t1" % mid: kit.value_text(last[0] + 1)})
    assert "снимаются автоматически, передавать их не нужно" in page.text
    assert readings_now(kit, lk_db, "uk-dom") == []


def test_archived_meter_from_a_stale_form_is_accepted_with_a_stored_warning(demo_browser, lk_db, kit):
    mid, last, _ = state(kit, lk_db, "ХВ-1000011")
    demo_browser.login("ivanov")
    demo_browser.get(FORM)
    with lk_db as platform:
        meter = kit.meter_by_serial(platform.organisations["vodokanal"], "ХВ-1000011")
        meter.status = "archived"
        meter.__parent__.reindex(meter)
    res = demo_browser.post_csrf(FORM, {"m%s-t1" % mid: kit.value_text(last[0] + 1)}, status=303)
    assert "Счётчик в архиве" in res.follow().text
    reading = state(kit, lk_db, "ХВ-1000011")[2]
    assert reading.warnings == ("Счётчик в архиве (выведен из эксплуатации)",)
    assert "ХВ-1000011" not in demo_browser.get(FORM).text


@pytest.mark.calendar
def test_overdue_verification_is_accepted_with_a_warning(demo_browser, lk_db, kit):
    mid, last, _ = state(kit, lk_db, "ГВ-1000022")
    demo_browser.login("petrova")
    page = demo_browser.get(FORM)
    assert "Срок поверки счётчика истёк" in page.text
    res = demo_browser.post_csrf(FORM, {"m%s-t1" % mid: kit.value_text(last[0] + 1)}, status=303)
    assert "Срок поверки истёк" in res.follow().text
    assert state(kit, lk_db, "ГВ-1000022")[2].warnings[0].startswith("Срок поверки истёк")


@pytest.mark.calendar
def test_outside_the_window_the_form_says_when_it_opens_and_refuses_politely(demo_browser, lk_db, kit):
    with lk_db as platform:
        o = platform.organisations["vodokanal"]
        start, end = kit.closed_window_days(kit.org_today(o))
        kit.set_window(o, start, end)
        from lk_meters.windows import window_for
        opens = window_for(o).next_opening(kit.org_today(o)).strftime("%d.%m.%Y")
    mid, last, _ = state(kit, lk_db, "ХВ-1000011")
    demo_browser.login("ivanov")
    page = demo_browser.get(FORM)
    assert "Следующий приём начнётся" in page.text and opens in page.text
    assert 'name="m%s-t1"' % mid not in page.text
    page = demo_browser.post_csrf(FORM, {"m%s-t1" % mid: kit.value_text(last[0] + 1)})
    assert "приём показаний открыт с %d по %d число; следующий приём начнётся %s" % (start, end, opens) in page.text
    assert readings_now(kit, lk_db) == []
    dashboard = demo_browser.get("/cabinet")
    assert "Следующий приём показаний начнётся" in dashboard.text


@pytest.mark.calendar
def test_closed_and_past_periods_are_refused(demo_browser, lk_db, kit):
    from lk_meters.readings import period_index
    mid, last, _ = state(kit, lk_db, "ХВ-1000011")
    demo_browser.login("ivanov")
    page = demo_browser.post_csrf(FORM, {"m%s-t1" % mid: kit.value_text(last[0] + 1), "m%s-period" % mid: "202301"})
    assert "приём показаний за этот период закрыт" in page.text
    with lk_db as platform:
        o = platform.organisations["vodokanal"]
        period_index(o, kit.period_now(o), create=True).closed = ("admin.vodokanal", 1)
    page = demo_browser.post_csrf(FORM, {"m%s-t1" % mid: kit.value_text(last[0] + 1)})
    assert "закрыт организацией" in page.text
    assert readings_now(kit, lk_db) == []


@pytest.mark.calendar
def test_resubmission_supersedes_and_both_stay_in_history(demo_browser, lk_db, kit):
    mid, last, _ = state(kit, lk_db, "ХВ-1000011")
    demo_browser.login("ivanov")
    first, second = last[0] + 2, last[0] + Decimal("2.5")
    demo_browser.post_csrf(FORM, {"m%s-t1" % mid: kit.value_text(first)}, status=303)
    page = demo_browser.get(FORM)
    assert "Если ошиблись, отправьте показание заново" in page.text
    demo_browser.post_csrf(FORM, {"m%s-t1" % mid: kit.value_text(second)}, status=303)
    with lk_db as platform:
        o = platform.organisations["vodokanal"]
        meter = kit.meter_by_serial(o, "ХВ-1000011")
        both = period_readings(meter, kit.period_now(o))
        assert [r.values[0] for r in both] == [first, second]
        assert [r.superseded for r in both] == [True, False]
        assert current(meter, kit.period_now(o)).values[0] == second
    history = demo_browser.get("/o/vodokanal/meters/%s/@@history" % mid)
    assert "Заменено повторной передачей" in history.text


def test_consumption_above_the_ceiling_asks_for_confirmation(demo_browser, lk_db, kit):
    mid, last, _ = state(kit, lk_db, "ХВ-1000011")       # vodokanal's cold water ceiling: 25 m³ a month
    demo_browser.login("ivanov")
    high = kit.value_text(last[0] + 60)
    page = demo_browser.post_csrf(FORM, {"m%s-t1" % mid: high})
    assert "больше обычного предела (25 м³ в месяц)" in page.text and 'name="m%s-confirm"' % mid in page.text
    assert readings_now(kit, lk_db) == []
    demo_browser.post_csrf(FORM, {"m%s-t1" % mid: high, "m%s-confirm" % mid: "1"}, status=303)
    reading = state(kit, lk_db, "ХВ-1000011")[2]
    assert reading.warnings and "подтверждено при передаче" in reading.warnings[0]


def test_delegate_with_the_right_submits_for_the_account(demo_browser, lk_db, kit):
    mid, last, _ = state(kit, lk_db, "ХВ-1000011")
    with lk_db as platform:
        account = platform.organisations["vodokanal"]["accounts"]["1000001"]
        account.delegates = (("petrova", ("pay",)),)
        platform.users["petrova"].link_account("vodokanal", "1000001")
    demo_browser.login("petrova")
    assert "ХВ-1000011" not in demo_browser.get(FORM).text      # delegated paying only
    demo_browser.post_csrf(FORM, {"m%s-t1" % mid: "1"}, status=404)
    with lk_db as platform:
        platform.organisations["vodokanal"]["accounts"]["1000001"].delegates = (("petrova", ("meters.submit",)),)
    assert "ХВ-1000011" in demo_browser.get(FORM).text
    demo_browser.post_csrf(FORM, {"m%s-t1" % mid: kit.value_text(last[0] + 1)}, status=303)
    reading = state(kit, lk_db, "ХВ-1000011")[2]
    assert (reading.by_kind, reading.by) == ("delegate", "petrova")
    assert demo_browser.get("/o/vodokanal/meters/%s/@@history" % mid).status_int == 200


@pytest.mark.calendar
def test_history_chart_is_svg_with_title_desc_and_a_table(demo_browser, lk_db, kit):
    mid, _, _ = state(kit, lk_db, "ХВ-1000011")
    demo_browser.login("ivanov")
    page = demo_browser.get("/o/vodokanal/meters/%s/@@history" % mid)
    assert "<svg" in page.text and "<title id=" in page.text and "<desc id=" in page.text
    assert "Таблица расхода" in page.text and "Год назад" in page.text
    assert "тот же месяц годом раньше" in page.text
    assert "%" in page.text and (" больше, чем в " in page.text or " меньше, чем в " in page.text
                                 or "столько же" in page.text)
    assert "Показание в 10 раз больше обычного" in page.text   # a rejected reading with its reason
    svg = demo_browser.get("/o/vodokanal/meters/%s/@@chart.svg" % mid)
    assert svg.content_type == "image/svg+xml"
    root = etree.fromstring(svg.body)
    ns = {"s": "http://www.w3.org/2000/svg"}
    assert root.find("s:title", ns).text.startswith("Расход: ХВС № ХВ-1000011")
    bars = root.findall("s:rect[@class='bar']", ns)
    assert 10 <= len(bars) <= 12 and all(b.find("s:title", ns).text for b in bars)


@pytest.mark.calendar
def test_dashboard_widget_lists_meters_due_until_submitted(demo_browser, lk_db, kit):
    demo_browser.login("petrova")
    page = demo_browser.get("/cabinet")
    assert "Пора передать показания" in page.text and "ХВ-1000021" in page.text
    params = {}
    for serial in ("ХВ-1000021", "ГВ-1000022"):
        mid, last, _ = state(kit, lk_db, serial)
        params["m%s-t1" % mid] = kit.value_text(last[0] + 1)
    demo_browser.post_csrf(FORM, params, status=303)
    page = demo_browser.get("/cabinet")
    assert "ХВ-1000021" not in page.text.split("Показания счётчиков", 1)[-1].split("</section>")[0] \
        or "Все показания переданы" in page.text


def test_switched_off_plugin_answers_404(demo_browser, lk_demo, lk_db):
    from lk_platform.model.organisations import disable_plugin
    with lk_db as platform:
        disable_plugin(platform.organisations["vodokanal"], lk_demo.registry, "meters")
    demo_browser.login("ivanov")
    demo_browser.get(FORM, status=404)
    demo_browser.get("/o/vodokanal/meters/1/@@history", status=404)
    assert demo_browser.get("/o/uk-dom/readings").status_int == 200


def test_cached_form_and_history_follow_submissions_and_staff_decisions(demo_browser, lk_demo, lk_db, kit):
    from lk_platform.testing import Browser, cached_answers
    demo_browser.login("ivanov")
    cold, cold_last, _ = state(kit, lk_db, "ХВ-1000011")
    history_url = "/o/vodokanal/meters/%s/@@history" % cold
    demo_browser.get(FORM)
    demo_browser.get(history_url)
    before = cached_answers()
    demo_browser.get(FORM)
    demo_browser.get(history_url)
    assert cached_answers() == before + 2          # both now come from the cache
    new_cold = cold_last[0] + Decimal("2")
    page = demo_browser.post_csrf(FORM, {"m%s-t1" % cold: kit.value_text(new_cold)}, status=303).follow()
    # the message waiting in the session is shown, and the new value with it
    assert "Показания переданы" in page.text and kit.value_text(new_cold) in page.text
    page = demo_browser.get(FORM)
    assert "Показания переданы" not in page.text and kit.value_text(new_cold) in page.text
    assert "Получено" in demo_browser.get(history_url).text

    staff = Browser(lk_demo)
    staff.login("admin.vodokanal")
    reason = "Цифры на фото не видны"
    assert reason not in demo_browser.get(history_url).text
    staff.post_csrf("/o/vodokanal/@@meter-readings-bulk", {"meter": [cold], "action": "reject", "reason": reason},
                    status=303)
    assert state(kit, lk_db, "ХВ-1000011")[2].status == "rejected"
    assert reason in demo_browser.get(history_url).text
