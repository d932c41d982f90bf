"""The generated admin list: select fields show their titles, not stored codes;
custom fields appear as columns and in the form."""


def test_select_column_shows_titles_and_custom_field_joins_forms(demo_browser):
    demo_browser.login("admin.vodokanal")
    form = demo_browser.get("/o/vodokanal/custom_fields/@@add").forms["lkform"]
    form["content_type"] = "account"
    form["name"] = "floor"
    form["title"] = "Этаж"
    form["kind"] = "number"
    form.submit("save").follow()
    listing = demo_browser.get("/o/vodokanal/custom_fields/@@admin").text
    assert "<td>Число</td>" in listing.replace("\n", "") or ">Число<" in listing
    assert ">number<" not in listing

    accounts = demo_browser.get("/o/vodokanal/accounts/@@admin").text
    assert "Этаж" in accounts  # the custom field is a column
    form = demo_browser.get("/o/vodokanal/accounts/1000003/@@edit").forms["lkform"]
    form["x_floor"] = "abc"
    page = form.submit("save")
    assert "введите число" in page.text  # validated like any schema field
    form = page.forms["lkform"]
    form["x_floor"] = "5"
    form.submit("save").follow()
    assert "<td>5</td>" in demo_browser.get("/o/vodokanal/accounts/@@admin?q=1000003").text.replace(" ", "")
    # the new column was indexed when the field was added, so it sorts
    first = demo_browser.get("/o/vodokanal/accounts/@@admin?sort=x_floor").html.select("tbody tr")[0]
    assert "1000003" in first.text


def test_custom_field_is_exported_and_stays_in_its_organisation(demo_browser):
    demo_browser.login("admin.vodokanal")
    form = demo_browser.get("/o/vodokanal/custom_fields/@@add").forms["lkform"]
    form["content_type"], form["name"], form["title"], form["kind"] = "account", "meter_room", "Где счётчики", "choice"
    form["choices"] = "Кухня\nВанная"
    form.submit("save").follow()
    form = demo_browser.get("/o/vodokanal/accounts/1000003/@@edit").forms["lkform"]
    form["x_meter_room"] = "Ванная"
    form.submit("save").follow()
    csv_text = demo_browser.get("/o/vodokanal/accounts/@@export.csv").body.decode("utf-8-sig")
    header, *rows = csv_text.splitlines()
    assert header.endswith(";Где счётчики")
    assert any(r.startswith("1000003;") and r.endswith(";Ванная") for r in rows)

    other = type(demo_browser)(demo_browser.app.app)
    other.login("admin.ukdom")
    assert "Где счётчики" not in other.get("/o/uk-dom/accounts/2000001/@@edit").text
    assert "Где счётчики" not in other.get("/o/uk-dom/accounts/@@export.csv").body.decode("utf-8-sig")


def test_huge_field_is_refused_and_not_echoed(demo_browser, lk_db):
    demo_browser.login("admin.vodokanal")
    form = demo_browser.get("/o/vodokanal/accounts/1000003/@@edit").forms["lkform"]
    form["holder"] = "Я" * 200_000  # optional field: blanking alone would make the form valid
    page = form.submit("save")
    assert "Слишком длинное значение" in page.text
    assert "ЯЯЯЯЯЯЯЯЯЯ" not in page.text and len(page.body) < 100_000
    with lk_db as platform:
        assert platform.organisations["vodokanal"]["accounts"]["1000003"].holder != ""
