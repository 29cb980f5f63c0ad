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
}
