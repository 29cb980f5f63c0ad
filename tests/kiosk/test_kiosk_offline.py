"""The network drops: the kiosk keeps working, and every response reaches the store exactly once.

SQLite only (see helpers.ONE_BACKEND); test_sync.py checks the store's side on both backends.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest

from feedback.models import Device
from tests.helpers.browser import CHROMIUM, CHROMIUM_ARGS

from .helpers import (
    ONE_BACKEND,
    SHELL,
    Tap,
    enrol_tablet,
    queue_count,
    queued_keys,
    stored,
    wait_until_offline_ready,
    wait_until_sent,
)

pytestmark = [pytest.mark.browser, ONE_BACKEND]

SYNC = "**/kiosk/api/responses"


class Requests:
    """Count the requests the live server answers, by path (a WSGI middleware)."""

    def __init__(self, app):
        self.wsgi_app = app.wsgi_app
        self.paths: Counter = Counter()
        self.lock = threading.Lock()
        app.wsgi_app = self

    def __call__(self, environ, start_response):
        with self.lock:
            self.paths[(environ["REQUEST_METHOD"], environ["PATH_INFO"])] += 1
        return self.wsgi_app(environ, start_response)


def answer_young_people(page, language: str, comment: str) -> None:
    tap = Tap(page)
    page.wait_for_selector("button[data-language]:not([disabled])")
    tap.choose_language(language)
    tap.begin()
    for value in ("yes", "no", "yes"):
        tap.choose(value)
        tap.go_on()
    tap.write(comment)
    tap.go_on()
    tap.choose("no")  # about you: skip
    tap.go_on()
    tap.send()
    page.locator(".govuk-panel--confirmation").wait_for()
    tap.finish()
    page.wait_for_selector("button[data-language]:not([disabled])")


def test_three_responses_made_offline_are_stored_once_each_despite_lost_replies(
    app, new_context, live_server, enrol, db
):
    requests = Requests(app)
    new = enrol("young-people")
    context = new_context(has_touch=True)
    page = context.new_page()
    enrol_tablet(page, live_server, new)

    # The network goes: the kiosk still starts (from its service worker's copy) and works.
    context.set_offline(True)
    shell_loads = requests.paths[("GET", SHELL)]
    page.reload()
    page.wait_for_selector("button[data-language]:not([disabled])")
    assert requests.paths[("GET", SHELL)] == shell_loads, "the shell came from the network while offline"
    for number, language in enumerate(["en", "cy", "en"], start=1):
        answer_young_people(page, language, f"Comment {number}")
        assert queue_count(page) == number
    indicator = page.locator("#kiosk-queue")
    assert indicator.is_visible()
    assert indicator.inner_text() == "3 answers waiting to be sent"
    assert stored(db) == []
    keys = queued_keys(page)
    assert len(set(keys)) == 3

    # The network comes back, but unreliably: the first attempt at each response reaches the
    # server and its reply is lost; the second attempt is sent twice over. Each is retried.
    attempts: Counter = Counter()

    def flaky(route):
        key = route.request.post_data_json["key"]
        attempts[key] += 1
        if attempts[key] == 1:
            route.fetch()  # stored on the server...
            route.abort("connectionreset")  # ...but the tablet never hears so
            return
        route.fetch()  # a duplicate request, as a retrying network might send
        route.fulfill(response=route.fetch())

    context.route(SYNC, flaky)
    context.set_offline(False)  # the page hears "online" and sends its queue
    for _ in range(10):
        if queue_count(page) == 0:
            break
        page.evaluate("() => window.dispatchEvent(new Event('online'))")  # try again, as the timer would
        page.wait_for_timeout(300)
    wait_until_sent(page)
    assert set(attempts) == set(keys) and all(n >= 2 for n in attempts.values()), attempts
    assert requests.paths[("POST", "/kiosk/api/responses")] >= 9

    rows = stored(db)
    assert sorted(r.submission_key for r in rows) == sorted(keys), "three rows, one per response"
    assert [r.language for r in rows] == ["en", "cy", "en"]
    assert {r.channel for r in rows} == {"kiosk"}
    assert sorted(a.text for r in rows for a in r.answers if a.text) == ["Comment 1", "Comment 2", "Comment 3"]
    context.unroute(SYNC)


def test_responses_queued_when_the_tablet_is_closed_are_sent_when_it_opens(playwright_driver, live_server, enrol, db, tmp_path):
    new = enrol("young-people")
    profile = tmp_path / "tablet-profile"

    def open_tablet():
        context = playwright_driver.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1024, "height": 768}, has_touch=True,
        )
        context.set_default_timeout(10_000)
        return context

    context = open_tablet()
    try:
        page = context.pages[0] if context.pages else context.new_page()
        enrol_tablet(page, live_server, new)
        # An installable web app: Chromium finds nothing missing (manifest, icons, worker).
        cdp = context.new_cdp_session(page)
        assert cdp.send("Page.getInstallabilityErrors") == {"installabilityErrors": []}
        assert cdp.send("Page.getAppManifest")["errors"] == []
        cdp.detach()
        context.set_offline(True)
        answer_young_people(page, "cy", "Cadw ar y dabled")
        assert queue_count(page) == 1
    finally:
        context.close()  # the tablet is switched off with a response waiting
    assert stored(db) == []

    context = open_tablet()
    try:
        page = context.pages[0] if context.pages else context.new_page()
        page.goto(live_server(SHELL))
        wait_until_offline_ready(page)
        wait_until_sent(page)
    finally:
        context.close()
    [response] = stored(db)
    assert response.language == "cy"
    assert [a.text for a in response.answers if a.text] == ["Cadw ar y dabled"]


def test_a_revoked_tablet_keeps_its_queue_until_it_is_enrolled_again(
    new_context, live_server, enrol, runner, db
):
    first = enrol("young-people")
    context = new_context(has_touch=True)
    page = context.new_page()
    enrol_tablet(page, live_server, first)
    context.set_offline(True)
    answer_young_people(page, "en", "Kept through a revocation")
    runner.invoke(args=["kiosk", "revoke", str(first.device.id)])
    context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    page.wait_for_timeout(500)
    assert queue_count(page) == 1, "a revoked tablet's answers are kept, not dropped"
    assert stored(db) == []

    second = enrol("young-people")
    enrol_tablet(page, live_server, second)
    wait_until_sent(page)
    [response] = stored(db)
    assert response.device_id == second.device.id
    db.expire_all()
    assert db.get(Device, first.device.id).revoked_at is not None
