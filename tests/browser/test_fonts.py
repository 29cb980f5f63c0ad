"""In Chromium, pages use the system font stack and load no font file.

GDS Transport is only for services on service.gov.uk. Pages keep the Content Security Policy
and the console must stay clean, so a stylesheet that still asked for a font (which /assets
no longer serves) would fail here twice: as a font request and as a failed load.
"""

from __future__ import annotations

import pytest

from .helpers import ONE_BACKEND

pytestmark = [pytest.mark.browser, ONE_BACKEND]

SYSTEM_FONTS = 'system-ui, "Segoe UI", Roboto, "Helvetica Neue", arial, sans-serif'


@pytest.mark.parametrize("path", ["/?lang=cy", "/kiosk/offline"])
def test_pages_use_the_system_font_stack_and_fetch_no_font(page, console, live_server, path):
    fetched = []
    page.on("request", lambda request: fetched.append((request.resource_type, request.url)))
    page.goto(live_server(path))
    page.wait_for_load_state("networkidle")
    assert page.evaluate("() => document.fonts.size") == 0  # no @font-face in any stylesheet
    families = page.evaluate(
        """() => [...new Set([...document.querySelectorAll("h1, p, a, button")]
                   .map(e => getComputedStyle(e).fontFamily))]"""
    )
    assert families == [SYSTEM_FONTS], families
    assert [url for kind, url in fetched if kind == "font" or "/fonts/" in url] == []
    assert live_server("/assets/frontend.min.css") in [url for _, url in fetched]
    console.assert_clean()
