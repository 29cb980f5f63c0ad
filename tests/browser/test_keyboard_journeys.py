"""Respondents who use only a keyboard can answer, in English and in Welsh.

Every step is Tab, Shift+Tab, Space, Enter or an arrow key: nothing is clicked. The pages keep
the service's Content Security Policy, and the console must stay free of errors, so a script
the policy blocks, or GOV.UK Frontend failing to start, fails the test.
"""

from __future__ import annotations

import pytest

from .helpers import (
    ONE_BACKEND,
    assert_frontend_initialised,
    choose_radio,
    continue_with_keyboard,
    focus_matches,
    h1,
    html_lang,
    make_link,
    press_and_load,
    stored_responses,
    tab_to,
    type_into,
)

pytestmark = pytest.mark.browser

PIE_QUESTIONS = [
    "planning_clarity",
    "pre_inspection_planning",
    "team_conduct",
    "requests_reasonable",
    "overall_management",
]
ENGLISH_ANSWERS = ["fully", "mainly", "partly", "fully", "not_at_all"]
WELSH_ANSWERS = ["not_at_all", "partly", "mainly", "fully", "mainly"]
SWITCH = "button[name=switch_language]"


def on_page(page, path: str, language: str) -> None:
    """Check where the browser is, its language, and that GOV.UK Frontend started."""
    assert page.url.split("?")[0].endswith(path), page.url
    assert html_lang(page) == language
    assert_frontend_initialised(page)


def answer_radios_by_keyboard(page, answers: list[str], language: str, first: int = 0) -> None:
    for code, value in list(zip(PIE_QUESTIONS, answers, strict=True))[first:]:
        on_page(page, f"/survey/questions/{code}", language)
        choose_radio(page, value)
        continue_with_keyboard(page)


def stored_answers(db) -> tuple[tuple[str, str], dict[str, tuple[str, str | None]]]:
    [response] = stored_responses(db)
    answers = {a.question_code: (a.value, a.text) for a in response.answers}
    return (response.channel, response.language), answers


def test_post_inspection_evaluation_by_keyboard_in_english(page, console, live_server, demo_data):
    page.goto(live_server(make_link(demo_data, "omi2-2011-greater-manchester")))
    assert html_lang(page) == "en"
    assert h1(page) == "Post-inspection evaluation"
    assert_frontend_initialised(page)

    page.keyboard.press("Tab")
    assert focus_matches(page, ".govuk-skip-link"), "the first Tab should reach the skip link"
    tab_to(page, ".govuk-button--start")
    press_and_load(page)

    # Continuing without an answer: the error summary takes focus, and its link leads to the radios.
    on_page(page, "/survey/questions/planning_clarity", "en")
    continue_with_keyboard(page)
    assert page.title().startswith("Error: ")
    assert focus_matches(page, ".govuk-error-summary")
    tab_to(page, ".govuk-error-summary a")
    page.keyboard.press("Enter")
    assert focus_matches(page, "input#answer"), "the error link should focus the first radio"

    answer_radios_by_keyboard(page, ENGLISH_ANSWERS, "en")

    on_page(page, "/survey/questions/comments", "en")
    type_into(page, "textarea[name=answer]", "The team were helpful.")
    status = page.locator(".govuk-character-count__status")
    assert " ".join(status.inner_text().split()) == "You have 1,978 characters remaining"
    continue_with_keyboard(page)

    on_page(page, "/survey/check", "en")
    assert h1(page) == "Check your answers before sending them"
    tab_to(page, "main form .govuk-button")
    press_and_load(page)

    on_page(page, "/survey/complete", "en")
    assert h1(page) == "Answers sent"
    console.assert_clean()

    identity, answers = stored_answers(demo_data)
    assert identity == ("web", "en")
    assert answers == {
        **{code: (value, None) for code, value in zip(PIE_QUESTIONS, ENGLISH_ANSWERS, strict=True)},
        "comments": ("text", "The team were helpful."),
    }


def test_an_invitation_to_wales_is_answered_by_keyboard_in_welsh(page, console, live_server, demo_data):
    page.goto(live_server(make_link(demo_data, "omi2-2012-wales")))
    assert html_lang(page) == "cy", "invitations to organisations in Wales open in Welsh"
    assert_frontend_initialised(page)
    tab_to(page, ".govuk-button--start")
    press_and_load(page)

    answer_radios_by_keyboard(page, WELSH_ANSWERS, "cy")

    on_page(page, "/survey/questions/comments", "cy")
    comment = "Roedd y tîm yn gwrtais iawn. Diolch yn fawr — ŵ ŷ"
    type_into(page, "textarea[name=answer]", comment)
    continue_with_keyboard(page)

    on_page(page, "/survey/check", "cy")
    tab_to(page, "main form .govuk-button")
    press_and_load(page)

    on_page(page, "/survey/complete", "cy")
    console.assert_clean()

    identity, answers = stored_answers(demo_data)
    assert identity == ("web", "cy")
    assert answers == {
        **{code: (value, None) for code, value in zip(PIE_QUESTIONS, WELSH_ANSWERS, strict=True)},
        "comments": ("text", comment),
    }


def test_the_language_switch_keeps_what_was_entered(page, console, live_server, demo_data):
    page.goto(live_server(make_link(demo_data, "omi2-2011-greater-manchester")))
    tab_to(page, ".govuk-button--start")
    press_and_load(page)

    choose_radio(page, "mainly")
    # The switch sits above the form: go back up to it.
    tab_to(page, SWITCH, backwards=True)
    assert page.evaluate("() => document.activeElement.lang") == "cy"
    press_and_load(page)
    on_page(page, "/survey/questions/planning_clarity", "cy")
    assert page.locator("input[name=answer]:checked").get_attribute("value") == "mainly"

    tab_to(page, SWITCH)
    press_and_load(page)
    on_page(page, "/survey/questions/planning_clarity", "en")
    assert page.locator("input[name=answer]:checked").get_attribute("value") == "mainly"

    continue_with_keyboard(page)
    answer_radios_by_keyboard(page, ENGLISH_ANSWERS, "en", first=1)

    type_into(page, "textarea[name=answer]", "Wedi'i deipio cyn newid iaith")
    tab_to(page, SWITCH, backwards=True)
    press_and_load(page)
    on_page(page, "/survey/questions/comments", "cy")
    assert page.locator("textarea[name=answer]").input_value() == "Wedi'i deipio cyn newid iaith"
    console.assert_clean()


@ONE_BACKEND
def test_the_console_would_report_a_script_the_policy_blocks(page, console, live_server):
    """The journeys' clean console means something: an inline script without the nonce is refused."""
    page.goto(live_server("/"))
    with page.expect_console_message(lambda message: "Content Security Policy" in message.text):
        page.evaluate(
            """() => {
              const script = document.createElement("script");
              script.textContent = "window.__ran = true";
              document.head.append(script);
            }"""
        )
    assert page.evaluate("() => window.__ran") is None
    assert console.csp_violations, console.errors
