"""Fixtures of the example plugin's tests, on top of ``lk_platform.testing``
(the repository's conftest loads it; a third-party plugin runs
``pytest -p lk_platform.testing``): a staff member's and a resident's
browser on the demo, and a question added through the generated admin."""
import pytest

from lk_platform.testing import Browser


@pytest.fixture
def staff(lk_demo):
    browser = Browser(lk_demo)
    browser.login("admin.vodokanal")
    return browser


@pytest.fixture
def resident(lk_demo):
    browser = Browser(lk_demo)
    browser.login("ivanov")
    return browser


def add_question(staff, question, answer, org="vodokanal"):
    """Fill the generated add form; returns the page after saving."""
    form = staff.get("/o/%s/faq/@@add" % org).forms["lkform"]
    form["question"] = question
    form["answer"] = answer
    return form.submit("save")


def english(browser):
    """Switch ``browser``'s person (or visitor) to English."""
    response = browser.post_csrf("/language", {"language": "en", "next": "/"})
    assert response.status_int == 303
    return browser
