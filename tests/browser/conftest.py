"""Fixtures for tests in a real browser: the app on a live server, and Debian's Chromium.

The live server, Chromium and the `page` and `axe_page` fixtures come from
tests/helpers/browser.py. The server runs the same `app` fixture as every other test, so the
journeys run on SQLite and on PostgreSQL too.
"""

from __future__ import annotations

import pytest

from .helpers import ConsoleLog


@pytest.fixture
def console(page) -> ConsoleLog:
    """What the page reports in its console: errors, and Content Security Policy violations."""
    return ConsoleLog.attach(page)
