"""Every route is either on the reviewed public allowlist or needs a signed-in member of staff.

A new route fails this test until it is added to one of the lists below, so nobody can publish
a page by forgetting a decorator.
"""

import re

from tests.conftest import one_backend
from tests.helpers.pages import Browser
from tests.test_staff import PASSWORD, sign_in

# Reached without signing in, by design; each is protected another way (noted).
PUBLIC = {
    "pages.index", "pages.accessibility", "pages.privacy", "pages.privacy_young_people",
    "pages.healthz", "assets.asset",
    "api.openapi",  # the API itself needs a bearer token: api.results below
    "survey.invitation_start", "survey.invitation_begin",  # a 256-bit invitation token
    "survey.about_you", "survey.check", "survey.complete", "survey.question",  # the respondent's own draft
    "kiosk.shell", "kiosk.sync", "kiosk.manifest", "kiosk.offline", "kiosk.service_worker",  # an enrolled device
    "kiosk.enrol_start", "kiosk.enrol_bind",  # a one-use enrolment token
    "kiosk.staff_pin", "kiosk.staff_back", "kiosk.staff_leave", "kiosk.staff_panel",  # the device and its staff PIN
    "staff.sign_in", "staff.signed_out",
    "staff_accounts.set_password", "staff_accounts.password_set",  # a one-use 256-bit set-password token
    # The sign-in steps after the password: each needs the server-side attempt a correct
    # password (or single sign-on's state) began, named by the session.
    "identity.second_factor", "identity.recovery_code", "identity.security_key", "identity.choose_method",
    "identity.set_up_app", "identity.set_up_key", "identity.sign_in_expired",
    "identity.sso_begin", "identity.sso_callback",
}
TOKEN_PROTECTED = {"api.results", "notify_callbacks.delivery_status"}  # Notify's callback bearer token
ADMIN_ONLY = {"exports.responses_export", "account_security.admin_factors"}
# Blueprints analysts never reach: running operations, staff accounts, the audit log.
OPERATIONS = ("organisations.", "inspections_admin.", "programme_import.", "staff_accounts.", "audit_log.")
SAMPLE = {"code": "young-people", "token": "x" * 43, "filename": "app.css", "device_id": "1",
          "by": "region", "fmt": "csv"}


def sample_url(rule) -> str:
    def fill(match):
        name = match.group(1).split(":")[-1]
        return SAMPLE.get(name, "1")
    return re.sub(r"<([^>]+)>", fill, rule.rule).replace("any(csv, ods)", "csv")


def routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


@one_backend
def test_every_route_is_reviewed(app):
    endpoints = {rule.endpoint for rule, _ in routes(app)}
    unreviewed = endpoints - PUBLIC - TOKEN_PROTECTED - {e for e in endpoints if e.split(".")[0] in
                                                         {"dashboard", "staff_kiosks", "paper", "exports", "staff",
                                                          "organisations", "inspections_admin", "programme_import",
                                                          "staff_accounts", "audit_log", "account_security", "collection"}}
    assert unreviewed == set(), f"add these to a list in {__file__}: {sorted(unreviewed)}"


@one_backend
def test_staff_routes_turn_away_anyone_not_signed_in(app, client):
    for rule, method in routes(app):
        if rule.endpoint in PUBLIC:
            continue
        response = client.open(sample_url(rule), method=method, data={})
        if rule.endpoint in TOKEN_PROTECTED:
            assert response.status_code == 401, rule.rule
        elif method == "POST":
            # A POST without a session fails CSRF first, or is redirected to sign in.
            assert response.status_code in (302, 400), (rule.rule, response.status_code)
            if response.status_code == 302:
                assert response.headers["Location"].startswith("/staff/sign-in"), rule.rule
        else:
            assert response.status_code == 302, (rule.rule, response.status_code)
            assert response.headers["Location"].startswith("/staff/sign-in"), rule.rule


@one_backend
def test_analysts_are_kept_out_of_admin_actions(app, client, runner, db):
    result = runner.invoke(args=["users", "add", "analyst@justice.gov.uk", "--role", "analyst", "--password-stdin"],
                           input=PASSWORD + "\n")
    assert result.exit_code == 0
    sign_in(Browser(client), "analyst@justice.gov.uk")
    for rule, method in routes(app):
        if rule.endpoint.startswith(OPERATIONS) and rule.endpoint not in PUBLIC:
            # A POST without the form's CSRF token is refused before the view (400).
            assert client.open(sample_url(rule), method=method).status_code == (403 if method == "GET" else 400), rule.rule
        if rule.endpoint in ADMIN_ONLY:
            assert client.open(sample_url(rule), method=method).status_code == 403, rule.rule
