"""Every Welsh page of every journey is marked lang="cy", and any English on it lang="en".

The page invariants (tests/helpers/pages.py) check the English: every page parsed in the suite
that says it is Welsh may carry no known English text outside a lang="en" element.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from feedback import questionnaires
from tests.helpers.pages import Browser, parse, unmarked_english
from tests.test_staff import PASSWORD, sign_in
from tests.test_web_journey import make_link

LINKED = [d for d in questionnaires.ALL if d.invitation_mode is not None]
INSPECTION_FOR = {"OMI2": "omi2-2012-wales", "CCI": "sqs-2012-cardiff"}


def inspection_for(definition) -> str:
    for programme in definition.programmes:
        if programme in INSPECTION_FOR:
            return INSPECTION_FOR[programme]
    return "sqs-2012-cardiff"


def answer_for(page) -> dict:
    """Give the first answer a page offers (or a few Welsh words), as a respondent would."""
    form = page.soup.select_one("main form")
    radio = form.select_one("input[type=radio][name=answer]")
    if radio is not None:
        return {"answer": radio["value"]}
    box = form.select_one("input[type=checkbox][name=answer]")
    if box is not None:
        return {"answer": [box["value"]]}
    if form.select_one("textarea[name=answer]") is not None:
        return {"answer": "Diolch yn fawr."}
    return {}


@pytest.mark.parametrize("definition", LINKED, ids=lambda d: d.code)
def test_every_page_of_a_welsh_journey_is_welsh(browser, demo_data, definition):
    page = browser.get(make_link(demo_data, inspection_for(definition), definition.code) + "?lang=cy")
    seen = [page]
    page = browser.submit()
    while page.response.request.path != "/survey/check":
        seen.append(page)
        assert len(seen) < 40, "the journey does not end"
        page = browser.submit(answer_for(page) if "about-you" not in page.response.request.path else {"answer": "yes"})
    seen.append(page)
    seen.append(browser.submit())
    assert seen[-1].response.request.path == "/survey/complete"
    # Each page was parsed with the invariants: lang="cy", and no unmarked English.
    assert [p.lang for p in seen] == ["cy"] * len(seen), [p.response.request.path for p in seen if p.lang != "cy"]
    assert all(p.status == 200 for p in seen)


def test_every_welsh_kiosk_screen_is_welsh(client, app, db, demo_data):
    from sqlalchemy import select

    from feedback import kiosk
    from feedback.models import Inspection
    from tests.kiosk.conftest import STAFF_PASSWORD  # noqa: F401  (the kiosk fixtures' module)
    from tests.kiosk.test_enrolment import bind

    for definition in kiosk.kiosk_questionnaires():
        inspection = db.execute(select(Inspection).where(Inspection.code == inspection_for(definition))).scalar_one()
        with app.app_context():
            new = kiosk.enrol(db, definition.code, "Caerdydd", inspection=inspection
                              if definition.code != "adult-service-user" else None,
                              method=app.config["PASSWORD_HASH_METHOD"])
        db.commit()
        client._cookies.clear()
        shell = bind(client, new.path())
        screens = shell.soup.select("template[id^=kiosk-cy-]")
        assert screens, definition.code
        for screen in screens:
            inside = BeautifulSoup(screen.decode_contents(), "html.parser")
            assert not unmarked_english(inside), (definition.code, screen["id"], unmarked_english(inside))
        for screen in shell.soup.select("template[id^=kiosk-en-]"):
            assert unmarked_english(BeautifulSoup(screen.decode_contents(), "html.parser")), "the check finds English"


STAFF_PAGES = [
    "/staff/?lang=cy",
    "/staff/inspections?lang=cy",
    "/staff/inspections/thematic-2011-lscbs-in-wales?lang=cy",
    "/staff/inspections/omi2-2011-greater-manchester?lang=cy",
    "/staff/kiosks/new?lang=cy",
    "/staff/paper/?lang=cy",
    "/staff/paper/young-people/form?lang=cy",
] + [f"/staff/results/{d.code}?period=2011-12&lang=cy" for d in questionnaires.ALL] + [
    f"/staff/results/{d.code}/comments?period=2011-12&lang=cy" for d in questionnaires.ALL
]


def test_every_welsh_staff_page_is_welsh(client, runner, demo_returns):
    result = runner.invoke(args=["users", "add", "admin@justice.gov.uk", "--role", "admin", "--password-stdin"],
                           input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    browser = Browser(client)
    sign_in(browser, "admin@justice.gov.uk")
    for path in STAFF_PAGES:
        page = browser.get(path)  # the invariants: no unmarked English on a Welsh page
        assert page.status == 200, path
        assert page.lang == "cy", path


def test_the_check_finds_english_left_unmarked_on_a_welsh_page():
    welsh = BeautifulSoup('<html lang="cy"><main><p>Check your answers before sending them</p>'
                          '<p><span lang="en">Wales Probation Trust</span></p>'
                          '<p>Greater Manchester Probation Trust</p></main></html>', "html.parser")
    assert unmarked_english(welsh) == ["Check your answers before sending them", "Greater Manchester Probation Trust"]


def test_pages_are_checked_for_english_through_parse(client):
    page = parse(client.get("/?lang=cy"))
    assert page.lang == "cy"
