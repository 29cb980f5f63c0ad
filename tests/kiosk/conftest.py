"""Fixtures for the kiosk and paper tests: enrolled devices, staff, and a real browser.

The browser tests share Playwright, Chromium and the live server with tests/browser through
tests/helpers/browser.py.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from feedback import kiosk
from feedback.models import Inspection
from tests.helpers.browser import with_axe

STAFF_PASSWORD = "correct horse battery staple"


@pytest.fixture
def enrol(app, db):
    """Enrol a device and return its enrolment (token and PIN included)."""

    def make(questionnaire: str = "adult-service-user", site: str = "Manchester probation office",
             inspection: str | None = None, **kwargs) -> kiosk.NewEnrolment:
        found = None
        if inspection is not None:
            found = db.execute(select(Inspection).where(Inspection.code == inspection)).scalar_one()
        kwargs.setdefault("method", app.config["PASSWORD_HASH_METHOD"])  # the cheap hash of tests
        with app.app_context():
            new = kiosk.enrol(db, questionnaire, site, inspection=found, **kwargs)
        db.commit()
        return new

    return make


@pytest.fixture
def staff_user(runner):
    result = runner.invoke(
        args=["users", "add", "inspector@justice.gov.uk", "--role", "support", "--password-stdin"],
        input=STAFF_PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    return "inspector@justice.gov.uk"


# --- a real browser (the driver, Chromium and the live server: tests/helpers/browser.py) ---


@pytest.fixture
def new_context(chromium, live_server):
    """Open browser contexts (closed after the test); each is a tablet of its own."""
    contexts = []

    def make(**options):
        settings = {"viewport": {"width": 1024, "height": 768}, "locale": "en-GB", **options}
        context = chromium.new_context(**settings)
        if options.get("bypass_csp"):
            with_axe(context)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
