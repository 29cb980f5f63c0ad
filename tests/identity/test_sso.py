"""Single sign-on against a real OpenID provider (oidc-provider, from npm) started on loopback."""

from __future__ import annotations

import json
import subprocess
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select

from feedback.models import StaffUser

pytestmark = pytest.mark.browser

PROVIDER_SCRIPT = Path(__file__).with_name("provider.mjs")
NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules" / "oidc-provider"
CLIENT_ID, CLIENT_SECRET = "feedback", "a-client-secret-long-enough-for-the-tests"
ACCOUNTS = {
    "ann": {"email": "ann@justice.gov.uk", "email_verified": True},
    "stranger": {"email": "stranger@justice.gov.uk", "email_verified": True},
    "unverified": {"email": "ann@justice.gov.uk", "email_verified": False},
}


@pytest.fixture
def provider(app, live_server):
    """Start the provider with this test's service as its client; point the service at it."""
    if not NODE_MODULES.is_dir():
        pytest.fail("node_modules/oidc-provider is missing: run `make setup` (npm ci)")
    redirect_uri = live_server("/staff/sign-in/sso/callback")
    options = {"clients": [{"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": [redirect_uri]}],
               "accounts": ACCOUNTS}
    process = subprocess.Popen(["node", str(PROVIDER_SCRIPT), json.dumps(options)], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    try:
        issuer = json.loads(process.stdout.readline())["issuer"]
        app.config.update(PUBLIC_BASE_URL=live_server.url, OIDC_ISSUER=issuer, OIDC_CLIENT_ID=CLIENT_ID,
                          OIDC_CLIENT_SECRET=CLIENT_SECRET, OIDC_ALLOWED_DOMAINS="justice.gov.uk")
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


@pytest.fixture
def ann(runner):
    result = runner.invoke(args=["users", "add", "ann@justice.gov.uk", "--role", "analyst", "--password-stdin"],
                           input="correct horse battery staple\n")
    assert result.exit_code == 0, result.output


def next_id_token(issuer: str, change: dict) -> None:
    """Make the provider sign its next ID token changed: another audience, or already expired."""
    request = urllib.request.Request(issuer + "/__test__/next-id-token", data=json.dumps(change).encode(),
                                     method="POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as answer:
        assert answer.status == 204


def sign_in_at_provider(page, live_server, login: str, language: str = "en", at_provider=None):
    page.goto(live_server(f"/staff/sign-in?next=/staff/&lang={language}"))
    page.click("#sso-start")
    page.wait_for_url("**/interaction/**", wait_until="commit")
    page.wait_for_selector("input[name=login]")
    if at_provider:
        at_provider()
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "anything")
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/**")
    page.wait_for_load_state()


def test_sign_in_through_the_provider_links_the_invited_account(page, live_server, provider, ann, db):
    sign_in_at_provider(page, live_server, "ann")
    assert page.locator("h1").inner_text().startswith("Results")
    assert "Signed in as ann@justice.gov.uk" in page.inner_text("body")
    db.commit()
    assert db.execute(select(StaffUser.sso_subject)).scalar_one() == f"{provider}|ann"


def refused(page) -> str:
    assert page.locator("h1").inner_text() in ("You could not be signed in", "Nid oedd modd eich mewngofnodi")
    return page.locator("#sso-reason").inner_text()


def assert_not_signed_in(page, live_server):
    page.goto(live_server("/staff/"))
    assert "/staff/sign-in" in page.url


def test_an_id_token_for_another_audience_is_refused(page, live_server, provider, ann):
    next_id_token(provider, {"aud": "another-service"})
    sign_in_at_provider(page, live_server, "ann")
    assert "cannot trust" in refused(page)
    assert_not_signed_in(page, live_server)


def test_an_expired_id_token_is_refused(page, live_server, provider, ann):
    next_id_token(provider, {"expired": True})
    sign_in_at_provider(page, live_server, "ann")
    assert "cannot trust" in refused(page)
    assert_not_signed_in(page, live_server)


def test_a_replayed_state_is_refused(page, live_server, provider, ann):
    callbacks = []
    page.on("request", lambda request: callbacks.append(request.url) if "/sso/callback" in request.url else None)
    began = {}
    sign_in_at_provider(page, live_server, "ann",
                        at_provider=lambda: began.update(cookies=page.context.cookies(live_server.url)))
    assert page.locator("h1").inner_text().startswith("Results")
    page.click("form[action='/staff/sign-out'] button")
    page.wait_for_url("**/staff/signed-out")
    # Replayed with the very session that began the sign-in: only the state's single use refuses it.
    page.context.clear_cookies()
    page.context.add_cookies(began["cookies"])
    page.goto(callbacks[0])
    assert "already been used" in refused(page)
    assert_not_signed_in(page, live_server)


def test_an_unknown_email_is_refused_in_welsh(page, live_server, provider, ann):
    sign_in_at_provider(page, live_server, "stranger", language="cy")
    assert page.locator("html").get_attribute("lang") == "cy"
    reason = refused(page)
    assert "stranger" not in reason and "ann" not in reason
    assert reason != "There is no staff account for your email address. Ask an administrator to invite you first."
    assert_not_signed_in(page, live_server)


def test_an_unverified_email_is_refused(page, live_server, provider, ann):
    sign_in_at_provider(page, live_server, "unverified")
    assert "did not confirm your email address" in refused(page)
    assert_not_signed_in(page, live_server)
