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
