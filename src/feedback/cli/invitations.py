"""`feedback invite`, `feedback invitations ...` and `feedback reminders`: links and the emails that carry them.

The command line's equal of the collection pages.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from flask_babel import force_locale

from .. import audit, questionnaires
from ..clock import utcnow
from ..db import get_db
from ..i18n import format_day
from ..invitation_emails import EmailSettings, due_reminders, format_expiry, send_reminders
from ..invitations import InvitationError, audience_problem, create_invitation, default_language
from ..models import Invitation
from ..notify import NotifyError, NotifyNotConfigured, NotifySender, is_configured
from ..operations import invitations_sending as sending
from ..operations.recipients import check_rows, pasted_rows, uploaded_rows
from ..operations.tracking import matching_invitations, state_word
from .common import find_inspection

invitations_group = AppGroup("invitations", help="List, resend, withdraw and extend invitations.")

LINKED = click.Choice([q.code for q in questionnaires.ALL if q.invitation_mode])


def notify_sender() -> NotifySender:
    config = current_app.config
    if not is_configured(config):
        raise click.UsageError("GOV.UK Notify is not configured (NOTIFY_API_KEY is empty), so no email can be sent.")
    try:
        return NotifySender.from_config(config)
    except NotifyNotConfigured as error:
        raise click.UsageError(str(error)) from None


def outcome_line(outcome: sending.SendOutcome, email: str | None, reference: str | None) -> str:
    if outcome.state == sending.SENDING:
        return f"Sent to {email} (reference {reference})."
    if outcome.state == sending.NOT_CONFIRMED:
        return (f"Not confirmed: {email} (reference {reference}). GOV.UK Notify did not answer in time, so the "
                "email may or may not have gone; it will be checked with Notify before anything sends it again.")
    if outcome.state == sending.SCHEDULED:
        return f"Scheduled for {email}."
    if outcome.state == "already_sent":
        return (f"Not sent again: GOV.UK Notify had taken the earlier email to {email} (reference {reference}) "
                "after all.")
    return f"Not sent to {email}: {outcome.reason or outcome.state}"


def read_recipients(path: str, default: str, already: set[str]):
    data = Path(path).read_bytes() if path != "-" else click.get_binary_stream("stdin").read()
    rows = uploaded_rows(data) if path.lower().endswith(".csv") else pasted_rows(data.decode("utf-8", "replace"))
    if rows is None:
        raise click.UsageError(f"{path} is not a CSV file of text.")
    with force_locale("en_GB"):
        recipients, problems = check_rows(rows, default, already)
    if problems:
        for problem in problems:
            click.echo(f"  line {problem.line}: {problem.text!r}: {problem.reason}", err=True)
        raise click.ClickException(f"{len(problems)} line{'' if len(problems) == 1 else 's'} to correct; "
                                   "nothing was sent.")
    if not recipients:
        raise click.UsageError("no recipients in the file")
    return recipients


def invite_recipients(inspection_ref: str, questionnaire_code: str, path: str, days: int | None,
                      at: str) -> None:
    """The `--recipients` form of `feedback invite`."""
    config = current_app.config
    with get_db().session() as session:
        inspection = find_inspection(session, inspection_ref)
        definition = questionnaires.get(questionnaire_code)
        with force_locale("en_GB"):
            problem = audience_problem(definition, inspection)
        if problem:
            raise click.UsageError(problem)
        recipients = read_recipients(path, default_language(inspection),
                                     sending.invited_emails(session, inspection, questionnaire_code))
        sender = notify_sender() if at == "now" or is_configured(config) else None
        try:
            run = sending.invite_recipients(
                session, inspection, questionnaire_code, recipients, days=days or config["INVITATION_DAYS"],
                at_publication=at == "publication", sender=sender, settings=EmailSettings.from_config(config),
                actor=audit.COMMAND_LINE, now=utcnow(),
            )
        except InvitationError as error:
            raise click.UsageError(str(error)) from None
        finally:
            if sender is not None:
                sender.close()
        for invitation, outcome in zip(run.invitations, run.outcomes, strict=True):
            click.echo(outcome_line(outcome, invitation.email, invitation.notify_reference))
        if run.count(sending.SCHEDULED):
            with force_locale("en_GB"):
                day = format_day(sending.publication_moment(inspection), "en")
            click.echo(f"{run.count(sending.SCHEDULED)} scheduled for the publication date, {day}: "
                       "`feedback worker` sends them.")
        if run.count(sending.REFUSED):
            raise click.ClickException(f"{run.count(sending.REFUSED)} not sent.")


def _selected(session, inspection_ref: str, questionnaire_code: str, invitation_id: int | None,
              email: str | None) -> list[Invitation]:
    inspection = find_inspection(session, inspection_ref)
    found = matching_invitations(session, inspection, questionnaire_code, invitation_id, email)
    if not found:
        raise click.UsageError("no invitation matches")
    return found


def selection(command):
    command = click.option("--inspection", "inspection_ref", required=True, help="Inspection id or code.")(command)
    command = click.option("--questionnaire", "questionnaire_code", required=True, type=LINKED)(command)
    return command


def one(command):
    command = click.option("--id", "invitation_id", type=int, default=None, help="The invitation's number.")(command)
    command = click.option("--email", default=None, help="The recipient's email address.")(command)
    return command


def pick_one(session, *args) -> Invitation:
    found = _selected(session, *args)
    if len(found) > 1:
        raise click.UsageError("more than one invitation matches: give --id")
    return found[0]


@invitations_group.command("list")
@with_appcontext
@selection
def list_invitations(inspection_ref: str, questionnaire_code: str) -> None:
    """List an inspection's invitations to a questionnaire, with what happened to each."""
    with get_db().read_session() as session:
        for invitation in _selected(session, inspection_ref, questionnaire_code, None, None):
            click.echo("\t".join(str(v) for v in (
                invitation.id, invitation.mode, invitation.recipient_name or "-", invitation.email or "-",
                invitation.language, state_word(invitation), "answered" if invitation.used_at else "-",
                invitation.expires_at.date().isoformat())))


