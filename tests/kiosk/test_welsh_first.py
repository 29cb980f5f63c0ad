"""Welsh first for a Welsh organisation or tablet: the printed form, the offline screen, titles."""

from __future__ import annotations

import pytest

from tests.helpers.pages import Browser, parse

from .conftest import STAFF_PASSWORD
from .helpers import ONE_BACKEND
from .test_enrolment import bind
from .test_paper_browser import sign_in


@pytest.fixture
def staff(client, staff_user):
    browser = Browser(client)
    browser.get("/staff/sign-in?next=/staff/paper/")
    browser.submit({"email": staff_user, "password": STAFF_PASSWORD})
    return browser


def first_languages(page) -> list[str]:
    """The language of the first of each pair of paragraphs on the printed form."""
    paper = page.soup.select_one("article.app-paper")
    firsts = [pair.find("p")["lang"] for pair in paper.select(".app-paper__pair")]
    firsts += [title.find("span")["lang"] for title in paper.select(".app-paper__title, .app-paper__service")]
    return firsts


def test_the_paper_form_for_an_organisation_in_wales_puts_welsh_first(staff, demo_data):
    welsh = staff.get("/staff/paper/young-people/form?inspection=sqs-2012-cardiff")
    assert set(first_languages(welsh)) == {"cy"}
    options = welsh.soup.select(".app-paper__option")
    assert options[0].find("span", lang=True)["lang"] == "cy"
    english = staff.get("/staff/paper/young-people/form?inspection=cci-2011-birmingham")
    assert set(first_languages(english)) == {"en"}


def test_the_paper_form_puts_welsh_first_when_asked_or_when_the_page_is_in_welsh(staff):
    assert set(first_languages(staff.get("/staff/paper/adult-victims/form?first=cy"))) == {"cy"}
    assert set(first_languages(staff.get("/staff/paper/adult-victims/form?lang=cy"))) == {"cy"}
    assert set(first_languages(staff.get("/staff/paper/adult-victims/form?lang=en"))) == {"en"}
    index = staff.get("/staff/paper/")
    assert index.soup.select("a[href$='/form?first=cy']")


def test_a_welsh_first_tablet_shows_welsh_first_offline_and_in_its_title(client, enrol, demo_data):
    new = enrol("young-people", inspection="sqs-2012-cardiff")
    assert new.device.welsh_first
    shell = bind(client, new.path())
    headers = {"Accept-Language": "en-GB,en;q=0.9"}
    shell = parse(client.get("/kiosk/", headers=headers), check=False)
    assert shell.lang == "cy"
    assert shell.title.endswith("– Arolygiaeth Prawf EF"), shell.title
    offline = parse(client.get("/kiosk/offline", headers=headers))
    assert offline.lang == "cy"
    assert [span["lang"] for span in offline.soup.select("h1 span")] == ["cy", "en"]
    assert [p["lang"] for p in offline.soup.select("main p[lang]")] == ["cy", "en"]
    assert offline.title.endswith("– Arolygiaeth Prawf EF"), offline.title


def test_an_english_first_tablet_keeps_english_first_offline(client, enrol, demo_data):
    new = enrol("adult-service-user", inspection="omi2-2011-greater-manchester")
    bind(client, new.path())
    offline = parse(client.get("/kiosk/offline", headers={"Accept-Language": "cy"}))
    assert [span["lang"] for span in offline.soup.select("h1 span")] == ["en", "cy"]
    assert offline.title.endswith("– HM Inspectorate of Probation"), offline.title




@pytest.mark.browser
@ONE_BACKEND
def test_the_printed_form_sets_neither_language_in_italics(new_context, live_server, staff_user, demo_data):
    page = new_context().new_page()
    sign_in(page, live_server, staff_user, "/staff/paper/young-people/form?inspection=sqs-2012-cardiff")
    styles = page.evaluate("""() => [...document.querySelectorAll('.app-paper [lang]')].map(
        (e) => [e.lang, getComputedStyle(e).fontStyle])""")
    assert {lang for lang, _ in styles} == {"en", "cy"}
    assert {style for _, style in styles} == {"normal"}, styles
    # Welsh first: the Welsh column sits to the left of the English one.
    lefts = page.evaluate("""() => [...document.querySelector('.app-paper__question .app-paper__pair').children].map(
        (e) => [e.lang, e.getBoundingClientRect().left])""")
    assert [lang for lang, _ in sorted(lefts, key=lambda item: item[1])] == ["cy", "en"]
    for media in ("print", "screen"):
        page.emulate_media(media=media)
        assert page.evaluate("() => getComputedStyle(document.querySelector('.app-paper [lang=cy]')).fontStyle") == "normal"


def test_a_kiosk_response_that_declined_questions_about_you_counts_them_as_not_asked(app, client, enrol, demo_data):
    from feedback import results
    from feedback.db import get_db

    from .test_sync import HEADERS, queued

    new = enrol("young-people", site="Birmingham YOT", inspection="cci-2011-birmingham")
    bind(client, new.path())
    assert client.post("/kiosk/api/responses", json=queued(), headers=HEADERS).status_code == 201
    offered = queued(include_about_you=True)
    assert client.post("/kiosk/api/responses", json=offered, headers=HEADERS).status_code == 201
    with app.app_context(), get_db().read_session() as session:
        found = results.questionnaire_results(session, "young-people", viewer="staff", threshold=1)
    age = dict(next(q for q in found.questions if q.code == "about_age").exclusions)
    assert (age["not_asked"], age["skipped"]) == (1, 1)


@pytest.mark.browser
@ONE_BACKEND
@pytest.mark.parametrize("language, not_answered", [("en", "Not answered"), ("cy", "Heb ei ateb")])
def test_the_kiosk_check_screen_says_when_every_question_about_you_was_left(new_context, live_server, enrol,
                                                                           language, not_answered):
    from .helpers import Tap, enrol_tablet

    new = enrol("young-people")
    page = new_context(has_touch=True).new_page()
    enrol_tablet(page, live_server, new)
    driver = Tap(page)
    driver.choose_language(language)
    driver.begin()
    for _ in range(3):
        driver.choose("yes")
        driver.go_on()
    driver.go_on()  # no comment
    driver.choose("yes")  # answer the questions about me...
    driver.go_on()
    for _ in range(4):
        driver.go_on()  # ...but leave every one
    assert page.locator("[data-action=send]").is_visible()
    rows = page.evaluate("""() => [...document.querySelectorAll('#kiosk-screen [data-row-for]')]
        .filter((row) => !row.hidden).map((row) => [row.dataset.rowFor, row.querySelector('[data-answer-for]').textContent])""")
    codes = [code for code, _ in rows]
    assert codes.index("about-you") < codes.index("about_gender")
    assert dict(rows)["about-you"] == not_answered
    assert page.locator("#kiosk-screen .govuk-caption-l, #kiosk-screen .govuk-caption-m").count() == 0
