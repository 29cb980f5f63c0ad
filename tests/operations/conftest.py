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


def form_values(page, selector: str = "main form[method=post]") -> dict:
    """What a browser would send from a form as the page shows it: filled boxes, choices made."""
    form = page.soup.select_one(selector)
    values = {}
    for field in form.select("input"):
        kind = field.get("type", "text")
        if kind in ("radio", "checkbox"):
            if field.has_attr("checked"):
                values[field["name"]] = field.get("value", "on")
        elif kind not in ("submit", "file") and field.get("name"):
            values[field["name"]] = field.get("value", "")
    for select in form.select("select"):
        chosen = select.select_one("option[selected]") or select.select_one("option")
        values[select["name"]] = chosen.get("value", "") if chosen else ""
    for area in form.select("textarea"):
        values[area["name"]] = area.get_text()
    return values
