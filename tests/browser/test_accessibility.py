"""Every kind of page a respondent can meet passes axe-core's WCAG 2.2 AA checks, in both languages.

axe-core is injected into a context that bypasses the Content Security Policy; the journeys in
test_keyboard_journeys.py keep the policy and check that nothing breaks it. The database does
not change what a page looks like, so this runs on the first backend only. Each page is also
saved as a screenshot in test-artifacts/screenshots/ by `make screenshots`, to look at.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from .helpers import (
    ONE_BACKEND,
    axe_violations,
    describe_violations,
    html_lang,
    leaving,
    make_link,
    screenshot,
)

pytestmark = [pytest.mark.browser, ONE_BACKEND]


@pytest.mark.parametrize("language", ["en", "cy"])
def test_every_page_of_the_journey_passes_axe(axe_page, live_server, demo_data, language):
    page = axe_page
    found: dict[str, list[dict]] = {}

    def check(name: str, path: str) -> None:
        assert urlsplit(page.url).path.startswith(path), f"{name}: at {page.url}"
        assert html_lang(page) == language, f"{name}: <html lang={html_lang(page)!r}>"
        found[name] = axe_violations(page)
        screenshot(page, language, name)

    def submit() -> None:
        with leaving(page):
            page.locator("main form .govuk-button").click()

    page.goto(live_server(f"/?lang={language}"))  # the choice is kept for the visit
    check("01-home", "/")

    single_use = make_link(demo_data, "omi2-2011-greater-manchester")
    page.goto(live_server(single_use))
    check("02-start", "/i/")

    submit()
    check("03-question-radios", "/survey/questions/planning_clarity")
    submit()
    assert page.locator(".govuk-error-summary").is_visible()
    check("04-question-error", "/survey/questions/planning_clarity")

    for value in ("fully", "mainly", "partly", "fully", "not_at_all"):
        page.locator(f"input[name=answer][value={value}]").check()
        submit()
    page.locator("textarea[name=answer]").fill("Diolch — ŵ ŷ. The team were helpful.")
    check("05-question-character-count", "/survey/questions/comments")
    submit()
    check("06-check-answers", "/survey/check")
    submit()
    check("07-confirmation", "/survey/complete")

    assert page.goto(live_server(single_use)).status == 404
    check("08-link-unusable", "/i/")
    assert page.goto(live_server("/no-such-page")).status == 404
    check("09-not-found", "/no-such-page")

    # The offender managers' questionnaire ends by asking whether to answer questions about you.
    shared = make_link(demo_data, "omi2-2011-greater-manchester", "offender-manager")
    page.goto(live_server(shared))
    submit()
    page.goto(live_server("/survey/about-you"))
    check("10-about-you", "/survey/about-you")
    submit()
    assert page.locator(".govuk-error-summary").is_visible()
    check("11-about-you-error", "/survey/about-you")

    failing = {name: v for name, v in found.items() if v}
    assert not failing, "axe-core found violations:\n" + describe_violations(failing)


def test_axe_is_in_every_page_of_the_context_and_reports_what_it_finds(axe_page, live_server):
    """The audits above can fail: axe is loaded as each page starts, and a fault is reported."""
    axe_page.goto(live_server("/"))
    assert axe_page.evaluate("() => typeof window.axe") == "object"
    axe_page.evaluate(
        """() => { const image = document.createElement("img"); image.src = "/no-such.png";
                   document.querySelector("main").append(image) }"""
    )
    assert "image-alt" in [violation["id"] for violation in axe_violations(axe_page)]
