"""The sign-in steps and account security pages pass axe-core's WCAG 2.2 AA checks, in both languages."""

from __future__ import annotations

from datetime import datetime, timezone

import pyotp
import pytest

from tests.browser.helpers import (
    ONE_BACKEND,
    axe_violations,
    describe_violations,
    html_lang,
)

from .conftest import PASSWORD

pytestmark = [pytest.mark.browser, ONE_BACKEND]


@pytest.mark.parametrize("language", ["en", "cy"])
def test_identity_pages_pass_axe(app, axe_page, live_server, add_staff, language):
    # Single sign-on configured (never reached here): the sign-in page shows its button too.
    app.config.update(OIDC_ISSUER="https://login.example", OIDC_CLIENT_ID="feedback",
                      OIDC_CLIENT_SECRET="x", OIDC_ALLOWED_DOMAINS="justice.gov.uk")
    email = add_staff("boss@justice.gov.uk", role="admin")
    page = axe_page
    found: dict[str, list[dict]] = {}

    def check(name: str, heading_tag: str = "h1") -> None:
        assert html_lang(page) == language, name
        assert page.locator(heading_tag).count() >= 1, name
        found[name] = axe_violations(page)

    def submit(selector: str = "main form button.govuk-button[type=submit]") -> None:
        with page.expect_navigation():
            page.click(selector)

    page.goto(live_server(f"/staff/sign-in?lang={language}"))
    check("sign-in")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    submit()
    check("choose-method")
    submit()
    check("choose-method-error")
    page.check("input[value=app]")
    submit()
    check("set-up-app")
    secret = page.locator("#totp-secret").inner_text().replace(" ", "").strip()
    page.fill("#code", "000000")
    submit()
    check("set-up-app-error")
    page.fill("#code", pyotp.TOTP(secret).at(datetime.now(timezone.utc)))
    submit()
    check("recovery-codes")
    page.goto(live_server("/staff/account/security"))
    check("account")
    page.goto(live_server("/staff/staff-accounts/1/security"))
    check("admin-reset")
    page.goto(live_server("/staff/account/security/security-key"))
    check("add-security-key")
    page.goto(live_server("/staff/sign-in/sso/callback?state=unknown&code=x"))
    check("sso-refused")
    page.goto(live_server("/staff/"))
    page.click("form[action='/staff/sign-out'] button")
    page.goto(live_server("/staff/sign-in"))
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    submit()
    check("second-factor")
    page.fill("#code", "000000")
    submit()
    check("second-factor-error")
    page.goto(live_server("/staff/sign-in/recovery-code"))
    check("recovery-code")
    assert not any(found.values()), describe_violations(found)