@invitations_group.command("resend")
@with_appcontext
@selection
@one
def resend_invitation(inspection_ref, questionnaire_code, invitation_id, email) -> None:
    """Email an invitation again with a new link; an unconfirmed email is checked with Notify first."""
    sender = notify_sender()
    with sender, get_db().session() as session:
        invitation = pick_one(session, inspection_ref, questionnaire_code, invitation_id, email)
        try:
            outcome = sending.resend(session, invitation, sender, EmailSettings.from_config(current_app.config),
                                     audit.COMMAND_LINE, utcnow())
        except InvitationError as error:
            raise click.UsageError(str(error)) from None
        except NotifyError as error:
            raise click.ClickException(f"Could not check the earlier email with GOV.UK Notify, so nothing was "
                                       f"sent: {error}") from None
        click.echo(outcome_line(outcome, invitation.email, invitation.notify_reference))
        if outcome.state == sending.REFUSED:
            raise click.ClickException("The invitation was not emailed.")


@invitations_group.command("revoke")
@with_appcontext
@selection
@one
def revoke_invitation(inspection_ref, questionnaire_code, invitation_id, email) -> None:
    """Withdraw an invitation: its link stops working."""
    with get_db().session() as session:
        invitation = pick_one(session, inspection_ref, questionnaire_code, invitation_id, email)
        done = sending.revoke(session, invitation, audit.COMMAND_LINE, utcnow())
        click.echo(f"Invitation {invitation.id} {'withdrawn' if done else 'was already withdrawn'}.")


@invitations_group.command("extend")
@with_appcontext
@selection
@one
@click.option("--days", type=int, required=True, help="Days more the link works for.")
def extend_invitation(inspection_ref, questionnaire_code, invitation_id, email, days) -> None:
    """Let an invitation's link work for longer."""
    with get_db().session() as session:
        invitation = pick_one(session, inspection_ref, questionnaire_code, invitation_id, email)
        try:
            until = sending.extend(session, invitation, days, audit.COMMAND_LINE, utcnow())
        except InvitationError as error:
            raise click.UsageError(str(error)) from None
        with force_locale("en_GB"):
            click.echo(f"Invitation {invitation.id} now works until {format_day(until, 'en')}.")


@invitations_group.command("close")
@with_appcontext
@selection
def close(inspection_ref, questionnaire_code) -> None:
    """Close collection: every link of the inspection's questionnaire stops working."""
    with get_db().session() as session:
        inspection = find_inspection(session, inspection_ref)
        closed = sending.close_collection(session, inspection, questionnaire_code, audit.COMMAND_LINE, utcnow())
        click.echo(f"Collection closed; {closed} link{'' if closed == 1 else 's'} stopped working.")


def invitation_link(path: str) -> str:
    """The full link to a path, as it is printed and emailed."""
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
            outcome = sending.deliver(session, new.invitation, sender, settings, utcnow(), token=new.token)
            audit.record(session, "invitation.send", actor=audit.COMMAND_LINE, subject=new.invitation,
                         detail={"email": email, "reference": new.invitation.notify_reference,
                                 "outcome": outcome.state, "reason": outcome.reason})
            session.commit()
            if outcome.state == sending.REFUSED:
                raise click.ClickException(
                    f"The invitation was not emailed. {outcome.reason} "
                    "The link above works and can be sent by hand."
                )
            click.echo(outcome_line(outcome, email, new.invitation.notify_reference), err=True)
            if outcome.state == sending.NOT_CONFIRMED:
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
