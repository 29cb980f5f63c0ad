"""Each kiosk questionnaire answered in a real browser, by tap and by keyboard, in English and Welsh.

After each finish the tablet shows nothing of the person before: not on screen, not through
the back button, not in the caches, storage or cookies. SQLite only: the browser does not
depend on the database, and test_sync.py covers the store on both backends.
"""

from __future__ import annotations

import pytest

from feedback.questionnaires import ABOUT_YOU_DECLINED

from .helpers import (
    ONE_BACKEND,
    SHELL,
    SMALL_TARGETS,
    Keyboard,
    Tap,
    enrol_tablet,
    h1,
    html_lang,
    stored,
    wait_until_sent,
)

pytestmark = [pytest.mark.browser, ONE_BACKEND]

# What each person answers: (question, how, value), then whether they answer "About you".
PLANS = {
    "adult-service-user": (
        [
            ("working_relationship", "choose", "yes"),
            ("plan_involvement", "choose", "no"),
            ("progress_discussed", "choose", "yes"),
            ("help_received", "tick", ["accommodation", "money"]),
            ("think_about_offending", "choose", "yes"),
            ("victim_awareness", "choose", "no"),
            ("less_likely", "choose", "yes"),
            ("comments", "write", "My officer listens — diolch."),
        ],
        [("about_gender", "choose", "female"), ("about_ethnic_group", "skip", None),
         ("about_disability", "choose", "prefer_not_to_say"), ("about_age", "choose", "25_34"),
         ("about_sexual_orientation", "skip", None)],
    ),
    "young-people": (
        [
            ("less_likely", "choose", "yes"),
            ("life_better", "choose", "no"),
            ("easy_to_understand", "choose", "yes"),
            ("comments", "write", "Mae fy ngweithiwr yn garedig."),
        ],
        None,
    ),
    "youth-victims": (
        [
            ("service_satisfaction", "choose", "no"),
            ("concerns_heard", "choose", "yes"),
            ("safety_attention", "choose", "yes"),
            ("comments", "skip", None),
        ],
        [("about_gender", "skip", None), ("about_ethnic_group", "choose", "white"),
         ("about_disability", "skip", None), ("about_age", "choose", "45_54"),
         ("about_sexual_orientation", "skip", None)],
    ),
}

HEADINGS = {
    ("young-people", "en"): "Tell us what you think of your YOT",
    ("young-people", "cy"): "Dywedwch wrthon ni beth rydych chi'n ei feddwl o'ch TTI",
}


def expected_rows(plan) -> list[tuple[str, str, str | None]]:
    main, about = plan
    rows = []
    for code, how, value in main + (about or []):
        if how == "choose":
            rows.append((code, value, None))
        elif how == "tick":
            rows += [(code, v, None) for v in value]
        elif how == "write":
            rows.append((code, "text", value))
    if about is None:
        rows.append((*ABOUT_YOU_DECLINED, None))  # declined: its questions count them as not asked
    return sorted(rows)


def check_screen(page, language: str, tap: bool) -> None:
    """What every kiosk screen keeps: its language, one heading that names it, big targets."""
    assert html_lang(page) == language
    assert page.locator("h1:visible").count() == 1
    # The start screen's heading names the questionnaire in both languages, one line each.
    heading = page.evaluate("""() => {
      const h1 = document.querySelector('#kiosk-screen h1');
      return (h1.querySelector('.app-kiosk-start__title-line') || h1).textContent.replace(/\\s+/g, ' ').trim();
    }""")
    caption = page.evaluate("() => (document.querySelector('#kiosk-screen h1 [class*=govuk-caption]') || {}).textContent || ''")
    title = page.title().removeprefix("Error: ").removeprefix("Gwall: ")
    assert title.startswith(heading.replace(caption.strip(), "").strip()), (page.title(), heading)
    assert not page.locator("a[href^='http'], a[target]").count(), "a link out of the kiosk"
    if tap:
        small = page.evaluate(SMALL_TARGETS)
        assert not small, "touch targets under 44px:\n" + "\n".join(small)


def answer(driver, how: str, value) -> None:
    if how == "choose":
        driver.choose(value)
    elif how == "tick":
        driver.tick(value)
    elif how == "write":
        driver.write(value)
    driver.go_on()


@pytest.mark.parametrize("mode", ["tap", "keyboard"])
@pytest.mark.parametrize("language", ["en", "cy"])
@pytest.mark.parametrize("questionnaire", list(PLANS))
def test_a_kiosk_survey_is_completed_and_forgotten(new_context, live_server, enrol, db, questionnaire, language, mode):
    new = enrol(questionnaire)
    context = new_context(has_touch=mode == "tap")
    page = context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    enrol_tablet(page, live_server, new)
    driver = Tap(page) if mode == "tap" else Keyboard(page)
    tap = mode == "tap"

    check_screen(page, "en", tap)
    driver.choose_language(language)
    check_screen(page, language, tap)
    if (questionnaire, language) in HEADINGS:
        assert h1(page) == HEADINGS[(questionnaire, language)]
    driver.begin()

    main, about = PLANS[questionnaire]
    # A required question left unanswered: the error summary says what to do, in the language.
    driver.go_on()
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.title().startswith("Error: " if language == "en" else "Gwall: ")
    for code, how, value in main:
        assert page.locator(f"#kiosk-screen form[data-question={code}]").count() == 1, code
        check_screen(page, language, tap)
        answer(driver, how, value)
    assert page.locator("#kiosk-screen form[data-question=about-you]").count() == 1
    driver.choose("yes" if about else "no")
    driver.go_on()
    for code, how, value in about or []:
        assert page.locator(f"#kiosk-screen form[data-question={code}]").count() == 1, code
        check_screen(page, language, tap)
        answer(driver, how, value)

    check_screen(page, language, tap)
    assert page.locator("[data-action=send]").is_visible()
    comment = next((v for c, h, v in main if h == "write"), None)
    if comment:
        assert comment in page.locator("#kiosk-screen").inner_text()
    driver.send()
    page.locator(".govuk-panel--confirmation").wait_for()
    check_screen(page, language, tap)

    # Sent when online: the queue empties and one row is stored, as answered.
    wait_until_sent(page)
    [response] = stored(db)
    assert (response.channel, response.language, response.device_id) == ("kiosk", language, new.device.id)
    assert sorted((a.question_code, a.value, a.text) for a in response.answers) == expected_rows(PLANS[questionnaire])

    # Finish: a fresh start screen, and the back button shows nothing of this person.
    driver.finish()
    page.wait_for_selector("button[data-language]:not([disabled])")
    assert page.url.endswith(SHELL)
    page.go_back()
    page.go_back()
    assert page.url.endswith(SHELL)
    assert page.locator("button[data-language]").count() == 2
    if comment:
        assert comment not in page.content()
        assert not page.evaluate(
            """async (text) => {
              for (const key of await caches.keys()) {
                const cache = await caches.open(key);
                for (const request of await cache.keys()) {
                  const body = await (await cache.match(request)).text();
                  if (body.includes(text)) return request.url;
                }
              }
              return false;
            }""",
            comment,
        )
    assert page.evaluate("() => localStorage.length + sessionStorage.length") == 0
    assert not [c for c in context.cookies() if c["name"] == "session"]
    assert not errors, errors
