"""Fixtures for tests in a real browser: the app on a live server, and Debian's Chromium.

The live server and Chromium come from tests/helpers/browser.py. The server runs the same `app`
fixture as every other test, so the journeys run on SQLite and on PostgreSQL too.
"""

from __future__ import annotations

import pytest

from .helpers import ConsoleLog, with_axe

CONTEXT_OPTIONS = {"viewport": {"width": 1024, "height": 768}, "locale": "en-GB"}


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
def console(page) -> ConsoleLog:
    """What the page reports in its console: errors, and Content Security Policy violations."""
    return ConsoleLog.attach(page)


@pytest.fixture
def axe_page(chromium, live_server):
    """A page whose context lets axe-core be injected despite the Content Security Policy."""
    context = with_axe(chromium.new_context(bypass_csp=True, **CONTEXT_OPTIONS))
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()
