"""axe-core finds nothing on any kiosk, kiosk-staff or paper screen, in English or in Welsh.

axe is injected into a context that bypasses the Content Security Policy; the journeys keep
the policy. `make screenshots` also saves every screen in test-artifacts/screenshots/kiosk/.
SQLite only.
"""

from __future__ import annotations

import pytest

from .conftest import STAFF_PASSWORD
from .helpers import (
    ONE_BACKEND,
    SHELL,
    Tap,
    axe_violations,
    describe_violations,
    enrol_tablet,
    screenshot,
)

pytestmark = [pytest.mark.browser, ONE_BACKEND]


@pytest.mark.parametrize("language", ["en", "cy"])
def test_every_kiosk_and_paper_screen_passes_axe(app, new_context, live_server, enrol, staff_user, demo_data, language):
    page = new_context(bypass_csp=True, has_touch=True).new_page()
    found: dict[str, list[dict]] = {}

    def check(name: str, lang: str | None = language) -> None:
        if lang:
            assert page.evaluate("() => document.documentElement.lang") == lang, name
        found[name] = axe_violations(page)
        screenshot(page, f"{language}-{name}")

    def navigate(action) -> None:
        with page.expect_navigation():
            action()

    tap = Tap(page)
    new = enrol("adult-service-user", inspection="omi2-2012-wales" if language == "cy" else None)
    page.goto(live_server(new.path() + f"?lang={language}"))
    check("01-enrol")
    page.context.clear_cookies()  # the language choice belongs to staff, not to the kiosk
    enrol_tablet(page, live_server, new)
    check("02-start")  # Welsh first for a tablet in Wales
    tap.choose_language(language)
    check("03-intro")
    tap.begin()
    check("04-question")
    tap.go_on()
    page.locator(".govuk-error-summary").wait_for()
    check("05-question-error")
    for value in ("yes", "no", "yes"):
        tap.choose(value)
        tap.go_on()
    check("06-question-checkboxes")
    tap.tick(["ete", "health"])
    tap.go_on()
    for value in ("yes", "yes", "no"):
        tap.choose(value)
        tap.go_on()
    tap.write("Diolch — ŵ ŷ")
    check("07-question-text")
    tap.go_on()
    check("08-about-you")
    tap.go_on()
    page.locator(".govuk-error-summary").wait_for()
    check("09-about-you-error")
    tap.choose("yes")
    tap.go_on()
    check("10-about-you-question")
    for _ in range(5):
        tap.go_on()
    check("11-check-answers")
    tap.send()
    page.locator(".govuk-panel--confirmation").wait_for()
    check("12-thank-you")

    # The inactivity warning, with the kiosk made impatient for the purpose.
    app.config["KIOSK_IDLE_SECONDS"] = 1
    navigate(tap.finish)
    page.wait_for_selector("button[data-language]:not([disabled])")
    tap.choose_language(language)
    tap.begin()
    page.locator("dialog[open]").wait_for()
    check("13-inactivity-warning")
    app.config["KIOSK_IDLE_SECONDS"] = 90

    page.goto(live_server(f"/kiosk/staff?lang={language}"))
    check("14-staff-pin")
    page.locator("#pin").fill("000000" if new.pin != "000000" else "111111")
    navigate(lambda: page.locator("main form button[type=submit]").click())
    check("15-staff-pin-error")
    page.locator("#pin").fill(new.pin)
    navigate(lambda: page.locator("main form button[type=submit]").click())
    page.wait_for_function("() => document.getElementById('kiosk-waiting').textContent !== '–'")
    check("16-staff-panel")
    navigate(lambda: page.locator("#kiosk-leave-form button").click())
    check("17-left-kiosk-mode")
    page.goto(live_server(SHELL))
    check("18-not-enrolled")
    page.goto(live_server("/kiosk/offline"))
    check("19-offline", lang=None)
    page.goto(live_server(new.path()))
    check("20-enrolment-unusable")

    page.goto(live_server(f"/staff/sign-in?next=/staff/paper/&lang={language}"))
    page.locator("#email").fill(staff_user)
    page.locator("#password").fill(STAFF_PASSWORD)
    navigate(lambda: page.locator("main form button[type=submit]").click())
    check("21-paper-index")
    page.goto(live_server("/staff/paper/adult-service-user/form"))
    check("22-paper-form")
    page.emulate_media(media="print")
    screenshot(page, f"{language}-22-paper-form-printed")
    page.emulate_media(media="screen")
    page.goto(live_server("/staff/paper/youth-victims/enter"))
    check("23-paper-entry")
    entry_url = page.url
    navigate(lambda: page.locator("button[value=another]").click())
    check("24-paper-entry-error")
    page.locator("input[name=service_satisfaction][value=yes]").check()
    navigate(lambda: page.locator("button[value=another]").click())
    check("25-paper-entry-saved")
    page.goto(entry_url)  # the form just saved: it says so, and offers to change the return
    check("25a-paper-already-saved")
    navigate(lambda: page.locator("#change-return").click())
    check("25b-paper-change")

    page.goto(live_server("/staff/kiosks/new"))
    check("26-kiosk-new")
    navigate(lambda: page.locator("main form button[type=submit]").click())
    check("27-kiosk-new-error")
    page.locator("input[name=questionnaire][value=youth-victims]").check()
    page.locator("#site").fill("Cardiff YOT")
    navigate(lambda: page.locator("main form button[type=submit]").click())
    check("28-kiosk-enrolment")
    page.goto(live_server("/staff/kiosks/"))
    check("29-kiosks")
    navigate(lambda: page.locator("main table a").first.click())
    check("30-kiosk-remove")

    failing = {name: v for name, v in found.items() if v}
    assert not failing, "axe-core found violations:\n" + describe_violations(failing)
