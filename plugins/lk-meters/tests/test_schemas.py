"""Meters and window overrides through the generated admin: validation in
Russian, indexes kept in step with edits, overrides taking effect."""
import pytest

from lk_meters.meters import meters_of_account
from lk_meters.settings import meter_settings
from lk_meters.windows import organisation_window, window_for
from lk_platform.util import periods


def test_add_meter_through_the_generated_form(demo_browser, lk_db, kit):
    demo_browser.login("admin.vodokanal")
    form = demo_browser.get("/o/vodokanal/meters/@@add").forms["lkform"]
    form["account"] = "2000001"                  # an account of another organisation
    form["resource"] = "electricity"
    form["serial"] = "Э-777"
    form["tariffs"] = "2"
    form["tariff_names"] = "Т1, Т2, Т3"
    form["initial_1"] = "12,5"
    form["initial_3"] = "1"
    page = form.submit("save")
    assert "Лицевой счёт № 2000001 не найден в этой организации" in page.text
    form = page.forms["lkform"]
    form["account"] = "1000003"
    page = form.submit("save")      # the whole-form checks run once every field is valid
    assert "Названий тарифов должно быть столько же, сколько тарифов (2)" in page.text
    assert "это начальное показание лишнее" in page.text
    form = page.forms["lkform"]
    form["tariff_names"] = ""
    form["initial_3"] = ""
    form.submit("save").follow()
    with lk_db as platform:
        o = platform.organisations["vodokanal"]
        meter = kit.meter_by_serial(o, "Э-777")
        assert str(meter.initial_1) == "12.5" and meter.tariff_labels == ("День", "Ночь")
        assert meter in meters_of_account(o, "1000003")
        assert o["meters"].buildings[meter.building.lower()] == "г. Москва, Лесная, д. 8"
        assert o.audit.page(limit=1)[0].action == "add:meter"
        mid = meter.__name__
    page = demo_browser.get("/o/vodokanal/meters/%s/@@readings" % mid)     # no readings yet
    assert "Показаний пока нет" in page.text and "<svg" in page.text and "День, кВт·ч" in page.text


@pytest.mark.calendar
def test_window_override_per_building_and_per_resource(demo_browser, lk_db, kit):
    with lk_db as platform:
        o = platform.organisations["vodokanal"]
        day = kit.closed_window_days(kit.org_today(o))[0]
        sadovaya = kit.meter_by_serial(o, "ХВ-1000011").building.lower()
    demo_browser.login("admin.vodokanal")
    form = demo_browser.get("/o/vodokanal/meter_windows/@@add").forms["lkform"]
    form["building"] = sadovaya
    form["resource"] = "hot_water"
    form["start_day"] = str(day)
    form["end_day"] = str(day)
    form.submit("save").follow()
    form = demo_browser.get("/o/vodokanal/meter_windows/@@add").forms["lkform"]
    form["building"] = sadovaya
    form["resource"] = "hot_water"
    page = form.submit("save")
    assert "Для этого дома и ресурса окно уже задано" in page.text
    with lk_db as platform:
        o = platform.organisations["vodokanal"]
        assert not window_for(o, kit.meter_by_serial(o, "ГВ-1000012")).is_open(kit.org_today(o))
        assert window_for(o, kit.meter_by_serial(o, "ХВ-1000011")).always_open
    demo_browser.login("ivanov")
    page = demo_browser.get("/o/vodokanal/readings")
    hot = page.text.split("ГВ-1000012")[1].split("</section>")[0]
    assert "Следующий приём начнётся" in hot
    assert "Следующий приём начнётся" not in page.text.split("ХВ-1000011")[1].split("</section>")[0]


@pytest.mark.calendar
def test_moving_an_account_moves_its_meters_between_buildings(demo_browser, lk_db, kit):
    demo_browser.login("admin.vodokanal")
    form = demo_browser.get("/o/vodokanal/accounts/1000003/@@edit").forms["lkform"]
    form["street"] = "Новая"
    form.submit("save")
    with lk_db as platform:
        o = platform.organisations["vodokanal"]
        meter = kit.meter_by_serial(o, "ХВ-1000031")
        total, found = o["meters"].query(eq={"building": meter.building}, limit=5)
        assert found == [meter] and "новая" in meter.building.lower()
        from lk_meters.readings import period_index
        index = period_index(o, periods.add(kit.period_now(o), -1))
        assert index.meta(meter.id)[2] == meter.building.lower()


def test_settings_through_the_core_settings_page(demo_browser, lk_db, kit):
    demo_browser.login("admin.vodokanal")
    form = demo_browser.get("/o/vodokanal/@@plugin-settings/meters").forms["lkform"]
    form["window_start"] = "15"
    page = form.submit("save")
    assert "Укажите оба числа окна приёма" in page.text
    form = page.forms["lkform"]
    form["window_start"] = "25"
    form["window_end"] = "5"
    form["ceiling_hot_water"] = "12"
    form.submit("save").follow()
    with lk_db as platform:
        o = platform.organisations["vodokanal"]
        settings = meter_settings(o)
        window = organisation_window(o)
        assert (settings.window_start, settings.window_end) == (25, 5)
        assert (window.start, window.end) == (25, 5) and window.crosses_month_end
        assert str(settings.ceilings["hot_water"]) == "12"
        assert window_for(o, kit.meter_by_serial(o, "ХВ-1000011")).describe() == "с 25 по 5 число следующего месяца"
