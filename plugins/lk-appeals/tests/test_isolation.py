"""Appeals and attachments of other residents and other organisations,
reached by guessing ids, are refused; staff notes stay with staff."""
import re

from lk_platform.testing import Browser


def _photo_url(page):
    return page.html.select_one("img.appeal-thumb")["src"]


def test_guessing_another_residents_appeal_and_its_photo(appeals, jpeg, new_number):
    number = new_number(appeals.open(login="petrova", account="1000002",
                                     files=[("кухня.jpg", jpeg, "image/jpeg")]))
    url = "/o/vodokanal/appeals/%s/" % number
    owner = appeals.browser("petrova")
    photo = _photo_url(owner.get(url))
    assert owner.get(photo).body == jpeg

    intruder = appeals.browser("ivanov")
    intruder.get(url, status=403)
    intruder.get(photo, status=403)
    for action in ("@@reply", "@@rate", "@@reopen"):
        intruder.post_csrf(url + action, {"text": "чужое", "score": "1"}, status=403)
    intruder.get(url + "@@manage", status=403)
    # Not even the list or the dashboard widget shows it.
    assert "кухня" not in intruder.get("/o/vodokanal/appeals/").text
    assert len(appeals.appeal(number)["messages"]) == 1

    # Signed out: sent to log in, the file is not served.
    anonymous = Browser(appeals.app)
    assert anonymous.get(url, status=302).location.startswith("http://localhost/o/vodokanal/login")
    assert anonymous.get(photo, status=302).location.startswith("http://localhost/o/vodokanal/login")


def test_the_same_number_at_another_organisation_is_another_appeal(appeals, new_number):
    # Ivanov's appeal at vodokanal; uk-dom's appeal with the same number is another resident's or none.
    number = new_number(appeals.open(login="ivanov"))
    petrova = appeals.browser("petrova")
    petrova.get("/o/vodokanal/appeals/%s/" % number, status=403)
    petrova.get("/o/uk-dom/appeals/1/", status=403)          # Ivanov's demo appeal at uk-dom
    petrova.get("/o/uk-dom/appeals/%s/" % number, status=404)  # uk-dom has no appeal with that number
    # A staff member of uk-dom cannot reach vodokanal's appeals, queue or report.
    staff = appeals.browser("appeals.ukdom")
    staff.get("/o/vodokanal/appeals/%s/@@manage" % number, status=403)
    staff.get("/o/vodokanal/appeals/@@queue", status=403)
    staff.get("/o/vodokanal/appeals/@@report.csv?from=2020-01-01&to=2030-12-31", status=403)
    staff.post_csrf("/o/vodokanal/appeals/%s/@@answer" % number, {"text": "Чужой ответ"}, status=403)
    assert len(appeals.appeal(number)["messages"]) == 1
    # Staff without the appeals role (accounts clerk) cannot either.
    appeals.browser("clerk.vodokanal").get("/o/vodokanal/appeals/@@queue", status=403)


def test_sub_organisation_staff_reach_and_parent_staff_reach_down(appeals, new_number):
    response = appeals.open(login="petrova", org_path="/o/uk-dom/uk-dom-sever", account="3000001",
                            org="uk-dom-sever", category=appeals.category_id("uk-dom-sever"))
    assert "/o/uk-dom/uk-dom-sever/appeals/" in response.location
    number = new_number(response)
    # uk-dom's appeals specialist works the sub-organisation's queue (roles reach down).
    staff = appeals.browser("appeals.ukdom")
    page = staff.get("/o/uk-dom/uk-dom-sever/appeals/@@queue")
    assert page.html.select_one('tr[data-appeal="%s"]' % number) is not None
    # ... but vodokanal's does not.
    appeals.browser("appeals.vodokanal").get("/o/uk-dom/uk-dom-sever/appeals/@@queue", status=403)


def test_staff_notes_and_their_files_are_never_shown_to_residents(appeals, jpeg, new_number):
    number = new_number(appeals.open())
    url = "/o/vodokanal/appeals/%s/" % number
    appeals.post("appeals.vodokanal", url + "@@note", {"text": "Житель скандальный, звонить только днём"},
                 files=[("схема.jpg", jpeg, "image/jpeg")])
    staff_page = appeals.browser("appeals.vodokanal").get(url + "@@manage")
    assert "Житель скандальный" in staff_page.text
    note_file = _photo_url(staff_page)
    assert appeals.browser("appeals.vodokanal").get(note_file).body == jpeg

    resident = appeals.browser("ivanov")
    page = resident.get(url)
    assert "скандальный" not in page.text and "схема.jpg" not in page.text
    resident.get(note_file, status=404)
    # Guessing file ids around it.
    for file_id in ("0", "2", "99", "x"):
        resident.get(re.sub(r"@@file/\d+/", "@@file/%s/" % file_id, note_file), status=404)
    assert appeals.mails() and not any("скандальный" in m["body"] for m in appeals.mails())


def test_the_plugin_switched_off_answers_404(appeals, new_number):
    number = new_number(appeals.open())
    with appeals.db() as platform:
        org = platform.organisations["vodokanal"]
        org.enabled_plugins = tuple(p for p in org.enabled_plugins if p != "appeals")
    appeals.browser("ivanov").get("/o/vodokanal/appeals/%s/" % number, status=404)
    appeals.browser("ivanov").get("/o/vodokanal/appeals/@@new", status=404)
    appeals.browser("appeals.vodokanal").get("/o/vodokanal/appeals/@@queue", status=404)
