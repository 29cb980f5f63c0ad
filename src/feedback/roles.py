"""Who may do what on the staff side: one table, read by the views, the commands and docs/roles.md."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ADMIN = "admin"
SUPPORT = "support"
ANALYST = "analyst"
ROLES = (ADMIN, SUPPORT, ANALYST)

ROLE_NAMES = {
    ADMIN: _l("Administrator"),
    SUPPORT: _l("Inspection support"),
    ANALYST: _l("Analyst"),
}

VIEW_RESULTS = "view_results"
EXPORT_RESPONSES = "export_responses"
RUN_OPERATIONS = "run_operations"
MANAGE_STAFF = "manage_staff"
READ_AUDIT = "read_audit"

# Each permission and the roles that hold it. Analysts read figures; inspection support runs
# inspections, invitations, tablets and paper returns; administrators do everything.
PERMISSIONS: dict[str, frozenset[str]] = {
    VIEW_RESULTS: frozenset({ADMIN, SUPPORT, ANALYST}),
    EXPORT_RESPONSES: frozenset({ADMIN}),
    RUN_OPERATIONS: frozenset({ADMIN, SUPPORT}),
    MANAGE_STAFF: frozenset({ADMIN}),
    READ_AUDIT: frozenset({ADMIN}),
}


def allows(role: str, permission: str) -> bool:
    """Say whether a member of staff with this role holds the permission."""
    return role in PERMISSIONS[permission]

# Any signed-in member of staff, whatever their role (signing out).
SIGNED_IN = "signed_in"
PERMISSIONS[SIGNED_IN] = frozenset(ROLES)


class Open(str):
    """A route reached without signing in; the text says what protects it instead."""


# Every route of the web service, by endpoint: the permission a member of staff needs, or Open
# with what protects it. docs/roles.md is this table in words, and tests/test_url_map.py walks
# the URL map against it, so a new route fails the tests until it is listed here.
ROUTES: dict[str, str] = {
    # Public pages and files
    "pages.index": Open("public page"),
    "pages.accessibility": Open("public page"),
    "pages.privacy": Open("public page"),
    "pages.privacy_young_people": Open("public page"),
    "pages.healthz": Open("says only whether the service is up"),
    "assets.asset": Open("public files: CSS, scripts, images"),
    # Respondents
    "survey.invitation_start": Open("a 256-bit invitation token"),
    "survey.invitation_begin": Open("a 256-bit invitation token; CSRF"),
    "survey.question": Open("the respondent's own draft, held in their session; CSRF"),
    "survey.about_you": Open("the respondent's own draft, held in their session; CSRF"),
    "survey.check": Open("the respondent's own draft, held in their session; CSRF"),
    "survey.complete": Open("the respondent's own draft, held in their session"),
    # Kiosk tablets
    "kiosk.enrol_start": Open("a one-use 256-bit enrolment token"),
    "kiosk.enrol_bind": Open("a one-use 256-bit enrolment token; CSRF"),
    "kiosk.shell": Open("an enrolled tablet's credential cookie"),
    "kiosk.sync": Open("an enrolled tablet's credential cookie (SameSite=Strict), JSON and a custom header"),
    "kiosk.offline": Open("holds nothing but wording"),
    "kiosk.manifest": Open("holds nothing but wording"),
    "kiosk.service_worker": Open("holds nothing but the list of files a tablet keeps"),
    "kiosk.staff_pin": Open("an enrolled tablet, then its staff PIN (slow hash, locks after 5 wrong)"),
    "kiosk.staff_panel": Open("an enrolled tablet unlocked by its staff PIN"),
    "kiosk.staff_back": Open("CSRF; only locks the staff screens again"),
    "kiosk.staff_leave": Open("an enrolled tablet unlocked by its staff PIN; CSRF"),
    # Machines
    "api.results": Open("a bearer token (feedback api-tokens add)"),
    "api.openapi": Open("holds nothing but the shape of the API's answers"),
    "slack.events": Open("Slack's request signature, less than 5 minutes old"),
    # Staff: signing in and out
    "staff.sign_in": Open("the sign-in page itself; CSRF; throttled"),
    "staff.signed_out": Open("says only that you have signed out"),
    "staff.sign_out": SIGNED_IN,
    # Staff: results
    "dashboard.overview": VIEW_RESULTS,
    "dashboard.questionnaire": VIEW_RESULTS,
    "dashboard.breakdown": VIEW_RESULTS,
    "dashboard.comments": VIEW_RESULTS,
    "dashboard.inspections": VIEW_RESULTS,
    "dashboard.inspection": VIEW_RESULTS,
    "exports.results_export": VIEW_RESULTS,
    "exports.responses_export": EXPORT_RESPONSES,
    # Staff: operations
    "staff_kiosks.index": RUN_OPERATIONS,
    "staff_kiosks.new": RUN_OPERATIONS,
    "staff_kiosks.enrolment": RUN_OPERATIONS,
    "staff_kiosks.revoke": RUN_OPERATIONS,
    "paper.index": RUN_OPERATIONS,
    "paper.printable": RUN_OPERATIONS,
    "paper.enter": RUN_OPERATIONS,
    "paper.enter_return": RUN_OPERATIONS,
    "paper.change": RUN_OPERATIONS,
    "organisations.index": RUN_OPERATIONS,
    "organisations.show": RUN_OPERATIONS,
    "organisations.new": RUN_OPERATIONS,
    "organisations.edit": RUN_OPERATIONS,
    "organisations.retire": RUN_OPERATIONS,
    "organisations.reinstate": RUN_OPERATIONS,
    "inspections_admin.new": RUN_OPERATIONS,
    "inspections_admin.edit": RUN_OPERATIONS,
    "inspections_admin.close": RUN_OPERATIONS,
    "inspections_admin.reopen": RUN_OPERATIONS,
    "programme_import.upload": RUN_OPERATIONS,
    "programme_import.preview": RUN_OPERATIONS,
    "programme_import.done": RUN_OPERATIONS,
    "programme_import.template": RUN_OPERATIONS,
    "collection.overview": RUN_OPERATIONS,
    "collection.tracking": RUN_OPERATIONS,
    "collection.invite": RUN_OPERATIONS,
    "collection.invitation_action": RUN_OPERATIONS,
    "collection.shared_link": RUN_OPERATIONS,
    "collection.shared_sheet": RUN_OPERATIONS,
    "collection.close": RUN_OPERATIONS,
    "collection.rates": VIEW_RESULTS,
    "notify_callbacks.delivery_status": Open("Notify's bearer token (NOTIFY_CALLBACK_TOKEN), compared in constant time"),
    # Staff: accounts, sign-in security and the audit log
    "staff_accounts.index": MANAGE_STAFF,
    "staff_accounts.invite": MANAGE_STAFF,
    "staff_accounts.role": MANAGE_STAFF,
    "staff_accounts.deactivate": MANAGE_STAFF,
    "staff_accounts.reactivate": MANAGE_STAFF,
    "staff_accounts.set_password": Open("a one-use 256-bit set-password token, 3 days; CSRF"),
    "staff_accounts.password_set": Open("says only that a password was saved"),
    "account_security.show": SIGNED_IN,
    "account_security.add_app": SIGNED_IN,
    "account_security.add_key": SIGNED_IN,
    "account_security.new_recovery_codes": SIGNED_IN,
    "account_security.sign_out_everywhere": SIGNED_IN,
    "account_security.admin_factors": MANAGE_STAFF,
    "account_security.admin_reset": MANAGE_STAFF,
    "identity.second_factor": Open("the server-side sign-in attempt a correct password began; CSRF"),
    "identity.recovery_code": Open("the server-side sign-in attempt a correct password began; CSRF"),
    "identity.security_key": Open("the server-side sign-in attempt a correct password began; CSRF"),
    "identity.choose_method": Open("the server-side sign-in attempt a correct password began; CSRF"),
    "identity.set_up_app": Open("the server-side sign-in attempt a correct password began; CSRF"),
    "identity.set_up_key": Open("the server-side sign-in attempt a correct password began; CSRF"),
    "identity.sign_in_expired": Open("says only that the sign-in took too long"),
    "identity.sso_begin": Open("starts single sign-on with the identity provider"),
    "identity.sso_callback": Open("the single-use state, nonce and PKCE verifier of a sign-on this browser began"),
    "audit_log.index": READ_AUDIT,
    "audit_log.download": READ_AUDIT,
}

OPERATORS = "operators with shell access"
# Every `feedback` command. They are run on the server by operators with shell access, who
# hold the database and the secrets already: no role is checked, except where a command acts
# in a member of staff's name (export --responses needs EXPORT_RESPONSES for --staff-email).
COMMANDS: dict[str, str] = {
    "api-tokens add": OPERATORS,
    "api-tokens list": OPERATORS,
    "api-tokens revoke": OPERATORS,
    "check-config": OPERATORS,
    "counts catch-up": OPERATORS,
    "counts status": OPERATORS,
    "db downgrade": OPERATORS,
    "db revision": OPERATORS,
    "db upgrade": OPERATORS,
    "demo": OPERATORS,
    "digest": OPERATORS,
    "export": OPERATORS + "; --responses only for a --staff-email whose role holds export_responses",
    "invite": OPERATORS,
    "kiosk enrol": OPERATORS,
    "kiosk list": OPERATORS,
    "kiosk revoke": OPERATORS,
    "purge": OPERATORS,
    "questionnaires": OPERATORS,
    "reminders": OPERATORS,
    "results": OPERATORS,
    "slack send-alerts": OPERATORS,
    "slack worker": OPERATORS,
    "translate compile": OPERATORS + " (developers)",
    "translate extract": OPERATORS + " (developers)",
    "translate update": OPERATORS + " (developers)",
    "users add": OPERATORS,
    "users list": OPERATORS,
    "users invite": OPERATORS,
    "users role": OPERATORS,
    "users deactivate": OPERATORS,
    "users reset-factors": OPERATORS,
    "organisations list": OPERATORS,
    "organisations add": OPERATORS,
    "organisations edit": OPERATORS,
    "organisations retire": OPERATORS,
    "inspections list": OPERATORS,
    "inspections add": OPERATORS,
    "inspections edit": OPERATORS,
    "programme import": OPERATORS,
    "programme template": OPERATORS,
    "invitations list": OPERATORS,
    "invitations resend": OPERATORS,
    "invitations revoke": OPERATORS,
    "invitations extend": OPERATORS,
    "invitations close": OPERATORS,
    "tracking": OPERATORS,
    "worker": OPERATORS,
    "audit": OPERATORS,
}
