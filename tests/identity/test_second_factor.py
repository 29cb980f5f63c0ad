"""A password alone opens no staff page: an authenticator app, set up at the first sign-in, is asked for."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pyotp
import pytest
from sqlalchemy import select

from feedback import create_app
from feedback.models import AuditEvent, AuthenticatorApp, RecoveryCode, StaffUser
from tests.conftest import test_config
from tests.helpers.pages import Browser

from .conftest import PASSWORD


def sign_in_with_password(browser: Browser, email: str, next_path: str = "/staff/"):
    browser.get(f"/staff/sign-in?next={next_path}")
    return browser.submit({"email": email, "password": PASSWORD})


def sign_out(browser: Browser) -> None:
    browser.get("/staff/")
    assert browser.submit(selector="form[action='/staff/sign-out']").h1 == "You have signed out"


def secret_on(page) -> str:
    return page.soup.find(id="totp-secret").get_text().replace(" ", "").strip()


def code_at(secret: str, moment: datetime) -> str:
    return pyotp.TOTP(secret).at(moment)


def set_up_app(browser: Browser, email: str):
    """Sign in for the first time and set an authenticator app up; return (secret, codes page)."""
    choose = sign_in_with_password(browser, email)
    assert choose.h1 == "Set up a second way to confirm it is you"
    setup = browser.submit({"method": "app"})
    assert setup.h1 == "Set up your authenticator app"
    assert setup.soup.select_one("img.app-qr-code")["src"].startswith("data:image/svg+xml")
    secret = secret_on(setup)
    codes = browser.submit({"code": code_at(secret, datetime.now(timezone.utc))})
    assert codes.h1 == "Save your recovery codes"
    return secret, codes


def test_a_password_alone_reaches_no_staff_page_until_a_second_factor_is_set_up(client, add_staff):
    email = add_staff("ann@justice.gov.uk")
    browser = Browser(client)
    choose = sign_in_with_password(browser, email, "/staff/inspections")
    assert choose.h1 == "Set up a second way to confirm it is you"
    for path in ("/staff/", "/staff/inspections", "/staff/account/security"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/staff/sign-in"), path
    assert client.get("/staff/sign-in/second-factor").headers["Location"] == "/staff/sign-in/set-up"


def test_first_sign_in_sets_up_an_app_and_shows_ten_recovery_codes(client, add_staff, db):
    email = add_staff("ann@justice.gov.uk")
    browser = Browser(client)
    secret, codes_page = set_up_app(browser, email)
    codes = [li.get_text(strip=True) for li in codes_page.soup.select("#recovery-codes li")]
    assert len(codes) == 10 and all(re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", c) for c in codes)
    home = browser.get(codes_page.soup.select_one("main a.govuk-button")["href"])
    assert home.h1.startswith("Results")
    app_row = db.execute(select(AuthenticatorApp)).scalar_one()
    assert secret not in app_row.secret_encrypted and app_row.confirmed_at is not None
    stored = {row.code_hash for row in db.execute(select(RecoveryCode)).scalars()}
    assert len(stored) == 10 and not any(code in h or code.replace("-", "") in h for code in codes for h in stored)
    # The cookie holds no secret: not the app's secret, not a recovery code.
    cookie = client.get_cookie("session").value
    assert secret not in cookie and not any(code in cookie for code in codes)


def test_a_code_used_once_is_refused_the_second_time(client, add_staff):
    email = add_staff("ann@justice.gov.uk")
    browser = Browser(client)
    secret, _ = set_up_app(browser, email)
    sign_out(browser)
    now = datetime.now(timezone.utc)
    used = code_at(secret, now)  # the code just used to confirm the app (same 30-second step)
    asked = sign_in_with_password(browser, email)
    assert asked.h1 == "Enter the code from your authenticator app"
    refused = browser.submit({"code": used})
    assert refused.error_summary() == [
        ("The code is not right, or has been used already. Enter the code your app shows now", "#code")]
    assert client.get("/staff/").status_code == 302
    accepted = browser.submit({"code": code_at(secret, now + timedelta(seconds=30))})
    assert accepted.h1.startswith("Results")


def test_five_wrong_codes_end_the_sign_in(client, add_staff):
    email = add_staff("ann@justice.gov.uk")
    browser = Browser(client)
    set_up_app(browser, email)
    sign_out(browser)
    sign_in_with_password(browser, email)
    for _ in range(4):
        page = browser.submit({"code": "000000"})
        assert page.h1 == "Enter the code from your authenticator app"
    ended = browser.submit({"code": "000000"})
    assert ended.h1 == "Sign in again"
    assert "too many wrong codes" in ended.main_text


def test_a_recovery_code_works_once(client, add_staff):
    email = add_staff("ann@justice.gov.uk")
    browser = Browser(client)
    _, codes_page = set_up_app(browser, email)
    code = codes_page.soup.select_one("#recovery-codes li").get_text(strip=True)
    sign_out(browser)
    sign_in_with_password(browser, email)
    browser.get("/staff/sign-in/recovery-code")
    account = browser.submit({"code": code.lower()})
    assert account.h1 == "Your sign-in and security"
    assert account.summary_rows()["Recovery codes left"] == "9"
    sign_out(browser)
    sign_in_with_password(browser, email)
    browser.get("/staff/sign-in/recovery-code")
    again = browser.submit({"code": code})
    assert again.error_summary() == [("The recovery code is not right, or has been used already", "#code")]


def test_sign_out_everywhere_ends_other_sessions(app, client, add_staff):
    email = add_staff("ann@justice.gov.uk")
    browser = Browser(client)
    set_up_app(browser, email)
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    assert other.get("/staff/").status_code == 200
    browser.get("/staff/account/security")
    signed_out = browser.submit(selector="form[action='/staff/account/security/sign-out-everywhere']")
    assert signed_out.h1 == "You have signed out"
    assert other.get("/staff/").status_code == 302


def test_an_admin_resets_a_members_factors_and_it_is_audited(app, client, add_staff, db, runner):
    member = add_staff("ann@justice.gov.uk")
    set_up_app(Browser(app.test_client()), member)
    admin = add_staff("boss@justice.gov.uk", role="admin")
    browser = Browser(client)
    set_up_app(browser, admin)
    member_id = db.execute(select(StaffUser.id).where(StaffUser.email == member)).scalar_one()
    page = browser.get(f"/staff/staff-accounts/{member_id}/security")
    assert page.summary_rows()["Authenticator app"] == "Set up"
    done = browser.submit(selector="main form")
    assert done.summary_rows()["Authenticator app"] == "Not set up"
    db.commit()
    event = db.execute(select(AuditEvent).where(AuditEvent.action == "staff.second_factors_reset")).scalar_one()
    assert (event.actor, event.subject_id, event.detail["authenticator_app"]) == (admin, str(member_id), True)
    # Their next sign-in sets a method up again.
    assert sign_in_with_password(Browser(app.test_client()), member).h1 == "Set up a second way to confirm it is you"


def test_users_reset_factors_on_the_command_line_is_audited(app, runner, add_staff, db):
    email = add_staff("ann@justice.gov.uk")
    set_up_app(Browser(app.test_client()), email)
    result = runner.invoke(args=["users", "reset-factors", "ANN@justice.gov.uk"])
    assert result.exit_code == 0, result.output
    assert "Reset the sign-in methods of ann@justice.gov.uk (authenticator app: yes" in result.output
    db.commit()
    assert db.execute(select(AuthenticatorApp)).first() is None
    event = db.execute(select(AuditEvent).where(AuditEvent.action == "staff.second_factors_reset")).scalar_one()
    assert event.actor == "command line"
    assert runner.invoke(args=["users", "reset-factors", "nobody@justice.gov.uk"]).exit_code != 0


def test_without_the_setting_an_account_with_no_factor_signs_in_with_its_password(database_url, add_staff):
    app = create_app(test_config(database_url))  # STAFF_SECOND_FACTOR_REQUIRED off, as in other tests
    try:
        client = app.test_client()
        app.test_cli_runner().invoke(args=["users", "add", "cy@justice.gov.uk", "--role", "analyst",
                                           "--password-stdin"], input=PASSWORD + "\n")
        assert sign_in_with_password(Browser(client), "cy@justice.gov.uk").h1.startswith("Results")
    finally:
        app.extensions["database"].dispose()


@pytest.mark.parametrize("language", ["cy"])
def test_the_steps_are_in_welsh(client, add_staff, language):
    email = add_staff("ann@justice.gov.uk")
    browser = Browser(client)
    browser.get("/staff/sign-in?lang=cy")
    choose = browser.submit({"email": email, "password": PASSWORD})
    assert choose.lang == "cy"
    assert choose.h1 != "Set up a second way to confirm it is you"
    refused = browser.submit({})
    assert refused.lang == "cy" and refused.error_summary()[0][1] == "#method"
