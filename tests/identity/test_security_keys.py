"""Security keys and passkeys (WebAuthn) in Chromium, with its virtual authenticator."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from feedback.models import AuditEvent, SecurityKey

from .conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def site(app, live_server):
    """The live server by the name `localhost`: WebAuthn takes a host name, not an address."""
    url = live_server.url.replace("127.0.0.1", "localhost")
    app.config["PUBLIC_BASE_URL"] = url
    return lambda path: url + path


@pytest.fixture
def authenticator(page):
    """A virtual security key in the page's browser, which answers without a touch."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "usb", "hasResidentKey": True, "hasUserVerification": True,
        "isUserVerified": True, "automaticPresenceSimulation": True,
    }})
    return cdp, added["authenticatorId"]


def click_and_wait(page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def sign_in_with_password(page, site, email: str) -> None:
    page.goto(site("/staff/sign-in?next=/staff/"))
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    click_and_wait(page, "main form button.govuk-button[type=submit]")


def set_up_key(page, site, email: str) -> None:
    sign_in_with_password(page, site, email)
    assert page.locator("h1").inner_text() == "Set up a second way to confirm it is you"
    page.check("input[value=key]")
    click_and_wait(page, "main form button.govuk-button[type=submit]")
    assert page.locator("h1").inner_text() == "Add your security key or passkey"
    page.click("#webauthn-start")
    page.wait_for_selector("#recovery-codes")
    assert page.locator("h1").inner_text() == "Save your recovery codes"


def sign_out(page, site) -> None:
    page.goto(site("/staff/"))
    click_and_wait(page, "form[action='/staff/sign-out'] button")
    assert page.locator("h1").inner_text() == "You have signed out"


def test_a_security_key_set_up_at_first_sign_in_signs_in_next_time(page, site, authenticator, add_staff, db):
    cdp, authenticator_id = authenticator
    email = add_staff("ann@justice.gov.uk")
    set_up_key(page, site, email)
    click_and_wait(page, "main a.govuk-button")
    assert page.locator("h1").inner_text().startswith("Results")
    db.commit()
    key = db.execute(select(SecurityKey)).scalar_one()
    first_count = key.sign_count
    held = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"]
    assert len(held) == 1
    assert held[0]["credentialId"].rstrip("=").replace("+", "-").replace("/", "_") == key.credential_id
    sign_out(page, site)

    sign_in_with_password(page, site, email)
    assert page.locator("h1").inner_text() == "Use your security key or passkey"
    page.click("#webauthn-start")
    page.wait_for_url(site("/staff/"))
    assert page.locator("h1").inner_text().startswith("Results")
    db.expire_all()
    assert db.execute(select(SecurityKey.sign_count)).scalar_one() > first_count


def test_a_key_whose_sign_count_went_back_is_refused(page, site, authenticator, add_staff, db):
    email = add_staff("ann@justice.gov.uk")
    set_up_key(page, site, email)
    sign_out(page, site)
    # The service has seen a higher count than this key now gives: it looks like a clone.
    db.execute(SecurityKey.__table__.update().values(sign_count=1000))
    db.commit()
    sign_in_with_password(page, site, email)
    page.click("#webauthn-start")
    page.wait_for_selector(".govuk-error-summary")
    assert "was not recognised" in page.locator(".govuk-error-summary").inner_text()
    page.goto(site("/staff/"))
    assert "/staff/sign-in" in page.url


def test_a_second_key_is_added_from_the_account_page(page, site, authenticator, add_staff, db):
    email = add_staff("ann@justice.gov.uk")
    set_up_key(page, site, email)
    cdp, first = authenticator
    # A second key: the first taken away, a new one plugged in.
    cdp.send("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": first})
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "usb", "hasResidentKey": True, "hasUserVerification": True,
        "isUserVerified": True, "automaticPresenceSimulation": True,
    }})
    page.goto(site("/staff/account/security"))
    click_and_wait(page, "a[href='/staff/account/security/security-key']")
    page.click("#webauthn-start")
    page.wait_for_selector(".govuk-notification-banner")
    assert "Your security key has been added" in page.locator(".govuk-notification-banner").inner_text()
    db.commit()
    assert len(db.execute(select(SecurityKey)).all()) == 2
    assert db.execute(select(AuditEvent.action)).scalars().all() == ["staff.security_key_added"]
