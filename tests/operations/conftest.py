"""Fixtures for the operations pages: signed-in staff of each role, on the demo catalogue."""

from __future__ import annotations

import pytest

from feedback.models import StaffUser
from tests.helpers.pages import Browser
from tests.test_staff import PASSWORD, sign_in

ADMIN = "admin@justice.gov.uk"
SUPPORT = "support@justice.gov.uk"


def add_user(runner, email: str, role: str) -> None:
    result = runner.invoke(args=["users", "add", email, "--role", role, "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output


@pytest.fixture
def admin_browser(client, runner, demo_data) -> Browser:
    add_user(runner, ADMIN, "admin")
    browser = Browser(client)
    sign_in(browser, ADMIN)
    return browser


@pytest.fixture
def support_browser(client, runner, demo_data) -> Browser:
    add_user(runner, SUPPORT, "support")
    browser = Browser(client)
    sign_in(browser, SUPPORT)
    return browser


@pytest.fixture
def admin_user(db, runner) -> StaffUser:
    from sqlalchemy import select

    add_user(runner, ADMIN, "admin")
    return db.scalars(select(StaffUser).where(StaffUser.email == ADMIN)).one()
