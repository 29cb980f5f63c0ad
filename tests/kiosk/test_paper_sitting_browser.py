"""A sitting of paper returns typed in by keyboard, as a clerk would: each stored as typed, once.

Five returns for two inspections, three in Cymraeg and two in English, with the digit keys,
0 to clear and Enter to save; the page switched to Cymraeg half-way through one; Back after
the last and Save again. Then every stored return is checked field by field through
`feedback export --responses`, and the paper channel's figures. SQLite only (the storing
itself is tested on both backends in test_paper_returns.py).
"""

from __future__ import annotations

import csv
import io

import pytest

from feedback.results import Filters, questionnaire_results

from .conftest import STAFF_PASSWORD
from .helpers import ONE_BACKEND, focus_matches, html_lang, stored, tab_to
from .test_paper_browser import sign_in

pytestmark = [pytest.mark.browser, ONE_BACKEND]

CODE = "youth-victims"
ENTER = f"/staff/paper/{CODE}/enter"
ADMIN = "admin@justice.gov.uk"


def choose_language(page, key: str) -> None:
    """From the first question, Shift+Tab back to the form's language and type its digit."""
    page.locator("input[name=service_satisfaction]").first.focus()
    tab_to(page, "input[name=language]", backwards=True)
    page.keyboard.press(key)  # 1 English, 2 Cymraeg; and on to the first question
    assert focus_matches(page, "input[name=service_satisfaction]")


def press_keys(page, *keys: str) -> None:
    for key in keys:
        page.keyboard.press(key)


def save_with_enter(page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#saved-banner").is_visible()


def exported(runner) -> list[dict]:
    result = runner.invoke(args=["export", "--questionnaire", CODE, "--responses", "--staff-email", ADMIN])
    assert result.exit_code == 0, result.output
    text = result.stdout if hasattr(result, "stdout") else result.output
    return list(csv.DictReader(io.StringIO(text[text.index("response_id"):])))


def test_a_sitting_of_returns_is_stored_exactly_as_typed(new_context, live_server, staff_user, runner, demo_data, db):
    added = runner.invoke(args=["users", "add", ADMIN, "--role", "admin", "--password-stdin"],
                          input=STAFF_PASSWORD + "\n")
    assert added.exit_code == 0, added.output
    page = new_context().new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    sign_in(page, live_server, staff_user, ENTER)
    options = page.locator("#inspection option").evaluate_all(
        "options => options.filter(o => o.value).map(o => [o.value, o.textContent])")
    (first, first_name), (second, second_name) = options[:2]
    first_code, second_code = (name.rsplit("(", 1)[1].rstrip(")") for name in (first_name, second_name))

    # 1: the first inspection, in Cymraeg.
    page.select_option("#inspection", first)
    choose_language(page, "2")
    press_keys(page, "1", "2", "1")  # yes, no, yes: each moves on to the next question
    assert focus_matches(page, "textarea[name=comments]")
    page.keyboard.type("Diolch.")
    press_keys(page, "Tab", "2")  # about_gender: male
    save_with_enter(page)

    # 2: the same inspection, in English; a slip taken back with 0.
    assert focus_matches(page, "input[name=service_satisfaction]")
    choose_language(page, "1")
    press_keys(page, "2", "1", "1", "Tab", "1")  # no, yes, yes; about_gender: female...
    page.keyboard.press("Shift+Tab")
    assert focus_matches(page, "input[name=about_gender]:checked")
    page.keyboard.press("0")  # ...taken back: left blank, as on the paper
    save_with_enter(page)

    # 3: the second inspection, in Cymraeg; the page switched to Cymraeg half-way through.
    page.select_option("#inspection", second)
    choose_language(page, "2")
    press_keys(page, "1", "1")
    with page.expect_navigation():
        page.locator("button[name=switch_language][value=cy]").click()
    assert html_lang(page) == "cy"
    assert page.locator("h1").inner_text() == "Teipio ffurflen bapur"
    assert page.locator("#inspection").input_value() == second
    assert page.locator("input[name=language][value=cy]").is_checked()
    assert page.locator("input[name=service_satisfaction][value=yes]").is_checked()
    assert page.locator("input[name=concerns_heard][value=yes]").is_checked()
    assert len(stored(db)) == 2, "switching language saved the return"
    page.locator("input[name=safety_attention]").first.focus()
    press_keys(page, "2", "Tab")  # no; past the comments box (Enter there is a new line)
    save_with_enter(page)  # Enter saves: it never presses the language switch

    # 4: the second inspection, in English (the page stays in Cymraeg).
    assert html_lang(page) == "cy"
    choose_language(page, "1")
    press_keys(page, "2", "2", "2", "Tab")
    save_with_enter(page)

    # 5: the first inspection, in Cymraeg, saved with the button.
    page.select_option("#inspection", first)
    choose_language(page, "2")
    press_keys(page, "1", "1", "1")
    with page.expect_navigation():
        page.locator("button[name=then][value=another]").click()
    assert len(stored(db)) == 5
    fifth = stored(db)[-1].id

    # Back to the fifth, and Save again: still five, and the page says why.
    page.go_back()
    if page.locator("button[name=then][value=another]").count():  # the form, kept by the browser
        with page.expect_navigation():
            page.locator("button[name=then][value=another]").click()
    assert page.locator("h1").inner_text() == f"Roedd ffurflen {fifth} wedi'i chadw'n barod"
    assert page.locator("#change-return").get_attribute("href") == f"/staff/paper/{CODE}/returns/{fifth}"
    assert len(stored(db)) == 5

    # Every return, field by field, as the export gives it.
    rows = exported(runner)
    assert [(r["inspection"], r["language"], r["channel"]) for r in rows] == [
        (first_code, "cy", "paper"), (first_code, "en", "paper"), (second_code, "cy", "paper"),
        (second_code, "en", "paper"), (first_code, "cy", "paper"),
    ]
    answered = [(r["service_satisfaction"], r["concerns_heard"], r["safety_attention"], r["about_gender"])
                for r in rows]
    assert answered == [
        ("yes", "no", "yes", "male"), ("no", "yes", "yes", ""), ("yes", "yes", "no", ""),
        ("no", "no", "no", ""), ("yes", "yes", "yes", ""),
    ]
    # The paper channel's figures: three yes of five; three in Cymraeg, two for the second inspection.
    db.commit()
    figures = questionnaire_results(db, CODE, Filters(channel="paper"), threshold=1)
    satisfied = figures.question("service_satisfaction")
    assert (figures.responses, satisfied.n, satisfied.positive_percent) == (5, 5, 60)
    assert questionnaire_results(db, CODE, Filters(channel="paper", language="cy"), threshold=1).responses == 3
    assert questionnaire_results(db, CODE, Filters(channel="paper", inspection=second_code),
                                 threshold=1).responses == 2
    assert not errors, errors


def test_on_sign_in_the_switch_keeps_the_email_and_enter_still_signs_in(new_context, live_server, staff_user):
    page = new_context().new_page()
    page.goto(live_server("/staff/sign-in?next=/staff/paper/"))
    page.locator("#email").fill(staff_user)
    with page.expect_navigation():
        page.locator("button[name=switch_language][value=cy]").click()
    assert html_lang(page) == "cy"
    assert page.locator("#email").input_value() == staff_user
    assert not page.locator(".govuk-error-summary").count()
    page.locator("#password").fill(STAFF_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")  # the form's own button, not the switch before it in the page
    assert page.locator("h1").inner_text() == "Ffurflenni papur"
