"""The generated admin's CSV export: streamed from its own connection (the
request's is closed by then), every column incl. custom fields, both encodings,
formula cells defused."""
import csv
import io


def _rows(body, encoding):
    text = body.decode(encoding)
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def test_export_streams_all_accounts_in_utf8_and_cp1251(demo_browser, lk_db):
    from lk_platform.model.accounts import Account
    with lk_db as platform:
        folder = platform.organisations["vodokanal"]["accounts"]
        for i in range(1200):  # more than one batch of 500
            number = "9%06d" % i
            folder.add(Account(number=number, holder="=HYPERLINK(\"x\")" if i == 7 else "Житель %d" % i,
                               house="1"), number)
    demo_browser.login("admin.vodokanal")
    response = demo_browser.get("/o/vodokanal/accounts/@@export.csv")
    assert response.content_type == "text/csv"
    rows = _rows(response.body, "utf-8")
    assert rows[0][:3] == ["id", "Номер лицевого счёта", "Владелец (ФИО)"]
    numbers = {r[0] for r in rows[1:]}
    assert len(rows) - 1 == 1203 and {"1000001", "9000000", "9001199"} <= numbers
    assert any(r[2] == "'=HYPERLINK(\"x\")" for r in rows)  # no formula reaches a spreadsheet
    cp = demo_browser.get("/o/vodokanal/accounts/@@export.csv?encoding=cp1251")
    assert _rows(cp.body, "cp1251")[0][1] == "Номер лицевого счёта"


def test_export_of_other_organisation_is_refused(demo_browser):
    demo_browser.login("admin.vodokanal")
    response = demo_browser.get("/o/uk-dom/accounts/@@export.csv", expect_errors=True)
    assert response.status_int in (403, 404)
    assert "2000001" not in response.text
