"""The `feedback` command (also `flask --app feedback ...`): thin callers of the domain modules."""

from __future__ import annotations

import json
import secrets
import subprocess
import sys

import click
from alembic import command as alembic_command
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup, with_appcontext
from flask_babel import force_locale
from sqlalchemy import select

from .. import audit, get_db, questionnaires, staff
from ..clock import utcnow
from ..config import PROJECT_ROOT
from ..demo.load import is_loaded, load_catalogue
from ..demo.returns import load_demo_returns
from ..i18n import format_day
from ..invitation_emails import (
    EmailSettings,
    due_reminders,
    format_expiry,
    send_reminders,
)
from ..invitations import InvitationError, create_invitation, default_language
from ..migrations import alembic_config
from ..models import StaffUser
from ..notify import NotifyNotConfigured, NotifySender, is_configured
from ..operations.invitations_sending import NOT_CONFIRMED, REFUSED, deliver
from ..worker import worker_command
from .api_tokens import api_tokens_group
from .check_config import check_config
from .common import find_inspection
from .counts import counts_group
from .export import export_command
from .invitations import (
    invitations_group,
    invite_recipients,
    outcome_line,
    tracking_command,
)
from .kiosk import kiosk_group
from .organisations import (
    audit_command,
    inspections_group,
    organisations_group,
    programme_group,
)
from .purge import purge_command
from .results import results_command
from .slack import digest_command, slack_group
from .users import users_group

db_group = AppGroup("db", help="Create or migrate the database.")
translate_group = AppGroup("translate", help="Extract, update and compile translations.")


@db_group.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Create or migrate the database to the latest schema."""
    alembic_command.upgrade(alembic_config(current_app.config["DATABASE_URL"]), revision)
    click.echo(f"Database at revision {revision}.")


@db_group.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Step the schema back to an earlier revision."""
    alembic_command.downgrade(alembic_config(current_app.config["DATABASE_URL"]), revision)


@db_group.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message: str) -> None:
    """Write a new migration from the difference between the models and the database."""
    alembic_command.revision(
        alembic_config(current_app.config["DATABASE_URL"]), message=message, autogenerate=True
    )


def invitation_link(path: str) -> str:
    return current_app.config["PUBLIC_BASE_URL"] + path


@click.command("invite")
@with_appcontext
@click.option("--inspection", "inspection_ref", required=True, help="Inspection id or code.")
@click.option("--questionnaire", "questionnaire_code", required=True,
              type=click.Choice([q.code for q in questionnaires.ALL if q.invitation_mode]))
@click.option("--expires", "days", type=click.IntRange(1, 365), default=None, help="Days the link works for (1 to 365).")
@click.option("--email", default=None,
              help="Address to record with the invitation (and to send it to, with --send).")
@click.option("--send", is_flag=True,
              help="Email the invitation through GOV.UK Notify (to --email, else the "
                   "organisation's contact email).")
@click.option("--recipients", "recipients_path", default=None, metavar="FILE",
              help="Invite named people instead: a file of lines 'Name, email, language' (or a .csv), "
                   "one single-use link each, emailed through GOV.UK Notify.")
@click.option("--at", "at", type=click.Choice(["now", "publication"]), default="now",
              help="With --recipients: email now, or on the inspection's publication date (by `feedback worker`).")
def invite(
    inspection_ref: str, questionnaire_code: str, days: int | None, email: str | None, send: bool,
    recipients_path: str | None, at: str,
) -> None:
    """Print an invitation link for an inspection's questionnaire; with --send, email it too."""
    if recipients_path is not None:
        invite_recipients(inspection_ref, questionnaire_code, recipients_path, days, at)
        return
    config = current_app.config
    if send and not is_configured(config):
        raise click.UsageError(
            "GOV.UK Notify is not configured (NOTIFY_API_KEY is empty), so --send cannot "
            "email the invitation."
        )
    with get_db().session() as session:
        inspection = find_inspection(session, inspection_ref)
        sender = None
        if send:
            organisation = inspection.organisation
            email = email or (organisation.contact_email if organisation is not None else None)
            if not email:
                raise click.UsageError(
                    f"--send needs --email: {inspection.code} has no contact email recorded."
                )
            settings = EmailSettings.from_config(config)
            try:
                settings.template("invitation", default_language(inspection))
                sender = NotifySender.from_config(config)
            except NotifyNotConfigured as error:
                raise click.UsageError(str(error)) from None
        try:
            try:
                with force_locale("en_GB"):
                    new = create_invitation(
                        session, inspection, questionnaire_code,
                        days=days or config["INVITATION_DAYS"], email=email,
                    )
            except InvitationError as error:
                raise click.UsageError(str(error)) from None
            with force_locale("en_GB"):
                expires = format_day(new.invitation.expires_at, "en")
            click.echo(invitation_link(new.path()))
            click.echo(
                f"{questionnaire_code} for {inspection.display_name('en')} ({inspection.code}); "
                f"{'single use' if new.invitation.mode == 'single' else 'shared by everyone interviewed'}; "
                f"language {new.invitation.language}; works until {expires}.",
                err=True,
            )
            if sender is None:
                return
            # Keep the invitation, whose link is printed above, even if Notify refuses the email.
            session.commit()
            outcome = deliver(session, new.invitation, sender, settings, utcnow(), token=new.token)
            audit.record(session, "invitation.send", actor=audit.COMMAND_LINE, subject=new.invitation,
                         detail={"email": email, "reference": new.invitation.notify_reference,
                                 "outcome": outcome.state, "reason": outcome.reason})
            session.commit()
            if outcome.state == REFUSED:
                raise click.ClickException(
                    f"The invitation was not emailed. {outcome.reason} "
                    "The link above works and can be sent by hand."
                )
            click.echo(outcome_line(outcome, email, new.invitation.notify_reference), err=True)
            if outcome.state == NOT_CONFIRMED:
                raise click.ClickException("The email is not confirmed (see above).")
        finally:
            if sender is not None:
                sender.close()


