"""The app on a live server, and Debian's Chromium driven by Playwright, for every browser test.

One plugin for tests/browser and tests/kiosk alike: Playwright's sync API allows one driver per
thread, so the driver and the browser are started once for the whole run. Playwright cannot
download browsers here: it drives Debian's chromium-headless-shell, the same Chromium without the
parts a screen needs (what Playwright itself runs for headless tests), which uses less CPU.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

CHROMIUM = Path("/usr/bin/chromium-headless-shell")
AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CONTEXT_OPTIONS = {"viewport": {"width": 1024, "height": 768}, "locale": "en-GB"}

# Screenshots of the pages the accessibility tests visit, to look at: only when asked for
# (`make screenshots`), as no test reads them.
SCREENSHOTS_WANTED = os.environ.get("FEEDBACK_SCREENSHOTS", "") == "1"

# Headless and quiet: no GPU, no QUIC, and nothing fetched from the network in the background.
# Playwright adds a fresh --user-data-dir of its own to every launch, and removes it on close.
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


@dataclass(frozen=True)
class LiveServer:
    url: str

    def __call__(self, path: str) -> str:
        return self.url + path


class RequestHandler(WSGIRequestHandler):
    # A kept-alive connection the browser leaves idle is closed after this long, so that
    # stopping the server never waits on it for ever.
    timeout = 5


@pytest.fixture
def live_server(app):
    """Serve the test's app on 127.0.0.1, on a port the system picks."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=RequestHandler)
    # Let server_close() join the threads serving requests, so none outlives the test.
    server.daemon_threads = False
    # Polled often, so that shutdown() returns at once rather than after up to half a second.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, name="live-server", daemon=True
    )
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        assert not thread.is_alive(), "the live server did not stop"


@pytest.fixture(scope="session")
def playwright_driver():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def chromium(playwright_driver):
    """Launch Debian's Chromium once for the whole run."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium-headless-shell package (make chromium)")
    browser = playwright_driver.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


def with_axe(context):
    """Have axe-core loaded into every page the context opens, as the page starts: cheaper than
    sending it to each page as it is checked. The context must bypass CSP (axe_violations)."""
    context.add_init_script(path=str(AXE_SCRIPT))
    return context


@pytest.fixture
def page(chromium, live_server):
    """A page in a fresh context that keeps the service's Content Security Policy.

    It asks for the live server so that the browser lets go of its connections before the
    server stops.
    """
    context = chromium.new_context(**CONTEXT_OPTIONS)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def axe_page(chromium, live_server):
    """A page whose context lets axe-core run despite the Content Security Policy."""
    context = with_axe(chromium.new_context(bypass_csp=True, **CONTEXT_OPTIONS))
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()
