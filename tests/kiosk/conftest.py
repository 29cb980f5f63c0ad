"""Fixtures for the kiosk and paper tests: enrolled devices, staff, and a real browser.

The browser tests share Playwright and Chromium with tests/browser when those are already
running (Playwright's sync API allows one driver per thread), and start their own otherwise.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import WSGIRequestHandler, make_server

from feedback import kiosk
from feedback.models import Inspection

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STAFF_PASSWORD = "correct horse battery staple"


@pytest.fixture
def enrol(app, db):
    """Enrol a device and return its enrolment (token and PIN included)."""

    def make(questionnaire: str = "adult-service-user", site: str = "Manchester probation office",
             inspection: str | None = None, **kwargs) -> kiosk.NewEnrolment:
        found = None
        if inspection is not None:
            found = db.execute(select(Inspection).where(Inspection.code == inspection)).scalar_one()
        with app.app_context():
            new = kiosk.enrol(db, questionnaire, site, inspection=found, **kwargs)
        db.commit()
        return new

    return make


@pytest.fixture
def staff_user(runner):
    result = runner.invoke(
        args=["users", "add", "inspector@justice.gov.uk", "--role", "analyst", "--password-stdin"],
        input=STAFF_PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    return "inspector@justice.gov.uk"


# --- a real browser -------------------------------------------------------------------------


class RequestHandler(WSGIRequestHandler):
    timeout = 5


class LiveServer:
    def __init__(self, url: str):
        self.url = url

    def __call__(self, path: str) -> str:
        return self.url + path


@pytest.fixture
def live_server(app):
    """Serve the test's app on 127.0.0.1, on a port the system picks."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=RequestHandler)
    server.daemon_threads = False
    thread = threading.Thread(target=server.serve_forever, name="kiosk-live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        assert not thread.is_alive(), "the live server did not stop"


def _already_running(request, name: str):
    """The value of a fixture of that name that another conftest (tests/browser) has set up.

    Playwright's sync API runs one driver per thread, so a second one cannot be started while
    tests/browser's session-scoped driver is alive. pytest keeps no public handle on another
    directory's fixtures: this reads its fixture registry, and finds nothing if that changes.
    """
    manager = request._fixturemanager
    registry = getattr(manager, "_arg2node2fixturedefs", None)
    if registry is not None:
        groups = list(registry.get(name, {}).values())
    else:
        groups = [list(getattr(manager, "_arg2fixturedefs", {}).get(name, ()))]
    for fixturedefs in groups:
        for fixturedef in fixturedefs:
            cached = getattr(fixturedef, "cached_result", None)
            if cached is not None and cached[2] is None:
                return cached[0]
    return None


@pytest.fixture(scope="package")
def kiosk_playwright(request):
    running = _already_running(request, "playwright_driver")
    if running is not None:
        yield running
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def kiosk_chromium(request, kiosk_playwright):
    running = _already_running(request, "chromium")
    if running is not None:
        yield running
        return
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (make chromium)")
    browser = kiosk_playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def new_context(kiosk_chromium, live_server):
    """Open browser contexts (closed after the test); each is a tablet of its own."""
    contexts = []

    def make(**options):
        settings = {"viewport": {"width": 1024, "height": 768}, "locale": "en-GB", **options}
        context = kiosk_chromium.new_context(**settings)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
