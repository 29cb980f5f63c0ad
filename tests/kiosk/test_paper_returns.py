"""Paper returns stored exactly as typed: each with its own language and inspection, once,
corrected in place (and in the figures), and nothing typed lost by switching language."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from feedback.counting import count_all_waiting
from feedback.models import AuditEvent, Device, Response
from feedback.results import Filters, questionnaire_results
from tests.helpers.pages import Browser
from tests.test_answer_counts import assert_counts_hold

from .conftest import STAFF_PASSWORD
from .test_paper import page_key, rows

CODE = "youth-victims"
ENTER = f"/staff/paper/{CODE}/enter"


@pytest.fixture
def staff(client, staff_user):
    browser = Browser(client)
    browser.get(f"/staff/sign-in?next={ENTER}")
    page = browser.submit({"email": staff_user, "password": STAFF_PASSWORD})
    assert page.h1 == "Type in a paper return"
    return browser


def inspection_options(page) -> list[tuple[str, str]]:
    """The inspections offered on the entry form: (id, code)."""
    return [(o["value"], o.get_text().rsplit("(", 1)[1].rstrip(")"))
            for o in page.soup.select("#inspection option") if o["value"]]


def selected_inspection(page) -> str:
    chosen = page.soup.select_one("#inspection option[selected]")
    return chosen["value"] if chosen else ""


def given(response: Response) -> list[tuple]:
    return sorted((a.question_code, a.value, a.text) for a in response.answers)


def paper_figure(db, question: str, **filters):
    db.commit()
    return questionnaire_results(db, CODE, Filters(channel="paper", **filters), threshold=1).question(question)


def audit_events(db) -> list[AuditEvent]:
    db.commit()
    return list(db.execute(select(AuditEvent).where(AuditEvent.action.like("paper_return.%"))
                           .order_by(AuditEvent.id)).scalars())


def test_each_return_keeps_the_language_and_inspection_chosen_for_it(demo_data, staff, db):
    page = staff.page
    (first_id, first_code), (second_id, second_code) = inspection_options(page)[:2]
    typed = [
        ({"inspection": first_id, "language": "cy", "service_satisfaction": "yes"}, ("cy", first_code)),
        ({"inspection": "", "language": "en", "service_satisfaction": "no"}, ("en", None)),
        ({"inspection": second_id, "language": "cy", "concerns_heard": "yes"}, ("cy", second_code)),
        ({"inspection": second_id, "language": "en", "safety_attention": "no"}, ("en", second_code)),
    ]
    for number, (answers, _expected) in enumerate(typed):
        last = number == len(typed) - 1
        page = staff.submit(answers, button=("then", "finish" if last else "another"))
        if not last:
            # The next blank form starts from this return's choices (its address carries them)...
            assert selected_inspection(page) == answers["inspection"]
            assert page.checked_values() == [answers["language"]]
    # ...but each return is stored with what was chosen for it.
    stored = rows(db)
    assert [(r.language, r.inspection.code if r.inspection else None) for r in stored] == [e for _, e in typed]
    assert [r.channel for r in stored] == ["paper"] * 4


def test_back_and_save_again_stores_nothing_new_and_offers_to_change_it(demo_data, staff, db):
    form = staff.page
    key = page_key(form)
    answers = {"language": "cy", "service_satisfaction": "yes", "comments": "Ysgrifennwyd ar bapur."}
    after = staff.submit(answers, button=("then", "another"))
    [response] = rows(db)
    assert page_key(after) != key

    # Back to the saved form, shown afresh (no page cache): it says so at once.
    back = staff.get(f"{ENTER}/{key}")
    assert back.h1 == f"Return {response.id} was already saved"
    change = back.soup.select_one("#change-return")
    assert change["href"] == f"/staff/paper/{CODE}/returns/{response.id}"
    # Back to the form as the browser kept it, and Save pressed again: nothing new is stored.
    again = staff.client.post(f"{ENTER}/{key}", data={**answers, "csrf_token": back.csrf_token(), "then": "another"})
    assert again.status_code == 409
    assert len(rows(db)) == 1
    # Said in the clerk's language.
    welsh = staff.get(f"{ENTER}/{key}?lang=cy")
    assert welsh.lang == "cy"
    assert welsh.h1 == f"Roedd ffurflen {response.id} wedi'i chadw'n barod"
    # A reload of the blank form after a save keeps that form's key: still one return saved.
    reloaded = staff.get(after.response.request.url)
    assert page_key(reloaded) == page_key(after)
    assert len(rows(db)) == 1
    assert [e.action for e in audit_events(db)] == ["paper_return.entered"]


def test_a_key_stored_by_another_channel_is_not_a_paper_return(demo_data, staff, db):
    from feedback.questionnaires import get
    from feedback.responses import store_response

    key = "k" * 43
    with staff.client.application.app_context():
        store_response(db, get(CODE), {"service_satisfaction": "yes"}, submission_key=key, channel="web",
                       language="en")
    assert staff.client.get(f"{ENTER}/{key}").status_code == 404


@pytest.mark.parametrize("counted_first", [True, False], ids=["counted", "waiting"])
def test_a_saved_return_is_corrected_in_place_and_the_figures_follow(demo_data, staff, db, counted_first):
    (inspection_id, inspection_code), _second = inspection_options(staff.page)[:2]
    staff.submit({"language": "en", "service_satisfaction": "yes", "concerns_heard": "yes",
                  "comments": "Typed in wrongly."}, button=("then", "another"))
    [response] = rows(db)
    if counted_first:
        count_all_waiting(db)
        db.commit()
        assert db.get(Response, response.id).counted
    before = paper_figure(db, "service_satisfaction")
    assert (before.positive_percent, before.n) == (100, 1)

    page = staff.get(f"/staff/paper/{CODE}/returns/{response.id}")
    assert page.h1 == f"Change return {response.id}"
    assert sorted(page.checked_values()) == ["en", "yes", "yes"]
    assert page.soup.select_one("textarea[name=comments]").get_text() == "Typed in wrongly."
    changed = staff.submit({"inspection": inspection_id, "language": "cy", "service_satisfaction": "no",
                            "concerns_heard": "yes", "comments": "Typed in right."})
    assert changed.h1 == "Type in a paper return"
    assert f"Return {response.id} changed." in changed.soup.select_one("#saved-banner").get_text()

    [after] = rows(db)
    db.refresh(after)
    assert after.id == response.id
    assert (after.language, after.inspection.code) == ("cy", inspection_code)
    assert given(after) == [("comments", "text", "Typed in right."), ("concerns_heard", "yes", None),
                            ("service_satisfaction", "no", None)]
    # The figures say what the return now says: on both counting paths, on both backends.
    figure = paper_figure(db, "service_satisfaction")
    assert (figure.positive_percent, figure.n) == (0, 1)
    assert paper_figure(db, "service_satisfaction", language="en").n == 0
    assert paper_figure(db, "service_satisfaction", language="cy").n == 1
    assert paper_figure(db, "service_satisfaction", inspection=inspection_code).n == 1
    assert_counts_hold(db)

    entered, corrected = audit_events(db)
    assert (entered.action, entered.subject_type, entered.subject_id) == (
        "paper_return.entered", "Response", str(response.id))
    assert entered.actor == "inspector@justice.gov.uk"
    assert (corrected.action, corrected.subject_id) == ("paper_return.corrected", str(response.id))
    assert corrected.detail["changed"] == ["language", "inspection", "service_satisfaction", "comments"]
    assert "Typed" not in json.dumps([entered.detail, corrected.detail])


def test_a_correction_that_changes_nothing_writes_nothing(demo_data, staff, db):
    staff.submit({"language": "en", "service_satisfaction": "yes"}, button=("then", "another"))
    [response] = rows(db)
    staff.get(f"/staff/paper/{CODE}/returns/{response.id}")
    page = staff.submit({"language": "en", "service_satisfaction": "yes"})
    assert f"Return {response.id} was not changed." in page.soup.select_one("#saved-banner").get_text()
    assert [e.action for e in audit_events(db)] == ["paper_return.entered"]
    assert len(rows(db)) == 1


def test_a_return_from_another_questionnaire_or_channel_cannot_be_changed_here(staff, db):
    staff.submit({"language": "en", "service_satisfaction": "yes"}, button=("then", "another"))
    [response] = rows(db)
    assert staff.client.get(f"/staff/paper/adult-victims/returns/{response.id}").status_code == 404
    assert staff.client.get(f"/staff/paper/{CODE}/returns/{response.id + 1}").status_code == 404


def test_switching_language_on_the_entry_form_keeps_what_was_typed(demo_data, staff, db):
    (inspection_id, _code), _second = inspection_options(staff.page)[:2]
    key = page_key(staff.page)
    typed = {"inspection": inspection_id, "language": "cy", "service_satisfaction": "no",
             "comments": "Hanner ffordd."}
    welsh = staff.switch_language("cy", typed)
    assert welsh.status == 200
    assert welsh.lang == "cy"
    assert welsh.h1 == "Teipio ffurflen bapur"
    assert page_key(welsh) == key  # the same return, still to be saved
    assert selected_inspection(welsh) == inspection_id
    assert sorted(welsh.checked_values()) == ["cy", "no"]
    assert welsh.soup.select_one("textarea[name=comments]").get_text() == "Hanner ffordd."
    assert welsh.error_summary() == []
    assert rows(db) == []
    # Back to English, the rest typed in, and saved: one return, as typed.
    english = staff.switch_language("en", {**typed, "concerns_heard": "yes"})
    assert english.lang == "en"
    assert sorted(english.checked_values()) == ["cy", "no", "yes"]
    staff.submit({**typed, "concerns_heard": "yes"}, button=("then", "another"))
    [response] = rows(db)
    assert response.language == "cy"
    assert given(response) == [("comments", "text", "Hanner ffordd."), ("concerns_heard", "yes", None),
                               ("service_satisfaction", "no", None)]


def test_switching_language_while_changing_a_return_keeps_what_was_typed(staff, db):
    staff.submit({"language": "en", "service_satisfaction": "yes"}, button=("then", "another"))
    [response] = rows(db)
    staff.get(f"/staff/paper/{CODE}/returns/{response.id}")
    welsh = staff.switch_language("cy", {"language": "en", "service_satisfaction": "no"})
    assert welsh.lang == "cy"
    assert sorted(welsh.checked_values()) == ["en", "no"]
    db.refresh(response)
    assert given(response) == [("service_satisfaction", "yes", None)]  # nothing saved by a switch


def test_the_language_of_each_form_language_is_on_its_words(staff):
    english = staff.page.soup.select_one("input[name=language][value=en]")
    welsh = staff.page.soup.select_one("input[name=language][value=cy]")
    assert not english.has_attr("lang") and not welsh.has_attr("lang")
    label = staff.page.soup.select_one(f"label[for={english['id']}] [lang=en]")
    assert label.get_text() == "English"
    assert staff.page.soup.select_one(f"label[for={welsh['id']}] [lang=cy]").get_text() == "Cymraeg"


def test_switching_language_on_sign_in_keeps_the_email(client, staff_user):
    browser = Browser(client)
    browser.get("/staff/sign-in?next=/staff/paper/")
    welsh = browser.switch_language("cy", {"email": staff_user, "password": STAFF_PASSWORD})
    assert welsh.lang == "cy"
    assert welsh.h1 == "Mewngofnodi"
    assert welsh.soup.select_one("#email")["value"] == staff_user
    assert welsh.error_summary() == []
    # Not signed in by the switch; the password is never written back into a page.
    assert not welsh.soup.select_one("#password").get("value")
    signed_in = browser.submit({"email": staff_user, "password": STAFF_PASSWORD})
    assert signed_in.lang == "cy"
    assert signed_in.h1 == "Ffurflenni papur"


def test_switching_language_while_setting_up_a_kiosk_keeps_what_was_typed(demo_data, staff, db):
    page = staff.get("/staff/kiosks/new")
    inspection = page.soup.select("#inspection option")[1]["value"]
    typed = {"questionnaire": "adult-service-user", "site": "Swyddfa Caerdydd", "inspection": inspection,
             "welsh_first": "y"}
    welsh = staff.switch_language("cy", typed)
    assert welsh.lang == "cy"
    assert welsh.error_summary() == []
    assert welsh.soup.select_one("#site")["value"] == "Swyddfa Caerdydd"
    assert welsh.soup.select_one("input[name=questionnaire][value=adult-service-user]").has_attr("checked")
    assert welsh.soup.select_one("#inspection option[selected]")["value"] == inspection
    assert welsh.soup.select_one("input[name=welsh_first]").has_attr("checked")
    db.commit()
    assert db.execute(select(Device)).first() is None  # nothing set up by the switch
