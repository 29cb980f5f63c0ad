"""Running the year in a real browser: import a programme file (preview, then confirm), and
invite a member of staff who sets a password through the link the Notify stand-in received.
The operations pages pass axe-core in both languages. First backend only, as the other journeys."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from feedback.models import Inspection, StaffUser
from feedback.operations.programme_import import template_ods
from tests.helpers.notify_stub import API_KEY, NotifyStub

from .helpers import (
    ONE_BACKEND,
    axe_violations,
    describe_violations,
    h1,
    html_lang,
    leaving,
)

pytestmark = [pytest.mark.browser, ONE_BACKEND]

PASSWORD = "correct horse battery staple"
ADMIN = "admin@justice.gov.uk"


@pytest.fixture
def admin(runner, demo_data) -> str:
    result = runner.invoke(args=["users", "add", ADMIN, "--role", "admin", "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    return ADMIN


def sign_in(page, live_server, email: str, password: str, next_path: str) -> None:
    page.goto(live_server(f"/staff/sign-in?next={next_path}"))
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    with leaving(page):
        page.locator("main form button[type=submit]").click()


def test_import_a_programme_file_preview_then_confirm(page, console, live_server, admin, db, tmp_path):
    sign_in(page, live_server, admin, PASSWORD, "/staff/inspections")
    with leaving(page):
        page.get_by_role("button", name="Import a programme file").click()
    assert h1(page) == "Import the inspection programme"
    programme = tmp_path / "programme.ods"
    programme.write_bytes(template_ods())
    page.locator("input[type=file]").set_input_files(str(programme))
    with leaving(page):
        page.get_by_role("button", name="Upload and preview").click()
    assert h1(page).endswith("Check the changes before you import them")
    assert "3 new inspections" in page.locator("main").inner_text()
    before = db.scalars(select(Inspection.code)).all()
    assert "omi2-trust-wales-2026-05-11" not in before  # the preview wrote nothing
    with leaving(page):
        page.get_by_role("button", name="Import these changes").click()
    assert h1(page) == "Programme imported"
    db.expire_all()
    assert {"omi2-trust-wales-2026-05-11", "sqs-yot-example-2026-06-08"} <= set(db.scalars(select(Inspection.code)))
    console.assert_clean()


def test_invite_a_member_of_staff_who_sets_a_password_from_the_email(app, chromium, page, live_server, admin, db):
    with NotifyStub() as notify:
        app.config.update(NOTIFY_API_KEY=API_KEY, NOTIFY_BASE_URL=notify.base_url, PUBLIC_BASE_URL=live_server.url,
                          NOTIFY_TEMPLATE_STAFF_INVITATION=str(uuid.uuid4()))
        sign_in(page, live_server, admin, PASSWORD, "/staff/accounts/")
        with leaving(page):
            page.get_by_role("button", name="Invite a member of staff").click()
        page.get_by_label("Email address").fill("new.officer@justice.gov.uk")
        page.get_by_label("Inspection support").check()
        with leaving(page):
            page.get_by_role("button", name="Send invitation").click()
        assert "An invitation has been emailed to new.officer@justice.gov.uk" in page.locator(".govuk-notification-banner").inner_text()
        [email] = notify.emails
    link = email.body["personalisation"]["link"]
    newcomer = chromium.new_context(locale="cy-GB").new_page()
    try:
        newcomer.goto(link + "?lang=cy")
        assert html_lang(newcomer) == "cy" and h1(newcomer).endswith("Creu cyfrinair")
        newcomer.locator("#password").fill("kettle orchard lantern")
        newcomer.locator("#confirm").fill("kettle orchard lantern")
        with leaving(newcomer):
            newcomer.locator("main form button[type=submit]").click()
        assert h1(newcomer) == "Mae eich cyfrinair wedi'i gadw"
        sign_in(newcomer, live_server, "new.officer@justice.gov.uk", "kettle orchard lantern", "/staff/organisations/")
        assert h1(newcomer) == "Sefydliadau"
    finally:
        newcomer.context.close()
    user = db.scalars(select(StaffUser).where(StaffUser.email == "new.officer@justice.gov.uk")).one()
    assert user.role == "support"


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_operations_pages_pass_axe(axe_page, live_server, admin, language):
    page = axe_page
    sign_in(page, live_server, admin, PASSWORD, "/staff/")
    found = {}
    for path in ("/staff/organisations/", "/staff/organisations/trust-wales", "/staff/organisations/new",
                 "/staff/inspections", "/staff/inspections/new", "/staff/inspections/thematic-2011-lscbs-in-wales",
                 "/staff/programme/import", "/staff/accounts/", "/staff/accounts/invite", "/staff/audit/"):
        page.goto(live_server(f"{path}?lang={language}"))
        assert html_lang(page) == language, path
        found[path] = axe_violations(page)
    page.goto(live_server(f"/staff/organisations/new?lang={language}"))
    with leaving(page):
        page.locator("main form button[type=submit]").click()
    found["organisation form with errors"] = axe_violations(page)
    assert not any(found.values()), describe_violations(found)
