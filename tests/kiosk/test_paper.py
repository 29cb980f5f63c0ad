"""Paper: every questionnaire prints as a bilingual form; staff type returns in, each stored once."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from feedback import questionnaires
from feedback.models import Inspection, Response
from tests.helpers.pages import Browser

from .conftest import STAFF_PASSWORD


@pytest.fixture
def staff(client, staff_user):
    browser = Browser(client)
    browser.get("/staff/sign-in?next=/staff/paper/")
    page = browser.submit({"email": staff_user, "password": STAFF_PASSWORD})
    assert page.h1 == "Paper returns"
    return browser


def page_key(page) -> str:
    """The key a blank entry form was issued with: the last part of its address."""
    path = urlsplit(page.response.request.url).path
    assert path.rsplit("/", 2)[-2] == "enter", path
    return path.rsplit("/", 1)[-1]


def rows(db):
    db.commit()
    return list(db.execute(select(Response).order_by(Response.id)).scalars())


@pytest.mark.parametrize("definition", questionnaires.ALL, ids=lambda d: d.code)
def test_every_questionnaire_prints_in_english_and_welsh(staff, definition):
    page = staff.get(f"/staff/paper/{definition.code}/form")
    paper = page.soup.select_one("article.app-paper")
    english = [p.get_text(" ", strip=True) for p in paper.select(".app-paper__text[lang=en]")]
    welsh = [p.get_text(" ", strip=True) for p in paper.select(".app-paper__text[lang=cy]")]
    assert len(english) == len(welsh) == len(definition.all_questions)
    assert english[0].startswith("1. ") and welsh[0].startswith("1. ")
    assert english != welsh, "the Welsh column is not translated"
    assert paper.select_one(".app-paper__title [lang=cy]").get_text(strip=True)
    closed = [q for q in definition.all_questions if q.kind != "text"]
    assert len(paper.select(".app-paper__box")) == sum(len(q.scale.options) for q in closed)
    assert len(paper.select(".app-paper__write")) == len(definition.all_questions) - len(closed)
    # Printing hides everything but the form: the stylesheet and the button are there.
    assert page.soup.select_one("link[href='/assets/kiosk/print.css']")
    assert page.soup.select_one(".app-no-print [data-action=print]")


def test_a_paper_return_is_typed_in_and_stored_once(staff, demo_data, db):
    inspection = db.execute(select(Inspection).where(Inspection.code == "omi2-2012-wales")).scalar_one()
    page = staff.get("/staff/paper/adult-service-user/enter")
    assert page.h1 == "Type in a paper return"
    key = page_key(page)
    answers = {
        "inspection": str(inspection.id), "language": "cy",
        "working_relationship": "yes", "plan_involvement": "no", "help_received": ["money", "health"],
        "less_likely": "yes", "comments": "Ysgrifennwyd ar bapur.", "about_age": "25_34",
    }
    saved = staff.submit(answers, button=("then", "another"))
    assert saved.h1 == "Type in a paper return"
    [response] = rows(db)
    banner = saved.soup.select_one("#saved-banner")
    assert f"Return {response.id} saved. Type in the next one." in banner.get_text(" ", strip=True)
    # A slip noticed at once is corrected from here: the same return, changed.
    assert banner.select_one("a")["href"] == f"/staff/paper/adult-service-user/returns/{response.id}"
    assert banner.select_one("a").get_text() == f"Change return {response.id}"
    assert (response.channel, response.language, response.inspection_id) == ("paper", "cy", inspection.id)
    assert response.submission_key == key
    given = sorted((a.question_code, a.value, a.text) for a in response.answers)
    assert given == [
        ("about_age", "25_34", None), ("comments", "text", "Ysgrifennwyd ar bapur."),
        ("help_received", "health", None), ("help_received", "money", None),
        ("less_likely", "yes", None), ("plan_involvement", "no", None), ("working_relationship", "yes", None),
    ]
    # The next form keeps the inspection and the language, and has a key of its own.
    assert saved.soup.select_one(f"#inspection option[value='{inspection.id}']").has_attr("selected")
    assert saved.soup.select_one("input[name=language][value=cy]").has_attr("checked")
    assert page_key(saved) != key
    assert saved.checked_values() == ["cy"]

    # The same form sent again (a double press, a resent request) stores nothing new.
    token = saved.csrf_token()
    again = staff.client.post(f"/staff/paper/adult-service-user/enter/{key}",
                              data={**answers, "csrf_token": token, "then": "finish"})
    assert again.status_code == 409
    assert len(rows(db)) == 1


def test_save_and_finish_goes_back_to_the_list(staff, db):
    staff.get("/staff/paper/youth-victims/enter")
    done = staff.submit({"service_satisfaction": "yes"}, button=("then", "finish"))
    assert done.h1 == "Paper returns"
    [response] = rows(db)
    assert f"Return {response.id} saved." in done.main_text
    assert done.soup.select_one(".govuk-notification-banner a")["href"] == f"/staff/paper/youth-victims/returns/{response.id}"
    assert (response.channel, response.language, response.inspection_id) == ("paper", "en", None)


def test_an_empty_return_is_not_stored(staff, db):
    staff.get("/staff/paper/young-people/enter")
    page = staff.submit({}, button=("then", "another"))
    assert page.status == 400
    assert page.error_summary() == [("Enter at least one answer from the paper form", "#less_likely")]
    assert page.title.startswith("Error: ")
    assert rows(db) == []


def test_a_forged_key_is_refused(staff, db):
    page = staff.get("/staff/paper/young-people/enter")
    response = staff.client.post("/staff/paper/young-people/enter/short", data={
        "csrf_token": page.csrf_token(), "less_likely": "yes",
    })
    assert response.status_code == 404
    assert rows(db) == []


def test_only_questionnaires_returned_on_paper_are_typed_in(staff):
    assert staff.client.get("/staff/paper/post-inspection-evaluation/enter").status_code == 404
    assert staff.client.get("/staff/paper/post-inspection-evaluation/form").status_code == 200
    index = staff.get("/staff/paper/")
    assert len(index.soup.select("a[href$='/form']")) == len(questionnaires.ALL)
    assert len(index.soup.select("a[href$='/enter']")) == len([q for q in questionnaires.ALL if "paper" in q.channels])