@click.command("reminders")
@with_appcontext
@click.option("--dry-run", is_flag=True, help="List the reminders due, without sending them.")
def reminders(dry_run: bool) -> None:
    """Email one reminder, with a new link, for each emailed invitation about to expire.

    The reminder's link replaces the one in the first email, which stops working.
    Safe to run from cron as often as you like: each invitation has one reminder at most.
    """
    config = current_app.config
    settings = EmailSettings.from_config(config)
    now = utcnow()
    with get_db().session() as session:
        if dry_run:
            due = due_reminders(session, settings, now)
            for invitation in due:
                click.echo(
                    f"  invitation {invitation.id} to {invitation.email}, language "
                    f"{invitation.language}, expires {format_expiry(invitation.expires_at, 'en', settings.timezone)}"
                )
            click.echo(f"{len(due)} reminder{'' if len(due) == 1 else 's'} due; none sent (dry run).")
            return
        if not is_configured(config):
            raise click.UsageError(
                "GOV.UK Notify is not configured (NOTIFY_API_KEY is empty), so reminders "
                "cannot be sent."
            )
        try:
            sender = NotifySender.from_config(config)
        except NotifyNotConfigured as error:
            raise click.UsageError(str(error)) from None
        with sender:
            run = send_reminders(session, sender, settings, now)
    click.echo(f"Sent {len(run.sent)} reminder{'' if len(run.sent) == 1 else 's'}.")
    for invitation_id, reason in run.failed:
        click.echo(f"Reminder for invitation {invitation_id} not sent: {reason}", err=True)
    if run.failed:
        raise click.ClickException(
            f"{len(run.failed)} reminder{'' if len(run.failed) == 1 else 's'} could not be sent; "
            "the next run will try again."
        )


@click.command("questionnaires")
@with_appcontext
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def list_questionnaires(as_json: bool) -> None:
    """List the questionnaires, their versions and their questions."""
    with force_locale("en_GB"):
        snapshots = [q.snapshot() for q in questionnaires.ALL]
    if as_json:
        click.echo(json.dumps(snapshots, ensure_ascii=False, indent=2))
        return
    for snapshot in snapshots:
        click.echo(f"{snapshot['code']} (version {snapshot['version']}): {snapshot['title']}")
        for question in snapshot["questions"]:
            condition = question["asked_if"]
            asked = f" [asked if {condition['question']} = {', '.join(condition['answers'])}]" if condition else ""
            click.echo(f"  {question['code']:<28} {question['scale']:<24} {question['text']}{asked}")


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


def run_pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=PROJECT_ROOT)


@translate_group.command("extract")
def translate_extract() -> None:
    """Extract every message into translations/messages.pot."""
    run_pybabel(
        "extract", "-F", "babel.cfg", "-k", "_l", "-k", "_lp:1c,2", "--no-location",
        "--sort-output", "-o", "translations/messages.pot", "src", "templates",
    )


@translate_group.command("update")
def translate_update() -> None:
    """Merge new messages into the Welsh catalogue."""
    translate_extract.callback()
    run_pybabel("update", "-i", "translations/messages.pot", "-d", "translations", "--no-fuzzy-matching", "--ignore-obsolete")


@translate_group.command("compile")
def translate_compile() -> None:
    """Compile the catalogues the service reads."""
    run_pybabel("compile", "-d", "translations", "--statistics")


def register_commands(app: Flask) -> None:
    app.cli.add_command(db_group)
    app.cli.add_command(translate_group)
    app.cli.add_command(invite)
    app.cli.add_command(reminders)
    app.cli.add_command(list_questionnaires)
    app.cli.add_command(demo)
    app.cli.add_command(users_group)
    app.cli.add_command(check_config)
    app.cli.add_command(purge_command)
    app.cli.add_command(counts_group)
    app.cli.add_command(export_command)
    app.cli.add_command(results_command)
    app.cli.add_command(kiosk_group)
    app.cli.add_command(api_tokens_group)
    app.cli.add_command(digest_command)
    app.cli.add_command(slack_group)
    app.cli.add_command(organisations_group)
    app.cli.add_command(inspections_group)
    app.cli.add_command(programme_group)
    app.cli.add_command(audit_command)
    app.cli.add_command(invitations_group)
    app.cli.add_command(tracking_command)
    app.cli.add_command(worker_command)


def main() -> None:
    from .. import create_app

    group = FlaskGroup(create_app=create_app, help="Feedback on HM Inspectorate of Probation inspections.")
    # Checked before the application is built, so it still answers when the service refuses to start.
    group.add_command(check_config)
    group()
