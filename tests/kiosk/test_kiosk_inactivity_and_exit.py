"""A tablet left mid-survey warns, then clears itself; staff leave kiosk mode only with the PIN.

The inactivity test runs on a fake clock (Playwright's page.clock). SQLite only.
"""

from __future__ import annotations

import re

import pytest

from feedback.models import Device

from .helpers import (
    ONE_BACKEND,
    SHELL,
    Tap,
    enrol_tablet,
    queue_count,
    stored,
    wait_for_async,
)

pytestmark = [pytest.mark.browser, ONE_BACKEND]


def start_screen(page) -> None:
    page.wait_for_selector("button[data-language]:not([disabled])")
    assert page.url.endswith(SHELL)


@pytest.mark.parametrize("language", ["en", "cy"])
def test_inactivity_warns_with_a_big_carry_on_button_then_clears_everything(
    new_context, live_server, enrol, db, language
):
    new = enrol("adult-service-user")
    context = new_context(has_touch=True)
    page = context.new_page()
    enrol_tablet(page, live_server, new)
    page.clock.install()
    page.reload()
    start_screen(page)
    tap = Tap(page)
    tap.choose_language(language)
    tap.begin()
    tap.choose("yes")
    tap.go_on()
    tap.choose("no")  # chosen, not yet sent on: this is what must not survive

    dialog = page.locator("dialog[open]")
    page.clock.run_for(89_000)
    assert dialog.count() == 0, "warned before 90 seconds of quiet"
    page.clock.run_for(2_000)
    dialog.wait_for()
    assert page.evaluate("() => document.documentElement.lang") == language
    countdown = dialog.locator("[data-countdown]").inner_text()
    [left] = re.findall(r"\d+", countdown)
    assert int(left) >= 28, countdown
    if language == "en":
        assert countdown == f"Time left: {left} seconds"
    carry_on = dialog.locator("[data-action=carry-on]")
    box = carry_on.bounding_box()
    assert box["height"] >= 88 and box["width"] >= 300, box
    assert page.evaluate("() => document.activeElement.dataset.action") == "carry-on"

    # At least 20 seconds to answer the warning: still there, nothing lost.
    page.clock.run_for(20_000)
    assert dialog.count() == 1 and page.url.endswith(SHELL)
    carry_on.tap()
    assert page.locator("dialog").count() == 0
    assert page.locator("#kiosk-screen input[name=answer][value=no]").is_checked()

    # Quiet again: warned, then cleared, for the next person.
    page.clock.run_for(91_000)
    dialog.wait_for()
    with page.expect_navigation():
        page.clock.run_for(31_000)
    start_screen(page)
    assert page.locator("#kiosk-screen input[name=answer]").count() == 0
    page.go_back()
    start_screen(page)
    assert page.locator("button[data-language]").count() == 2
    assert stored(db) == []


def test_leaving_kiosk_mode_needs_the_pin_and_waits_for_answers_to_be_sent(
    new_context, live_server, enrol, db
):
    new = enrol("youth-victims")
    context = new_context(has_touch=True)
    page = context.new_page()
    enrol_tablet(page, live_server, new)

    # One response waits on the tablet: the server is unreachable for it for now.
    context.route("**/kiosk/api/responses", lambda route: route.abort("connectionrefused"))
    tap = Tap(page)
    tap.choose_language("en")
    tap.begin()
    for value in ("yes", "yes", "no"):
        tap.choose(value)
        tap.go_on()
    tap.go_on()  # no comments
    tap.choose("no")
    tap.go_on()
    tap.send()
    page.locator(".govuk-panel--confirmation").wait_for()
    tap.finish()
    start_screen(page)
    assert queue_count(page) == 1
    page.wait_for_function("() => !document.getElementById('kiosk-queue').hidden")
    assert page.locator("#kiosk-queue").inner_text() == "1 answer waiting to be sent"

    page.locator(".app-kiosk-staff-link").tap()
    page.wait_for_url(live_server("/kiosk/staff"))
    page.locator("#pin").fill("000000" if new.pin != "000000" else "111111")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").tap()
    assert page.locator(".govuk-error-summary").is_visible()
    page.locator("#pin").fill(new.pin)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").tap()
    page.wait_for_url(live_server("/kiosk/staff/panel"))
    page.wait_for_function("() => document.getElementById('kiosk-waiting').textContent === '1'")

    # Leaving is refused while an answer waits: it would be lost with the tablet's set-up.
    page.locator("#kiosk-leave-form button").tap()
    page.wait_for_function("() => document.getElementById('kiosk-sync-message').textContent.length > 0")
    assert "waiting to be sent" in page.locator("#kiosk-sync-message").inner_text()
    assert page.url.endswith("/kiosk/staff/panel")

    # The network is back: staff send the answer, then leave.
    context.unroute("**/kiosk/api/responses")
    page.locator("[data-action=sync-now]").tap()
    page.wait_for_function("() => document.getElementById('kiosk-waiting').textContent === '0'")
    assert len(stored(db)) == 1
    with page.expect_navigation():
        page.locator("#kiosk-leave-form button").tap()
    assert page.locator("h1").inner_text() == "The tablet has left kiosk mode"
    wait_for_async(page, "async () => (await navigator.serviceWorker.getRegistrations()).length === 0 && (await caches.keys()).length === 0",
                   what="the service worker and its caches to go")
    # The worker still answers this page until it is left: a request now must not bring its
    # cache back (one that did made the wait above time out, now and then).
    controlled = page.evaluate("""async () => {
        await fetch('/assets/kiosk/kiosk.css?after-leaving');
        return navigator.serviceWorker.controller !== null;
    }""")
    assert page.evaluate("async () => (await caches.keys()).length") == 0, f"controlled: {controlled}"
    db.expire_all()
    assert db.get(Device, new.device.id).revoked_at is not None
    page.goto(live_server(SHELL))
    assert page.locator("h1").inner_text() == "This tablet is not set up for feedback"
