"""`feedback demo`: load the 2011–12 demo data and print links to try."""

from __future__ import annotations

import secrets

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale
from sqlalchemy import select

from .. import questionnaires, staff
from ..db import get_db
from ..demo.load import is_loaded, load_catalogue
from ..demo.returns import load_demo_returns
from ..invitations import create_invitation
from ..models import StaffUser
from .common import find_inspection
from .invitations import invitation_link

DEMO_STAFF_EMAIL = "demo-admin@example.gov.uk"
DEMO_LINKS = (
    ("omi2-2011-greater-manchester", "post-inspection-evaluation"),
    ("omi2-2011-greater-manchester", "offender-manager"),
    ("cci-2011-birmingham", "case-manager"),
    ("omi2-2012-wales", "post-inspection-evaluation"),
)


@click.command("demo")
@with_appcontext
@click.option("--links/--no-links", default=True, help="Print fresh invitation links to try.")
def demo(links: bool) -> None:
    """Load the 2011–12 demo data if the database is empty, then print links to try."""
    if current_app.config["ENVIRONMENT"] == "production":
        raise click.UsageError("demo data is for trying the service, not for production")
    with get_db().session() as session:
        if is_loaded(session):
            click.echo("Demo data already loaded.")
        else:
            added = load_catalogue(session)
            click.echo(
                "Loaded {organisations} organisations and {inspections} inspections "
                "from the 2011–12 annual report.".format(**added)
            )
            returns = load_demo_returns(session)
            click.echo(
                f"Loaded {sum(returns.values()):,} synthetic responses that reproduce the report's "
                "published figures."
            )
        if not links:
            return
        base = current_app.config["PUBLIC_BASE_URL"]
        if session.execute(select(StaffUser.id).limit(1)).first() is None:
            password = secrets.token_urlsafe(12)
            staff.add_user(session, DEMO_STAFF_EMAIL, "admin", password,
                           method=current_app.config["PASSWORD_HASH_METHOD"])
            click.echo(f"\nStaff pages: {base}/staff/ (sign in as {DEMO_STAFF_EMAIL}, password {password};"
                       " shown once, for this demo database only)")
        else:
            click.echo(f"\nStaff pages: {base}/staff/")
        click.echo("\nInvitation links to try (new each time):")
        for inspection_code, questionnaire_code in DEMO_LINKS:
            inspection = find_inspection(session, inspection_code)
            new = create_invitation(
                session, inspection, questionnaire_code, days=current_app.config["INVITATION_DAYS"]
            )
            definition = questionnaires.get(questionnaire_code)
            with force_locale("en_GB"):
                title = str(definition.short_title)
            click.echo(f"  {title}, {inspection.display_name('en')}:")
            click.echo(f"    {invitation_link(new.path())}")
