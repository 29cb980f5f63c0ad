"""Fixtures for the collection pages and commands: Notify's stand-in, an admin signed in."""

from __future__ import annotations

import uuid

import pytest

from tests.helpers.notify_stub import API_KEY, NotifyStub
from tests.helpers.pages import Browser

PASSWORD = "correct horse battery staple"
CALLBACK_TOKEN = "callback-token-for-tests-0123456789abcdef"
TEMPLATES = {
    f"NOTIFY_TEMPLATE_{kind}_{language}": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{kind}/{language}"))
    for kind in ("INVITATION", "REMINDER")
    for language in ("EN", "CY", "BOTH")
}


def template_language(template_id: str) -> str:
    """Which template (kind/language) an email was sent with."""
    return next(k for k, v in TEMPLATES.items() if v == template_id).rsplit("_", 1)[1]


@pytest.fixture
def notify():
    with NotifyStub() as stub:
        yield stub


@pytest.fixture
def notify_app(app, notify):
    app.config.update(NOTIFY_API_KEY=API_KEY, NOTIFY_BASE_URL=notify.base_url,
                      NOTIFY_CALLBACK_TOKEN=CALLBACK_TOKEN, NOTIFY_TIMEOUT_SECONDS=1.0, **TEMPLATES)
    return app


@pytest.fixture
def support(runner, db):
    result = runner.invoke(args=["users", "add", "support@justice.gov.uk", "--role", "support", "--password-stdin"],
                           input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    return "support@justice.gov.uk"


@pytest.fixture
def staff_browser(client, support) -> Browser:
    browser = Browser(client)
    browser.get("/staff/sign-in?next=/staff/")
    browser.submit({"email": support, "password": PASSWORD})
    return browser
